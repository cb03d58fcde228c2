import Foundation
import Footprint
import TFLite

/// Footprint before and after a pruning run, and what changed per layer — for people (``text()``) and
/// scripts (``json()``).
public struct PruningReport: Sendable, Codable, Equatable {
    public struct Totals: Sendable, Codable, Equatable {
        public var params: Int
        public var macs: Int
        public var flashBytes: Int
        public var arenaHeadBytes: Int
        public var weightSparsity: Double
        public var gzipBytes: Int?
    }

    /// One changed layer: a channel group (structured) or a weight tensor (unstructured).
    public struct Change: Sendable, Codable, Equatable {
        public var layer: String
        public var before: Int
        public var after: Int
        /// Zero weights / all weights (unstructured), nil for channel groups.
        public var sparsity: Double?

        public init(layer: String, before: Int, after: Int, sparsity: Double?) {
            self.layer = layer
            self.before = before
            self.after = after
            self.sparsity = sparsity
        }
    }

    public var method: String
    public var before: Totals
    public var after: Totals
    public var changes: [Change]

    public init(method: String, original: Model, originalBytes: [UInt8], pruned: Model, prunedBytes: [UInt8],
                changes: [Change]) throws {
        self.method = method
        before = try Self.totals(original, bytes: originalBytes)
        after = try Self.totals(pruned, bytes: prunedBytes)
        self.changes = changes
    }

    public static func changes(of result: ChannelPruningResult) -> [Change] {
        result.outcomes.map { Change(layer: $0.label, before: $0.channelsBefore, after: $0.channelsAfter, sparsity: nil) }
    }

    public static func changes(of result: WeightPruningResult) -> [Change] {
        result.layers.map {
            Change(layer: "op \($0.operatorIndex) \($0.operatorName) '\($0.tensorName)'", before: $0.zerosBefore,
                   after: $0.zerosAfter, sparsity: $0.sparsity)
        }
    }

    static func totals(_ model: Model, bytes: [UInt8]) throws -> Totals {
        let footprint = try ModelFootprint(model: model, fileBytes: bytes.count)
        return Totals(params: footprint.parameters, macs: footprint.macs, flashBytes: footprint.flashBytes,
                      arenaHeadBytes: footprint.arenaHeadBytes, weightSparsity: footprint.sparsity ?? 0,
                      gzipBytes: try? CompressedSize.gzipBytes(of: bytes))
    }

    public func text() -> String {
        func row(_ name: String, _ a: Int, _ b: Int) -> String {
            let change = a > 0 ? String(format: "%+.1f %%", 100 * Double(b - a) / Double(a)) : ""
            return name.padding(toLength: 18, withPad: " ", startingAt: 0)
                + String(a).leftPadded(12) + String(b).leftPadded(12) + "  " + change
        }
        var lines = ["pruning: \(method)", "".padding(toLength: 18, withPad: " ", startingAt: 0) + "before".leftPadded(12) + "after".leftPadded(12)]
        lines.append(row("params", before.params, after.params))
        lines.append(row("MACs", before.macs, after.macs))
        lines.append(row("flash bytes", before.flashBytes, after.flashBytes))
        lines.append(row("arena head bytes", before.arenaHeadBytes, after.arenaHeadBytes))
        if let a = before.gzipBytes, let b = after.gzipBytes { lines.append(row("gzip bytes", a, b)) }
        lines.append(String(format: "weight sparsity   %11.1f %% %10.1f %%", 100 * before.weightSparsity, 100 * after.weightSparsity))
        lines.append("")
        for change in changes {
            if let sparsity = change.sparsity {
                lines.append(String(format: "  %@: sparsity %.1f %%", change.layer, 100 * sparsity))
            } else {
                lines.append("  \(change.layer): \(change.before) → \(change.after) channels")
            }
        }
        return lines.joined(separator: "\n")
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
