import ArgumentParser
import Foundation
import Inference
import Pruning

/// `tinyhil prune channels MODEL -o OUT (--ratio R | --ratios FILE) [--method l1|l2|apoz|mean-activation]`.
struct PruneChannels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channels",
        abstract: "Structured pruning: remove channels (fixed ratio, or per-layer ratios from a file).",
        discussion: """
            Channels are removed along the model's dependency graph (ADD groups, depthwise, concatenation, \
            flatten into dense); the classifier's outputs are never pruned. A ratios file is JSON: \
            {"<operator index or tensor name>": ratio}. apoz and mean-activation rank channels by their \
            activations on --calibration inputs.
            """
    )

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case l1, l2, apoz
        case meanActivation = "mean-activation"
    }

    @OptionGroup var io: PruneModelArguments

    @Option(help: "How channels are ranked (apoz, mean-activation: by activations on --calibration).")
    var method: Method = .l1

    @Option(help: "Fraction of channels removed from every prunable group, in [0, 1).")
    var ratio: Double?

    @Option(help: "JSON file of per-layer ratios (instead of --ratio).")
    var ratios: String?

    @Flag(help: "With --ratio: one importance threshold across all layers instead of per layer.")
    var global = false

    @Option(help: "Keep channel counts a multiple of N.")
    var roundTo: Int = 1

    @Option(help: "A .npy batch of model inputs (first dimension = samples) for apoz | mean-activation.")
    var calibration: String?

    @Option(help: "Seed of the fine-tuning's shuffling.")
    var seed: UInt64 = 0

    @OptionGroup(title: "Fine-tuning") var fineTuning: PruneFineTuningOptions

    func validate() throws {
        guard (ratio != nil) != (ratios != nil) else { throw ValidationError("give exactly one of --ratio and --ratios") }
        if global, ratio == nil { throw ValidationError("--global goes with --ratio") }
        if roundTo < 1 { throw ValidationError("--round-to must be at least 1") }
        let dataDriven = method == .apoz || method == .meanActivation
        if dataDriven, calibration == nil {
            throw ValidationError("--method \(method.rawValue) ranks channels by activations: give --calibration INPUTS.npy")
        }
        if !dataDriven, calibration != nil {
            throw ValidationError("--calibration is for --method apoz | mean-activation")
        }
        try fineTuning.check()
    }

    func run() async throws {
        let original = try io.read()
        let criterion = ChannelCriterion(rawValue: method.rawValue) ?? .l1
        let pruner = ChannelPruner(criterion: criterion, roundTo: roundTo)
        let result: ChannelPruningResult
        do {
            let request: ChannelRatios = try ratio.map { global ? .global($0) : .fixed($0) }
                ?? ChannelRatios.load(from: URL(fileURLWithPath: ratios!))
            if let calibration {
                let inputs: NumPyArray
                do { inputs = try NumPyArray(contentsOf: URL(fileURLWithPath: calibration)) } catch {
                    throw CommandFailure("cannot read calibration inputs \(calibration): \(error)")
                }
                result = try await pruner.prune(original.model, ratios: request, calibration: inputs)
            } else {
                result = try pruner.prune(original.model, ratios: request)
            }
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(io.model): \(error)")
        }
        let label = "structured \(criterion.rawValue), "
            + (ratio.map { "\(global ? "global " : "")ratio \($0)" } ?? "ratios from \(ratios!)")
        try await io.finish(result.model, original: original, changes: PruningReport.changes(of: result),
                            method: label, fineTuning: fineTuning, seed: seed)
    }
}
