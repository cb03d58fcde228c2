import ArgumentParser
import Foundation
import Inference

/// `tinyhil bench-host MODEL --inputs X.npy`: host-engine throughput, printed as one JSON object for
/// benchmarks/host_throughput.py. Hidden: a benchmark entry point, not a user command.
struct BenchHost: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-host",
        abstract: "Measure host-engine inferences per second (prints JSON; used by benchmarks/).",
        usage: "tinyhil bench-host <model> --inputs <inputs> [<options>]",  // fits 80 columns; the options are listed below
        shouldDisplay: false
    )

    @Argument(help: "The .tflite model.")
    var model: String

    @Option(help: "A .npy batch for input 0 (first dimension = batch).")
    var inputs: String

    @Option(help: "Timed passes over the whole batch per configuration; the median is reported.")
    var repeats: Int = 3

    @Option(help: "Where to write output 0 of the single-thread pass (to check it against other runtimes).")
    var outputs: String?

    @Option(help: "Highest vector kernels to use (default: the best the CPU has).")
    var kernels: VectorKernels = .avx512VNNI

    @Flag(help: "Time one thread only (skip the all-cores pass).")
    var singleThread = false

    func validate() throws {
        if repeats < 1 { throw ValidationError("--repeats must be at least 1") }
    }

    func run() async throws {
        let engineModel = try EngineModel(contentsOf: URL(fileURLWithPath: model))
        let batch = try NumPyArray(contentsOf: URL(fileURLWithPath: inputs))
        let samples = batch.shape.first ?? 0
        let cores = EngineModel.defaultWorkerCount
        let limit = kernels
        let inEffect = try engineModel.makeInterpreter().limitVectorKernels(to: limit)
        var entries: [String] = []
        for workers in (singleThread ? [1] : Array(Set([1, cores])).sorted()) {
            // warm-up, not timed
            let first = try await engineModel.run(batch: batch, workerCount: workers, vectorKernels: limit)
            if workers == 1, let outputs { try first.write(to: URL(fileURLWithPath: outputs)) }
            var seconds: [Double] = []
            for _ in 0..<repeats {
                let clock = ContinuousClock()
                let elapsed = try await clock.measure {
                    _ = try await engineModel.run(batch: batch, workerCount: workers, vectorKernels: limit)
                }
                seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            }
            let median = seconds.sorted()[seconds.count / 2]
            entries.append("{\"workers\": \(workers), \"median_seconds\": \(median), "
                + "\"inferences_per_second\": \(Double(samples) / median)}")
        }
        print("{\"samples\": \(samples), \"cores\": \(cores), \"kernels\": \"\(inEffect.rawValue)\", "
            + "\"runs\": [\(entries.joined(separator: ", "))]}")
    }
}

extension VectorKernels: ExpressibleByArgument {}
