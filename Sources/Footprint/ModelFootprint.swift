import TFLite

/// What a model costs on a microcontroller running TFLite Micro: per operator and in total.
///
/// Computed from a `Model` value without serialising it, so a pruning search can afford it for thousands of
/// candidates. Flash is the `.tflite` size: exact when the file's byte count is given, otherwise estimated
/// (see `flashBytesIsEstimate`).
public struct ModelFootprint: Sendable, Hashable {
    public var layers: [LayerFootprint]
    /// Sum over distinct parameter tensors (a tensor shared by two operators counts once).
    public var parameters: Int
    public var macs: Int
    /// Bytes of distinct constant buffers used by operators.
    public var weightBytes: Int
    /// Bytes of distinct non-constant tensors (not the peak: that is `arenaHeadBytes`).
    public var activationBytes: Int
    /// Distinct weight tensors' elements and zeros (biases excluded), for the model's sparsity.
    public var weightElements: Int
    public var zeroWeightElements: Int
    /// Size of the `.tflite` file, i.e. what goes to flash.
    public var flashBytes: Int
    /// True when `flashBytes` was estimated from the buffers instead of measured on the file.
    public var flashBytesIsEstimate: Bool
    /// The non-persistent arena TFLite Micro plans (greedy planner), exact for supported operators.
    public var arenaPlan: ArenaPlan
    /// Operators whose scratch requests are not modelled; when non-empty the head may be too small.
    public var unmodelledOperators: [Int]
    /// Estimate of the persistent arena for the target profile.
    public var persistentEstimate: PersistentArenaEstimate

    public var arenaHeadBytes: Int { arenaPlan.headBytes }
    /// Head + persistent estimate, rounded up to 16 like TFLM's arena accounting.
    public var arenaTotalBytes: Int { ArenaPlanner.roundUp(arenaHeadBytes + persistentEstimate.totalBytes) }
    public var sparsity: Double? {
        weightElements > 0 ? Double(zeroWeightElements) / Double(weightElements) : nil
    }

    /// - Parameters:
    ///   - fileBytes: the size of the model's `.tflite` file, when known; otherwise flash is estimated.
    ///   - profile: the TFLM build whose persistent arena is estimated (default: 32-bit Cortex-M).
    public init(model: Model, fileBytes: Int? = nil, profile: TFLMBuildProfile = .cortexM32) throws(FootprintError) {
        let graph = try PlanningGraph(model: model)
        let requests = graph.requests()
        do {
            arenaPlan = try ArenaPlanner.plan(requests)
        } catch {
            throw .plan(error)
        }
        unmodelledOperators = graph.unmodelledOperators
        let scratchCount = graph.subgraphs.reduce(0) { total, subgraph in
            total + subgraph.steps.reduce(0) { $0 + $1.scratchBytes.count }
        }
        persistentEstimate = PersistentArenaEstimate(model: model, scratchBufferCount: scratchCount, profile: profile)

        let main = model.subgraphs[0]
        var layers: [LayerFootprint] = []
        layers.reserveCapacity(main.operators.count)
        var parameterTensors = Set<Int>()
        var weightCounts: [Int: (elements: Int, zeros: Int)] = [:]
        var constantBuffers = Set<Int>()
        var activationTensors = Set<Int>()
        for (index, op) in main.operators.enumerated() {
            let layer = try Self.layer(index, op, model: model, subgraph: main, planning: graph.subgraphs[0])
            layers.append(layer.footprint)
            parameterTensors.formUnion(layer.parameterTensors)
            for (tensor, counted) in layer.weightCounts { weightCounts[tensor] = counted }
            constantBuffers.formUnion(layer.constantBuffers)
            activationTensors.formUnion(layer.activationTensors)
        }
        self.layers = layers
        parameters = parameterTensors.reduce(0) { $0 + (main.tensors[$1].elementCount ?? 0) }
        var totalMACs = 0
        for layer in layers {
            let (sum, overflow) = totalMACs.addingReportingOverflow(layer.macs)
            guard !overflow else { throw .totalOverflow(quantity: "multiply-accumulates", operatorIndex: layer.index) }
            totalMACs = sum
        }
        macs = totalMACs
        weightBytes = constantBuffers.reduce(0) { $0 + model.buffers[$1].data.count }
        activationBytes = activationTensors.reduce(0) { $0 + graph.subgraphs[0].tensors[$1].bytes }
        weightElements = weightCounts.values.reduce(0) { $0 + $1.elements }
        zeroWeightElements = weightCounts.values.reduce(0) { $0 + $1.zeros }
        if let fileBytes {
            flashBytes = fileBytes
            flashBytesIsEstimate = false
        } else {
            flashBytes = FlashEstimate.bytes(of: model)
            flashBytesIsEstimate = true
        }
    }

    private struct LayerFacts {
        var footprint: LayerFootprint
        var parameterTensors: [Int]
        var weightCounts: [(Int, (elements: Int, zeros: Int))]
        var constantBuffers: [Int]
        var activationTensors: [Int]
    }

    /// Input positions that configure an operator rather than hold learned values.
    private static func configurationInputs(_ code: BuiltinOperator) -> Set<Int> {
        switch code {
        case .reshape, .mean, .sum, ScratchRequests.reduceMax, ScratchRequests.reduceMin, .pad, .transpose:
            [1]
        case .padV2: [1, 2]
        case .stridedSlice: [1, 2, 3]
        case .transposeConv: [0]
        default: []
        }
    }

    /// Bias input position of operators whose bias is excluded from sparsity.
    private static func biasInput(_ code: BuiltinOperator) -> Int? {
        switch code {
        case .conv2D, .depthwiseConv2D, .fullyConnected: 2
        case .transposeConv: 3
        default: nil
        }
    }

    private static func layer(
        _ index: Int, _ op: Operator, model: Model, subgraph: SubGraph, planning: PlanningGraph.Subgraph
    ) throws(FootprintError) -> LayerFacts {
        guard let code = model.builtinOperator(of: op) else {
            throw .operatorCodeOutOfRange(operatorIndex: index, opcodeIndex: op.opcodeIndex)
        }
        let configuration = configurationInputs(code)
        let bias = biasInput(code)
        var facts = LayerFacts(
            footprint: LayerFootprint(
                index: index, operatorName: code.name, builtinCode: code.rawValue, inputShapes: [], outputShapes: [],
                parameters: 0, macs: 0, weightBytes: 0, activationBytes: 0, weightElements: 0, zeroWeightElements: 0),
            parameterTensors: [], weightCounts: [], constantBuffers: [], activationTensors: [])

        for (position, tensorIndex) in op.inputs.enumerated() where tensorIndex >= 0 {
            let tensor = subgraph.tensors[tensorIndex]
            if let data = model.constantData(of: tensor) {
                facts.footprint.weightBytes += data.count
                facts.constantBuffers.append(tensor.buffer)
                guard !configuration.contains(position) else { continue }
                facts.footprint.parameters += tensor.elementCount ?? 0
                facts.parameterTensors.append(tensorIndex)
                if position != bias {
                    let counted = WeightSparsity.count(tensor, data: data)
                    facts.footprint.weightElements += counted.elements
                    facts.footprint.zeroWeightElements += counted.zeros
                    facts.weightCounts.append((tensorIndex, counted))
                }
            } else {
                facts.footprint.inputShapes.append(tensor.shape)
                facts.footprint.activationBytes += planning.tensors[tensorIndex].bytes
                facts.activationTensors.append(tensorIndex)
            }
        }
        for tensorIndex in op.outputs where tensorIndex >= 0 {
            facts.footprint.outputShapes.append(subgraph.tensors[tensorIndex].shape)
            facts.footprint.activationBytes += planning.tensors[tensorIndex].bytes
            facts.activationTensors.append(tensorIndex)
        }

        let outputElements = op.outputs.first.flatMap { $0 >= 0 ? subgraph.tensors[$0].elementCount : nil } ?? 0
        let filterShape = op.inputs.count > 1 && op.inputs[1] >= 0 ? subgraph.tensors[op.inputs[1]].shape : nil
        do {
            facts.footprint.macs = try MACCount.macs(operator: code, outputElements: outputElements, filterShape: filterShape)
        } catch {
            switch error {
            case .filterRank:
                throw .malformedOperator(operatorIndex: index, operatorName: code.name,
                                         problem: "filter (input 1) has shape \(filterShape ?? []), which is not the "
                                            + "rank this operator needs (4 for convolutions, 2 for FULLY_CONNECTED)")
            case .overflow:
                throw .macOverflow(operatorIndex: index, operatorName: code.name, outputElements: outputElements,
                                   filterShape: filterShape ?? [])
            }
        }
        return facts
    }
}

/// The flash a model takes when only the `Model` value is at hand: every buffer's data padded to 16 bytes plus
/// a per-tensor, per-operator and fixed allowance for the FlatBuffer tables. Measured against our writer's
/// output on the fixtures (docs/footprint.md); use the file size whenever there is a file.
public enum FlashEstimate {
    public static func bytes(of model: Model) -> Int {
        var total = 384  // root table, vtables, operator codes, metadata entries
        for buffer in model.buffers { total += 16 + ArenaPlanner.roundUp(buffer.data.count) }
        for subgraph in model.subgraphs {
            total += 64
            for tensor in subgraph.tensors {
                total += 44 + 4 * tensor.shape.count + tensor.name.utf8.count
                if let q = tensor.quantization {
                    total += 32 + 4 * (q.scale.count + q.min.count + q.max.count) + 8 * q.zeroPoint.count
                }
            }
            for op in subgraph.operators { total += 48 + 4 * (op.inputs.count + op.outputs.count) }
        }
        for entry in model.metadata { total += 16 + entry.name.utf8.count }
        return total
    }
}
