import ArgumentParser
import Pruning
import TFLite

/// `tinyhil prune weights MODEL -o OUT (--sparsity S | --n-of-m N:M) [--method magnitude|random]`.
struct PruneWeights: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weights",
        abstract: "Unstructured pruning: zero weights (element-wise, in blocks, or N:M).",
        discussion: """
            Zeroes weights of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED. Shapes stay, so MACs and the \
            arena do not change; the compressed size shrinks.
            """
    )

    enum Method: String, ExpressibleByArgument, CaseIterable { case magnitude, random }

    @OptionGroup var io: PruneModelArguments

    @Option(help: "Which weights are zeroed: the smallest (magnitude) or random ones (--seed).")
    var method: Method = .magnitude

    @Option(help: "Target weight sparsity in [0, 1).")
    var sparsity: Double?

    @Option(help: "N:M pattern along input channels, e.g. 2:4 (the sparsity is then 1 − N/M).")
    var nOfM: String?

    @Option(help: "Zero blocks of N consecutive weights along input channels (1×N).")
    var block: Int?

    @Flag(help: "One magnitude threshold across all layers instead of per layer.")
    var global = false

    enum Encoding: String, ExpressibleByArgument, CaseIterable { case dense, sparse }

    @Option(help: "How pruned weights are stored: dense, or sparse (THS1: FULLY_CONNECTED and CONV_2D int8 weights, run by the engine's zero-skipping kernels; firmware/engine/README.md).")
    var encode: Encoding = .dense

    @Option(help: "Seed for --method random and the fine-tuning's shuffling.")
    var seed: UInt64 = 0

    @OptionGroup(title: "Fine-tuning") var fineTuning: PruneFineTuningOptions

    func validate() throws {
        guard (sparsity != nil) != (nOfM != nil) else { throw ValidationError("give exactly one of --sparsity and --n-of-m") }
        if block != nil, nOfM != nil { throw ValidationError("--block and --n-of-m are different patterns: give one") }
        if let block, block < 1 { throw ValidationError("--block must be at least 1") }
        try fineTuning.check()
    }

    func run() async throws {
        let original = try io.read()
        var pattern = SparsityPattern.elementwise
        if let block { pattern = .block(length: block) }
        if let nOfM {
            let parts = nOfM.split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2 else { throw CommandFailure("--n-of-m expects N:M, e.g. 2:4; got \(nOfM)") }
            pattern = .nOfM(n: parts[0], m: parts[1])
        }
        let selection: WeightSelection = method == .random ? .random(seed: seed) : .magnitude
        let result: WeightPruningResult
        do {
            result = try WeightPruner(selection: selection, scope: global ? .global : .perLayer, pattern: pattern)
                .prune(original.model, sparsity: sparsity ?? 0)
        } catch {
            throw CommandFailure("\(io.model): \(error)")
        }
        let label = "unstructured \(method.rawValue), "
            + (nOfM.map { "\($0) pattern" } ?? "sparsity \(sparsity ?? 0)") + (global ? " (global)" : "")
        try await io.finish(result.model, original: original, changes: PruningReport.changes(of: result),
                            method: label, fineTuning: fineTuning, seed: seed,
                            encode: encode == .sparse ? Self.encodeSparse : nil)
    }

    @Sendable static func encodeSparse(_ model: Model) throws -> (model: Model, note: String) {
        let encoded = try SparseWeightEncoder().encode(model)
        let saved = encoded.tensors.reduce(0) { $0 + $1.flashSavedBytes }
        return (encoded.model, "; \(encoded.tensors.count) weight tensors sparse (THS1), \(saved) bytes saved")
    }
}
