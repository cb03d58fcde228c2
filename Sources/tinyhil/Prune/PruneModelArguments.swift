import ArgumentParser
import Foundation
import Pruning
import TFLite
import Training

/// The model in, the model out and the report format, shared by every `prune` mode.
struct PruneModelArguments: ParsableArguments {
    @Argument(help: "Path of a .tflite model (int8 or float32).")
    var model: String

    @Option(name: [.customShort("o"), .customLong("output")], help: "Where to write the pruned .tflite model.")
    var output: String

    @Flag(help: "Print the before/after report as JSON.")
    var json = false

    /// The input model and its bytes (the report compares sizes against them).
    func read() throws -> (model: Model, bytes: [UInt8]) {
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model))) } catch {
            throw CommandFailure("cannot read \(model): \(error.localizedDescription); check the path")
        }
        do { return (try Model(bytes: bytes), bytes) } catch {
            throw CommandFailure("\(model): \(error)")
        }
    }

    /// Fine-tunes when asked, writes the pruned model atomically and prints the before/after report.
    func finish(
        _ pruned: Model, original: (model: Model, bytes: [UInt8]), changes: [PruningReport.Change],
        method: String, fineTuning: PruneFineTuningOptions, seed: UInt64,
        encode: (@Sendable (Model) throws -> (model: Model, note: String))? = nil
    ) async throws {
        var pruned = pruned
        var method = method
        if let epochs = fineTuning.finetuneEpochs {
            let tuned = try await fineTuning.fineTune(pruned, unpruned: original.model, unprunedPath: model,
                                                      seed: seed, quiet: json)
            pruned = tuned.model
            let accuracy = tuned.summary.validationAccuracies.last
                .map { String(format: ", validation accuracy %.2f %%", $0 * 100) } ?? ""
            method += "; fine-tuned \(epochs) epochs\(fineTuning.distill ? " with distillation" : "")"
                + "\(tuned.quantized ? ", re-quantized to int8" : "")\(accuracy)"
        }
        if let encode {   // after fine-tuning, which rewrites the weights
            let encoded = try encode(pruned)
            pruned = encoded.model
            method += encoded.note
        }
        do {
            let prunedBytes = try pruned.serialized()
            try AtomicModelWriter.write(pruned, to: URL(fileURLWithPath: output))
            let report = try PruningReport(method: method, original: original.model, originalBytes: original.bytes,
                                           pruned: pruned, prunedBytes: prunedBytes, changes: changes)
            print(json ? try report.json() : report.text())
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(output): \(error)")
        }
    }
}
