import TFLite

/// One weight tensor written sparse (THS1, ``SparseWeights``).
public struct SparseTensorEncoding: Sendable, Equatable {
    public var tensorIndex: Int
    public var tensorName: String
    public var elements: Int
    public var nonzeros: Int
    public var denseBytes: Int
    public var sparseBytes: Int
    public var flashSavedBytes: Int { denseBytes - sparseBytes }
}

/// Writes the int8 weights of FULLY_CONNECTED and CONV_2D operators in TinyHIL's sparse encoding (THS1), which
/// the engine's sparse kernels execute skipping the zeros. A tensor is encoded only where that is smaller than
/// its dense bytes (about below 1/3 non-zeros); DEPTHWISE_CONV_2D and float weights stay dense.
public struct SparseWeightEncoder: Sendable {
    public init() {}

    public func encode(_ model: Model) throws(PruningError) -> (model: Model, tensors: [SparseTensorEncoding]) {
        guard let subgraph = model.subgraphs.first else { throw .nothingToPrune("the model has no subgraph") }
        var candidates: [Int] = []
        for op in subgraph.operators {
            guard let code = model.builtinOperator(of: op), code == .conv2D || code == .fullyConnected,
                  op.inputs.count > 1, op.inputs[1] >= 0, op.inputs[1] < subgraph.tensors.count,
                  !candidates.contains(op.inputs[1]) else { continue }
            // a weight tensor shared with another operator stays dense (only these two run sparse)
            let users = subgraph.operators.filter { $0.inputs.contains(op.inputs[1]) }
            guard users.allSatisfy({ model.builtinOperator(of: $0) == code && $0.inputs.firstIndex(of: op.inputs[1]) == 1 }) else { continue }
            candidates.append(op.inputs[1])
        }
        let result: (model: Model, encoded: [Int])
        do { result = try model.encodingSparse(tensors: candidates) } catch { throw PruningError(wrapping: error) }
        let tensors = result.encoded.map { index -> SparseTensorEncoding in
            let tensor = result.model.subgraphs[0].tensors[index]
            let dense = result.model.constantData(of: tensor) ?? []
            return SparseTensorEncoding(tensorIndex: index, tensorName: tensor.name, elements: dense.count,
                                        nonzeros: dense.filter { $0 != 0 }.count, denseBytes: dense.count,
                                        sparseBytes: result.model.buffers[tensor.buffer].data.count)
        }
        return (result.model, tensors)
    }
}
