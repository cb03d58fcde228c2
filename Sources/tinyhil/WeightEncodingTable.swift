import TFLite

/// The `tinyhil inspect` section on how FULLY_CONNECTED / CONV_2D / DEPTHWISE_CONV_2D weights are stored: per
/// tensor the encoding (dense or THS1 sparse), non-zeros and the flash the encoding saves.
struct WeightEncodingTable: Encodable {
    struct Row: Encodable {
        var tensor: String
        /// `dense` or `THS1 sparse` (firmware/engine/README.md, "Sparse weights").
        var encoding: String
        var elements: Int
        var nonzeros: Int
        var storedBytes: Int
        var denseBytes: Int
        var flashSavedBytes: Int
    }

    var rows: [Row] = []

    init(model: Model) {
        guard let subgraph = model.subgraphs.first else { return }
        let sparse = model.sparseBuffers
        var seen = Set<Int>()
        for op in subgraph.operators {
            guard let code = model.builtinOperator(of: op), [.conv2D, .depthwiseConv2D, .fullyConnected].contains(code),
                  op.inputs.count > 1, op.inputs[1] >= 0, op.inputs[1] < subgraph.tensors.count,
                  seen.insert(op.inputs[1]).inserted else { continue }
            let tensor = subgraph.tensors[op.inputs[1]]
            guard let dense = model.constantData(of: tensor), tensor.buffer < model.buffers.count else { continue }
            let width = tensor.type == .int8 ? 1 : 4
            let elements = dense.count / width
            let nonzeros = stride(from: 0, to: dense.count, by: width).filter { dense[$0..<($0 + width)].contains { $0 != 0 } }.count
            rows.append(Row(tensor: tensor.name, encoding: sparse.contains(tensor.buffer) ? "THS1 sparse" : "dense",
                            elements: elements, nonzeros: nonzeros,
                            storedBytes: model.buffers[tensor.buffer].data.count, denseBytes: dense.count,
                            flashSavedBytes: dense.count - model.buffers[tensor.buffer].data.count))
        }
    }

    func text() -> String {
        guard !rows.isEmpty else { return "" }
        var lines = ["", "weights (FULLY_CONNECTED / CONV_2D / DEPTHWISE_CONV_2D)",
                     "tensor".padding(toLength: 36, withPad: " ", startingAt: 0)
                        + "encoding       non-zeros       stored B   dense B   flash saved B"]
        for row in rows {
            let name = row.tensor.count > 35 ? String(row.tensor.prefix(34)) + "…" : row.tensor
            lines.append(name.padding(toLength: 36, withPad: " ", startingAt: 0)
                + row.encoding.padding(toLength: 13, withPad: " ", startingAt: 0)
                + pad("\(row.nonzeros)/\(row.elements)", 12) + pad("\(row.storedBytes)", 13) + pad("\(row.denseBytes)", 10)
                + pad("\(row.flashSavedBytes)", 16))
        }
        return "\n" + lines.joined(separator: "\n")
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rows)
    }

    private func pad(_ s: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - s.count)) + s
    }
}
