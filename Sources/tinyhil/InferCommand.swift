import ArgumentParser
import Foundation
import Bench
import DeviceLink
import Inference

/// `tinyhil infer MODEL --inputs X.npy -o Y.npy`: run a model on a batch with the host engine.
struct Infer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model over a batch of inputs and write the raw outputs.",
        usage: "tinyhil infer <model> --inputs <inputs> ... --output <output> [<options>]",  // fits 80 columns; the options are listed below
        discussion: """
            X.npy's first dimension is the batch; the rest must hold one input tensor per sample in the model's \
            input type (int8, uint8, int32 or float32). Y.npy holds output 0 for each sample, in the model's \
            output type, shaped [batch, ...output shape without its batch dimension]. A model with several \
            inputs takes one --inputs per input, in order.
            """
    )

    @Argument(help: "The .tflite model.")
    var model: String

    @Option(name: .long, help: "A .npy batch for each model input (first dimension = batch).")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Where to write output 0 as .npy.")
    var output: String

    /// Without `--bench` the batch runs on the host engine (the C engine in this process); with it, on that bench's
    /// board (`--bench host` is accepted for the host engine too).
    @OptionGroup var bench: BenchOptions

    @Option(help: "Worker threads, each with its own interpreter (default: one per core).")
    var workers: Int?

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give the model's inputs with --inputs X.npy") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
    }

    func run() async throws {
        if !runsOnHost { return try await runOnBoard() }
        let engineModel = try EngineModel(contentsOf: URL(fileURLWithPath: model))
        let batches = try inputs.map { try NumPyArray(contentsOf: URL(fileURLWithPath: $0)) }
        let outputs = try await engineModel.run(batches: batches,
                                                workerCount: workers ?? EngineModel.defaultWorkerCount)
        try outputs[0].write(to: URL(fileURLWithPath: output))
        let result = outputs[0]
        FileHandle.standardError.write(Data(
            "ran \(result.shape.first ?? 0) samples; wrote \(result.elementType) \(result.shape) to \(output)\n".utf8))
    }

    private var runsOnHost: Bool { bench.bench == nil || bench.bench == "host" }

    private func runOnBoard() async throws {
        let modelBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model)))
        let batches = try inputs.map { try NumPyArray(contentsOf: URL(fileURLWithPath: $0)) }
        let configuration = try bench.configuration()
        let result = try await configuration.withBoard { board in
            try await DeviceInference.run(modelBytes: modelBytes, batches: batches, on: board.device)
        }
        try result.write(to: URL(fileURLWithPath: output))
        FileHandle.standardError.write(Data(
            "ran \(result.shape.first ?? 0) samples on \(configuration.board); wrote \(result.elementType) \(result.shape) to \(output)\n".utf8))
    }
}
