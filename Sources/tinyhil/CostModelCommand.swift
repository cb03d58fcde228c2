import ArgumentParser
import Bench
import DeviceLink
import Foundation
import Footprint
import Inference
import TFLite

/// `tinyhil cost-model fit MODEL... -o COST.json [--bench …]`: profile models on a board and fit the per-operator
/// cost model that `prune search --objective energy` minimises.
struct CostModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost-model",
        abstract: "Per-operator cost models fitted to profiled counters (for prune search --objective energy).",
        subcommands: [Fit.self]
    )

    struct Fit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Profile models on a board and fit counter ≈ a·MACs + b·outputs + c·inputs + d per operator type.",
            usage: "tinyhil cost-model fit <models> ... --output <output> [--bench <bench>]",
            discussion: """
                Each model runs once with its sibling X.inputs.npy (else zeros) and its per-operator counters \
                (instructions on the virtual board, cycles on a real one) become samples of a least-squares fit \
                per operator type. Give models of the family you will search (e.g. the baseline and a few \
                channel-pruned variants): a type none of them contains cannot be predicted.
                """
        )

        @Argument(help: "The .tflite models to profile.")
        var models: [String]

        @Option(name: [.customShort("o"), .customLong("output")], help: "Where to write the cost model (JSON).")
        var output: String

        @OptionGroup var bench: BenchOptions

        func validate() throws {
            guard !models.isEmpty else { throw ValidationError("give at least one model to profile") }
        }

        func run() async throws {
            let configuration = try bench.configuration()
            var samples: [OperatorCostModel.Sample] = []
            var unit = "counter"
            for path in models {
                let url = URL(fileURLWithPath: path)
                let underTest = try ModelUnderTest(contentsOf: url)
                let footprint: ModelFootprint
                do { footprint = try ModelFootprint(model: try Model(contentsOf: url)) } catch {
                    throw CommandFailure("\(path): \(error)")
                }
                let (profile, facts) = try await configuration.withBoard { board in
                    let info = try await board.device.load(underTest.bytes)
                    let reply = try await board.device.profile(try Self.input(for: url, bytes: info.inputBytes))
                    let facts = try await board.facts()
                    return (OperatorProfile(reply: reply, unit: facts.counterUnit), facts)
                }
                unit = facts.counterUnit.storeName
                guard profile.rows.count == footprint.layers.count else {
                    throw CommandFailure("\(path): the board profiled \(profile.rows.count) operators, the model has \(footprint.layers.count)")
                }
                samples += zip(footprint.layers, profile.rows).map { .init(layer: $0, counter: Double($1.counter)) }
                print("\(url.lastPathComponent): \(profile.rows.reduce(UInt64(0)) { $0 + $1.counter }) \(unit) over \(profile.rows.count) operators")
            }
            do {
                let fitted = try OperatorCostModel.fit(samples, counterUnit: unit)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(fitted).write(to: URL(fileURLWithPath: output), options: .atomic)
                print("wrote \(output): \(fitted.operators.keys.sorted().joined(separator: ", ")) from \(samples.count) operators")
            } catch {
                throw CommandFailure("cannot fit or write the cost model: \(error)")
            }
        }

        static func input(for model: URL, bytes: Int) throws -> [UInt8] {
            let sibling = model.deletingPathExtension().path + ".inputs.npy"
            guard FileManager.default.fileExists(atPath: sibling) else { return [UInt8](repeating: 0, count: bytes) }
            let array = try NumPyArray(contentsOf: URL(fileURLWithPath: sibling))
            let batch = max(array.shape.first ?? 1, 1)
            guard array.bytes.count / batch == bytes else { return [UInt8](repeating: 0, count: bytes) }
            return Array(array.bytes.prefix(bytes))
        }
    }
}
