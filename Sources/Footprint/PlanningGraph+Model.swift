import TFLite

extension PlanningGraph {
    /// The planning facts of a model as TFLite Micro's reference kernels see them.
    ///
    /// Scratch requests are modelled for every reference kernel that makes them (MEAN/SUM/REDUCE_MAX/REDUCE_MIN,
    /// and CONV_2D/DEPTHWISE_CONV_2D/FULLY_CONNECTED with int4 filters). Operators whose kernels request scratch
    /// in a way not modelled here are listed in `unmodelledOperators`; the plan is exact only when it is empty.
    public init(model: Model) throws(FootprintError) {
        guard !model.subgraphs.isEmpty else { throw .noSubgraphs }
        var subgraphs: [Subgraph] = []
        var unmodelled: [Int] = []
        for (subgraphIndex, subgraph) in model.subgraphs.enumerated() {
            var tensors: [Tensor] = []
            tensors.reserveCapacity(subgraph.tensors.count)
            for (index, tensor) in subgraph.tensors.enumerated() {
                let constant = model.constantData(of: tensor) != nil
                let bytes = try TFLMSizes.arenaBytes(of: tensor, index: index)
                tensors.append(Tensor(bytes: bytes, hasConstantData: constant, isVariable: tensor.isVariable))
            }
            var steps: [Step] = []
            steps.reserveCapacity(subgraph.operators.count)
            for (operatorIndex, op) in subgraph.operators.enumerated() {
                for index in op.inputs + op.outputs where index >= subgraph.tensors.count || index < -1 {
                    throw .tensorIndexOutOfRange(subgraph: subgraphIndex, operatorIndex: operatorIndex,
                                                 tensorIndex: index)
                }
                guard let code = model.builtinOperator(of: op) else {
                    throw .operatorCodeOutOfRange(operatorIndex: operatorIndex, opcodeIndex: op.opcodeIndex)
                }
                let scratch = try ScratchRequests.bytes(for: code, op, in: subgraph, operatorIndex: operatorIndex)
                if scratch == nil, subgraphIndex == 0 { unmodelled.append(operatorIndex) }
                steps.append(Step(inputs: op.inputs, outputs: op.outputs, scratchBytes: scratch ?? []))
            }
            subgraphs.append(Subgraph(tensors: tensors, inputs: subgraph.inputs, outputs: subgraph.outputs,
                                      steps: steps))
        }
        for (subgraphIndex, subgraph) in subgraphs.enumerated() {
            for index in subgraph.inputs + subgraph.outputs where index < 0 || index >= subgraph.tensors.count {
                throw .tensorIndexOutOfRange(subgraph: subgraphIndex, operatorIndex: -1, tensorIndex: index)
            }
        }
        let offline = try OfflinePlan.offsets(in: model)
        self.init(subgraphs: subgraphs, offlineOffsets: offline)
        self.unmodelledOperators = unmodelled
    }
}

/// Element sizes as TFLite Micro counts them in its arena (`TfLiteTypeSizeOf`): int4 takes a whole byte there.
enum TFLMSizes {
    static func elementBytes(_ type: TensorType) -> Int? {
        switch type {
        case .float16, .bfloat16, .int16, .uint16: 2
        case .float32, .int32, .uint32, .resource: 4
        case .float64, .int64, .uint64, .complex64: 8
        case .complex128: 16
        case .uint8, .int8, .bool, .int4: 1
        default: nil
        }
    }

    static func arenaBytes(of tensor: TFLite.Tensor, index: Int) throws(FootprintError) -> Int {
        guard tensor.shape.allSatisfy({ $0 >= 0 }) else {
            throw .unknownDimension(tensorIndex: index, shape: tensor.shape)
        }
        // A .tflite file stores dimensions as int32; a larger one can only come from a model edited in memory,
        // and would make counts derived from one dimension (channels, features) overflow later.
        guard tensor.shape.allSatisfy({ $0 <= Int(Int32.max) }) else {
            throw .dimensionTooLarge(tensorIndex: index, shape: tensor.shape)
        }
        guard let count = tensor.elementCount else { throw .sizeOverflow(tensorIndex: index) }
        guard let element = elementBytes(tensor.type) else {
            throw .unsupportedTensorType(tensorIndex: index, typeName: tensor.type.name)
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: element)
        guard !overflow, bytes <= Int(Int32.max) else { throw .sizeOverflow(tensorIndex: index) }
        return bytes
    }
}

/// Scratch buffers TFLM's reference kernels request in `Prepare`.
enum ScratchRequests {
    /// Operators whose reference kernels request scratch in ways not modelled here.
    static let unmodelled: Set<BuiltinOperator> = [
        .custom, BuiltinOperator(106) /* ADD_N */, BuiltinOperator(100) /* MIRROR_PAD */,
        BuiltinOperator(27) /* SVDF */, .transposeConv, BuiltinOperator(44) /* UNIDIRECTIONAL_SEQUENCE_LSTM */,
    ]
    static let reduceMax = BuiltinOperator(82)
    static let reduceMin = BuiltinOperator(89)

    /// Bytes of each request in order, `[]` for none, nil when the kernel's requests are not modelled.
    static func bytes(
        for code: BuiltinOperator, _ op: Operator, in subgraph: SubGraph, operatorIndex: Int
    ) throws(FootprintError) -> [Int]? {
        func tensor(_ position: Int, _ list: [Int]) -> TFLite.Tensor? {
            guard position < list.count, list[position] >= 0 else { return nil }
            return subgraph.tensors[list[position]]
        }
        func missing(_ what: String) -> FootprintError {
            .malformedOperator(operatorIndex: operatorIndex, operatorName: code.name, problem: "\(what) is missing")
        }
        switch code {
        case .mean, .sum, reduceMax, reduceMin:
            guard let input = tensor(0, op.inputs) else { throw missing("input 0 (data)") }
            guard let axis = tensor(1, op.inputs) else { throw missing("input 1 (axis)") }
            guard let output = tensor(0, op.outputs) else { throw missing("output 0") }
            let rankBytes = 4 * input.shape.count
            let axisBytes = 4 * (axis.elementCount ?? 0)
            if (code == .mean || code == .sum) && (input.type == .int8 || input.type == .int16) {
                return [4 * (output.elementCount ?? 0), rankBytes, axisBytes]
            }
            return [rankBytes, axisBytes]
        case .conv2D, .depthwiseConv2D, .fullyConnected:
            if let filter = tensor(1, op.inputs), filter.type == .int4 { return [filter.elementCount ?? 0] }
            return []
        default:
            return unmodelled.contains(code) ? nil : []
        }
    }
}

/// The `OfflineMemoryAllocation` metadata: int32 [version, subgraph count, tensor count, offsets...].
enum OfflinePlan {
    static let metadataName = "OfflineMemoryAllocation"

    static func offsets(in model: Model) throws(FootprintError) -> [Int32]? {
        guard let bytes = model.metadataBytes(named: metadataName) else { return nil }
        guard bytes.count >= 12, bytes.count % 4 == 0 else {
            throw .malformedOfflinePlan(problem: "\(bytes.count) bytes cannot hold int32 [version, subgraphs, n, ...]")
        }
        let words = stride(from: 0, to: bytes.count, by: 4).map { start in
            Int32(bitPattern: UInt32(bytes[start]) | UInt32(bytes[start + 1]) << 8
                | UInt32(bytes[start + 2]) << 16 | UInt32(bytes[start + 3]) << 24)
        }
        let count = Int(words[2])
        let tensorCount = model.subgraphs.reduce(0) { $0 + $1.tensors.count }
        guard count == tensorCount else {
            throw .malformedOfflinePlan(problem: "it lists \(count) offsets but the model has \(tensorCount) tensors")
        }
        guard words.count >= 3 + count else {
            throw .malformedOfflinePlan(problem: "it declares \(count) offsets but holds \(words.count - 3)")
        }
        return Array(words[3..<(3 + count)])
    }
}
