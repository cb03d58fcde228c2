import Foundation

/// A model's footprint as `tinyhil inspect` shows it: a per-layer table and totals, as text or JSON.
/// The JSON keys are a stable interface for scripts (snake_case).
public struct FootprintReport: Sendable, Codable, Hashable {
    public struct Totals: Sendable, Codable, Hashable {
        public var params: Int
        public var macs: Int
        public var flashBytes: Int
        public var flashBytesIsEstimate: Bool
        public var weightBytes: Int
        public var activationBytes: Int
        /// TFLM's non-persistent arena (greedy plan), exact when `arenaBytesExact`.
        public var arenaBytes: Int
        public var arenaBytesExact: Bool
        public var arenaPersistentEstimateBytes: Int
        public var arenaPersistentKnownErrorBytes: Int
        /// `arenaBytes` + persistent estimate.
        public var arenaTotalBytes: Int
        public var gzipBytes: Int?
        public var sparsity: Double?
    }

    public struct Layer: Sendable, Codable, Hashable {
        public var index: Int
        public var op: String
        public var inputShapes: [[Int]]
        public var outputShapes: [[Int]]
        public var params: Int
        public var macs: Int
        public var weightBytes: Int
        public var activationBytes: Int
        public var sparsity: Double?

        enum CodingKeys: String, CodingKey {
            case index, op, inputShapes, outputShapes, params, macs, weightBytes, activationBytes, sparsity
        }

        /// Writes `sparsity` as null for operators without weights, so every layer has the same keys.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(op, forKey: .op)
            try container.encode(inputShapes, forKey: .inputShapes)
            try container.encode(outputShapes, forKey: .outputShapes)
            try container.encode(params, forKey: .params)
            try container.encode(macs, forKey: .macs)
            try container.encode(weightBytes, forKey: .weightBytes)
            try container.encode(activationBytes, forKey: .activationBytes)
            try container.encode(sparsity, forKey: .sparsity)
        }
    }

    public var model: String
    public var totals: Totals
    public var layers: [Layer]
    public var persistentEstimate: PersistentArenaEstimate
    /// Operators whose kernels' scratch requests are not modelled (the head may then be too small).
    public var unmodelledOperators: [Int]

    public init(model name: String, footprint: ModelFootprint, gzipBytes: Int?) {
        model = name
        totals = Totals(
            params: footprint.parameters, macs: footprint.macs, flashBytes: footprint.flashBytes,
            flashBytesIsEstimate: footprint.flashBytesIsEstimate, weightBytes: footprint.weightBytes,
            activationBytes: footprint.activationBytes, arenaBytes: footprint.arenaHeadBytes,
            arenaBytesExact: footprint.unmodelledOperators.isEmpty,
            arenaPersistentEstimateBytes: footprint.persistentEstimate.totalBytes,
            arenaPersistentKnownErrorBytes: footprint.persistentEstimate.knownErrorBytes,
            arenaTotalBytes: footprint.arenaTotalBytes, gzipBytes: gzipBytes, sparsity: footprint.sparsity)
        layers = footprint.layers.map {
            Layer(index: $0.index, op: $0.operatorName, inputShapes: $0.inputShapes, outputShapes: $0.outputShapes,
                  params: $0.parameters, macs: $0.macs, weightBytes: $0.weightBytes,
                  activationBytes: $0.activationBytes, sparsity: $0.sparsity)
        }
        persistentEstimate = footprint.persistentEstimate
        unmodelledOperators = footprint.unmodelledOperators
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The per-layer table and totals for people.
    public func text() -> String {
        func shapes(_ list: [[Int]]) -> String {
            list.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }.joined(separator: " ")
        }
        func percent(_ value: Double?) -> String {
            value.map { String(format: "%.1f%%", $0 * 100) } ?? "-"
        }
        let header = ["#", "op", "inputs", "outputs", "params", "MACs", "weight B", "activ. B", "sparsity"]
        var rows = layers.map { layer in
            [String(layer.index), layer.op, shapes(layer.inputShapes), shapes(layer.outputShapes), String(layer.params),
             String(layer.macs), String(layer.weightBytes), String(layer.activationBytes), percent(layer.sparsity)]
        }
        rows.insert(header, at: 0)
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        let leftAligned: Set<Int> = [1, 2, 3]
        var lines = rows.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return leftAligned.contains(column) ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        lines.insert("model: \(model)", at: 0)
        let t = totals
        let persistent = persistentEstimate
        lines.append("")
        lines.append("params              \(t.params)")
        lines.append("MACs                \(t.macs)  (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED only)")
        lines.append("flash               \(t.flashBytes) bytes\(t.flashBytesIsEstimate ? " (estimate)" : "")")
        if let gzip = t.gzipBytes { lines.append("gzip                \(gzip) bytes") }
        lines.append("weights             \(t.weightBytes) bytes, sparsity \(percent(t.sparsity))")
        lines.append("arena head          \(t.arenaBytes) bytes"
            + (t.arenaBytesExact ? "  (TFLite Micro greedy plan, exact)"
                : "  (operators \(unmodelledOperators) request scratch not modelled: may be more)"))
        lines.append("arena persistent    ~\(t.arenaPersistentEstimateBytes) bytes  (estimate ±\(t.arenaPersistentKnownErrorBytes)"
            + " for \(persistent.profileName))")
        lines.append("arena total         ~\(t.arenaTotalBytes) bytes  (leave a margin: Prepare needs temporary room)")
        return lines.joined(separator: "\n")
    }
}
