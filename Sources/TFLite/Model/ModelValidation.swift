extension Model {
    /// Checks every cross-reference: operator codes, tensor indices of operators and subgraphs, buffer
    /// indices of tensors and metadata, signature tensor indices, and that constant data is at least as long
    /// as its tensor's shape and type require. Throws the first ``ModelError`` found.
    public func validate() throws {
        for (index, entry) in metadata.enumerated() where !buffers.indices.contains(entry.buffer) {
            throw ModelError(.missingBuffer, at: ["metadata[\(index)]", "Metadata.buffer"],
                             problem: "metadata \"\(entry.name)\" references buffer \(entry.buffer), but the model has \(buffers.count) buffers")
        }
        for (index, buffer) in (metadataBuffer ?? []).enumerated() where !buffers.indices.contains(buffer) {
            throw ModelError(.missingBuffer, at: ["metadata_buffer[\(index)]"],
                             problem: "references buffer \(buffer), but the model has \(buffers.count) buffers")
        }
        for (index, subgraph) in subgraphs.enumerated() {
            try within("subgraphs[\(index)]") { try validate(subgraph) }
        }
        for (index, signature) in signatureDefs.enumerated() {
            try within("signature_defs[\(index)]") {
                guard subgraphs.indices.contains(signature.subgraphIndex) else {
                    throw ModelError(.indexOutOfRange, at: ["SignatureDef.subgraph_index"],
                                     problem: "subgraph \(signature.subgraphIndex) does not exist (\(subgraphs.count) subgraphs)")
                }
                let tensorCount = subgraphs[signature.subgraphIndex].tensors.count
                for map in signature.inputs + signature.outputs where !(0..<tensorCount).contains(map.tensorIndex) {
                    throw ModelError(.indexOutOfRange, at: ["TensorMap \"\(map.name)\""],
                                     problem: "tensor \(map.tensorIndex) does not exist (\(tensorCount) tensors)")
                }
            }
        }
    }

    private func validate(_ subgraph: SubGraph) throws {
        let tensorCount = subgraph.tensors.count
        func checkTensorIndices(_ indices: [Int], allowOmitted: Bool, _ field: String) throws {
            for (position, index) in indices.enumerated() {
                if allowOmitted && index == -1 { continue }
                guard index >= 0, index < tensorCount else {
                    throw ModelError(.indexOutOfRange, at: ["\(field)[\(position)]"],
                                     problem: "tensor index \(index) is out of range (the subgraph has \(tensorCount) tensors)")
                }
            }
        }
        try checkTensorIndices(subgraph.inputs, allowOmitted: false, "SubGraph.inputs")
        try checkTensorIndices(subgraph.outputs, allowOmitted: false, "SubGraph.outputs")
        for (index, op) in subgraph.operators.enumerated() {
            try within("operators[\(index)]") {
                guard op.opcodeIndex >= 0, op.opcodeIndex < operatorCodes.count else {
                    throw ModelError(.indexOutOfRange, at: ["Operator.opcode_index"],
                                     problem: "operator code \(op.opcodeIndex) does not exist (\(operatorCodes.count) codes)")
                }
                try checkTensorIndices(op.inputs, allowOmitted: true, "Operator.inputs")
                try checkTensorIndices(op.outputs, allowOmitted: false, "Operator.outputs")
                try checkTensorIndices(op.intermediates, allowOmitted: false, "Operator.intermediates")
            }
        }
        let sparse = sparseBuffers
        for (index, tensor) in subgraph.tensors.enumerated() {
            try within("tensors[\(index)]") {
                if sparse.contains(tensor.buffer) { try validateSparse(tensor) } else { try validate(tensor) }
            }
        }
    }

    private func validateSparse(_ tensor: Tensor) throws {
        guard tensor.type == .int8, tensor.shape.count >= 2 else {
            throw ModelError(.invalidValue, at: ["Tensor.buffer"],
                             problem: "tensor \"\(tensor.name)\" has THS1 sparse data but is not an int8 tensor of rank ≥ 2")
        }
        let (rows, cols) = Self.sparseRowsAndColumns(of: tensor)
        _ = try SparseWeights.decode(buffers[tensor.buffer].data, rows: rows, cols: cols)
    }

    private func validate(_ tensor: Tensor) throws {
        guard tensor.buffer >= 0, tensor.buffer < buffers.count else {
            throw ModelError(.missingBuffer, at: ["Tensor.buffer"],
                             problem: "tensor \"\(tensor.name)\" references buffer \(tensor.buffer), but the model has \(buffers.count) buffers")
        }
        let data = buffers[tensor.buffer].data
        guard !data.isEmpty, tensor.sparsity == nil, let needed = tensor.byteCount else { return }
        guard data.count >= needed else {
            throw ModelError(.dataTooShort, at: ["Tensor.buffer"],
                             problem: "tensor \"\(tensor.name)\" of shape \(tensor.shape) and type \(tensor.type) needs \(needed) bytes, "
                                + "but buffer \(tensor.buffer) holds \(data.count)")
        }
    }

    /// Checks what ``serialized()`` additionally requires: `buffers[0]` exists and is the empty sentinel.
    func validateSentinel() throws {
        guard let first = buffers.first else {
            throw ModelError(.missingBuffer, at: ["buffers"],
                             problem: "the model has no buffers; buffers[0] must be the empty sentinel",
                             remedy: "Insert Buffer() at index 0 and shift tensor buffer indices by one.")
        }
        guard first.data.isEmpty else {
            throw ModelError(.invalidValue, at: ["buffers[0]"],
                             problem: "buffers[0] holds \(first.data.count) bytes but must be the empty sentinel",
                             remedy: "Move the data to a new buffer and point its tensors there.")
        }
    }
}
