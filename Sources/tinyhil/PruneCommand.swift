import ArgumentParser
import Foundation
import Pruning
import TFLite

/// `tinyhil prune MODEL -o OUT --method ... (--sparsity S | --ratio R | --ratios FILE)`.
struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prune a .tflite model (int8 or float32): unstructured weight sparsity or structured channel removal.",
        discussion: """
            Unstructured (--method magnitude|random with --sparsity): zeroes weights of CONV_2D, DEPTHWISE_CONV_2D \
            and FULLY_CONNECTED; shapes stay, only the compressed size shrinks. Structured (--method l1|l2 with \
            --ratio or --ratios): removes channels along the model's dependency graph (ADD groups, depthwise, \
            concatenation, flatten into dense); the classifier's outputs are never pruned. A ratios file is JSON: \
            {"<operator index or tensor name>": ratio}.
            """
    )

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case magnitude, random, l1, l2
    }

    @Argument(help: "Path of a .tflite model.")
    var model: String

    @Option(name: [.customShort("o"), .customLong("output")], help: "Where to write the pruned .tflite model.")
    var output: String

    @Option(help: "magnitude | random (unstructured, with --sparsity) or l1 | l2 (structured, with --ratio/--ratios).")
    var method: Method?

    @Option(help: "Target weight sparsity in [0, 1) (unstructured).")
    var sparsity: Double?

    @Option(help: "Fraction of channels removed from every prunable group, in [0, 1) (structured, fixed mode).")
    var ratio: Double?

    @Option(help: "JSON file of per-layer ratios (structured, dynamic mode).")
    var ratios: String?

    @Option(help: "Keep channel counts a multiple of N (structured).")
    var roundTo: Int = 1

    @Flag(help: "Unstructured: one magnitude threshold across all layers instead of per layer.")
    var global = false

    @Option(help: "Unstructured: zero blocks of N consecutive weights along input channels (1×N).")
    var block: Int?

    @Option(help: "Unstructured: N:M pattern along input channels, e.g. 2:4 (the sparsity is then 1 − N/M).")
    var nOfM: String?

    @Option(help: "Seed for --method random.")
    var seed: UInt64 = 0

    @Flag(help: "Print the before/after report as JSON.")
    var json = false

    func validate() throws {
        let modes = [sparsity != nil || nOfM != nil, ratio != nil, ratios != nil].filter { $0 }.count
        guard modes == 1 else {
            throw ValidationError("give exactly one of --sparsity (or --n-of-m), --ratio, --ratios")
        }
        if let method {
            let structured = ratio != nil || ratios != nil
            if structured, method == .magnitude || method == .random {
                throw ValidationError("--method \(method.rawValue) is unstructured: use --sparsity, or --method l1|l2 with --ratio")
            }
            if !structured, method == .l1 || method == .l2 {
                throw ValidationError("--method \(method.rawValue) is structured: use --ratio or --ratios, or --method magnitude with --sparsity")
            }
        }
        if roundTo < 1 { throw ValidationError("--round-to must be at least 1") }
    }

    func run() throws {
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model))) } catch {
            throw PruneFailure("cannot read \(model): \(error.localizedDescription); check the path")
        }
        do {
            let original = try Model(bytes: bytes)
            let pruned: Model
            let changes: [PruningReport.Change]
            let label: String
            if ratio != nil || ratios != nil {
                let criterion: ChannelCriterion = method == .l2 ? .l2 : .l1
                let request: ChannelRatios = try ratio.map { .fixed($0) }
                    ?? ChannelRatios.load(from: URL(fileURLWithPath: ratios!))
                let result = try ChannelPruner(criterion: criterion, roundTo: roundTo).prune(original, ratios: request)
                pruned = result.model
                changes = PruningReport.changes(of: result)
                label = "structured \(criterion.rawValue), " + (ratio.map { "ratio \($0)" } ?? "ratios from \(ratios!)")
            } else {
                let selection: WeightSelection = method == .random ? .random(seed: seed) : .magnitude
                var pattern = SparsityPattern.elementwise
                if let block { pattern = .block(length: block) }
                if let nOfM {
                    let parts = nOfM.split(separator: ":").compactMap { Int($0) }
                    guard parts.count == 2 else { throw PruneFailure("--n-of-m expects N:M, e.g. 2:4; got \(nOfM)") }
                    pattern = .nOfM(n: parts[0], m: parts[1])
                }
                let result = try WeightPruner(selection: selection, scope: global ? .global : .perLayer, pattern: pattern)
                    .prune(original, sparsity: sparsity ?? 0)
                pruned = result.model
                changes = PruningReport.changes(of: result)
                label = "unstructured \(method?.rawValue ?? "magnitude"), sparsity \(sparsity ?? 0)\(global ? " (global)" : "")"
            }
            let prunedBytes = try pruned.serialized()
            try Data(prunedBytes).write(to: URL(fileURLWithPath: output))
            let report = try PruningReport(method: label, original: original, originalBytes: bytes, pruned: pruned,
                                           prunedBytes: prunedBytes, changes: changes)
            print(json ? try report.json() : report.text())
        } catch let failure as PruneFailure {
            throw failure
        } catch {
            throw PruneFailure("\(model): \(error)")
        }
    }
}

/// A message for stderr; ArgumentParser prints it and exits non-zero.
struct PruneFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
