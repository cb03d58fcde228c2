import CTrainingKernels
import TFLite

/// A `.tflite` model's first subgraph as a float32 graph that can be trained: its operators as layers with
/// forward and backward passes, its conv/depthwise/FC weights and biases as float32 ``Parameter``s (dequantized
/// from an int8 model), every activation tensor in float32 with the batch as its first dimension.
public struct TrainingGraph: Sendable {
    struct GraphTensor: Sendable {
        let name: String
        /// Shape without the batch dimension (empty for constants).
        let sampleShape: [Int]
        let sampleElements: Int
        let isConstant: Bool
    }

    /// The model the graph was read from (structure, quantization of an int8 source).
    public let model: Model
    let tensors: [GraphTensor]
    let layers: [any TrainingLayer]
    public internal(set) var parameters: [Parameter]
    public let inputTensor: Int
    public let outputTensor: Int
    /// The tensor the loss treats as logits (SOFTMAX's input when the model ends in SOFTMAX, else the output),
    /// multiplied by `logitsScale` (SOFTMAX's beta).
    let logitsTensor: Int
    let logitsScale: Float
    /// Layers run backward: all of them, or all but a final SOFTMAX (the loss differentiates through it).
    let backwardLayerCount: Int
    /// When set, forward passes simulate the int8 model (quantization-aware training); see ``FakeQuantization``.
    public internal(set) var fakeQuantization: FakeQuantization?

    /// Input shape of one sample (the model input without its batch dimension).
    public var inputSampleShape: [Int] { tensors[inputTensor].sampleShape }
    public var inputSampleElements: Int { tensors[inputTensor].sampleElements }
    /// Values per sample of the output (classes of a classifier).
    public var outputSampleElements: Int { tensors[outputTensor].sampleElements }
    /// Builtin operator names in execution order.
    public var operatorNames: [String] { layers.map(\.operatorName) }

    /// Reads the graph. Weights that are exactly zero become masked (they stay zero while training) when
    /// `keepZeroWeights` is true: that is how unstructured pruning survives fine-tuning.
    public init(model: Model, keepZeroWeights: Bool = true) throws(TrainingError) {
        guard let subgraph = model.subgraphs.first else { throw .unsupportedGraph("the model has no subgraph") }
        guard subgraph.inputs.count == 1, subgraph.outputs.count == 1 else {
            throw .unsupportedGraph("the model has \(subgraph.inputs.count) inputs and \(subgraph.outputs.count) outputs")
        }
        self.model = model
        inputTensor = subgraph.inputs[0]
        outputTensor = subgraph.outputs[0]

        var tensors: [GraphTensor] = []
        for tensor in subgraph.tensors {
            let constant = model.constantData(of: tensor) != nil
            let sample = constant || tensor.shape.isEmpty ? [] : Array(tensor.shape.dropFirst())
            tensors.append(GraphTensor(name: tensor.name, sampleShape: sample,
                                       sampleElements: constant ? 0 : sample.reduce(1, *), isConstant: constant))
        }
        self.tensors = tensors

        var builder = LayerBuilder(model: model, subgraph: subgraph, tensors: tensors, graphInput: inputTensor,
                                   keepZeroWeights: keepZeroWeights)
        for (index, op) in subgraph.operators.enumerated() {
            try builder.add(op, index: index)
        }
        layers = builder.layers
        parameters = builder.parameters

        if let last = layers.last as? SoftmaxLayer, last.output == outputTensor, last.rowsPerSample == 1 {
            logitsTensor = last.input
            logitsScale = last.beta
            backwardLayerCount = layers.count - 1
        } else {
            logitsTensor = outputTensor
            logitsScale = 1
            backwardLayerCount = layers.count
        }
        guard layers.contains(where: { $0.output == outputTensor }) else {
            throw .unsupportedGraph("no operator produces the model output")
        }
    }

    /// The parameters the forward pass computes with: ``parameters``, or under ``fakeQuantization`` their int8
    /// values dequantized. Computed once per step and handed to ``forward(batch:workspace:parameters:)``.
    var forwardParameters: [Parameter] {
        fakeQuantization?.quantizedParameters(parameters) ?? parameters
    }

    /// Runs every layer forward on the `batch` samples already in the workspace's input tensor (`parameters`:
    /// ``forwardParameters``). Under ``fakeQuantization`` the input and every operator output are rounded onto
    /// their int8 grids, and a training workspace keeps the values before rounding for the backward pass.
    func forward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        if let fakeQuantization {
            let count = batch * tensors[inputTensor].sampleElements
            fakeQuantization.apply(tensor: inputTensor, values: workspace.value(inputTensor), count: count,
                                   unrounded: workspace.unrounded(inputTensor))
        }
        for layer in layers {
            layer.forward(batch: batch, workspace: workspace, parameters: parameters)
            if let fakeQuantization {
                fakeQuantization.apply(tensor: layer.output, values: workspace.value(layer.output),
                                       count: batch * tensors[layer.output].sampleElements,
                                       unrounded: workspace.unrounded(layer.output))
            }
        }
    }

    /// Runs the layers backward from the logits gradient (already in the workspace). Under ``fakeQuantization``
    /// gradients pass straight through the rounding and stop where the forward pass clipped.
    func backward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        for layer in layers.prefix(backwardLayerCount).reversed() {
            if let fakeQuantization, let gradient = workspace.gradient(layer.output),
               let unrounded = workspace.unrounded(layer.output) {
                fakeQuantization.prepareBackward(tensor: layer.output, gradient: gradient, values: workspace.value(layer.output),
                                                 unrounded: unrounded, count: batch * tensors[layer.output].sampleElements)
            }
            layer.backward(batch: batch, workspace: workspace, parameters: parameters)
        }
    }
}

/// Turns operators into layers and their constant weights into parameters.
private struct LayerBuilder {
    let model: Model
    let subgraph: SubGraph
    let tensors: [TrainingGraph.GraphTensor]
    let graphInput: Int
    let keepZeroWeights: Bool
    var layers: [any TrainingLayer] = []
    var parameters: [Parameter] = []
    var parameterOfTensor: [Int: Int] = [:]

    init(model: Model, subgraph: SubGraph, tensors: [TrainingGraph.GraphTensor], graphInput: Int, keepZeroWeights: Bool) {
        self.model = model
        self.subgraph = subgraph
        self.tensors = tensors
        self.graphInput = graphInput
        self.keepZeroWeights = keepZeroWeights
    }

    func needsGradient(_ tensor: Int) -> Bool { tensor != graphInput && !tensors[tensor].isConstant }

    mutating func add(_ op: Operator, index: Int) throws(TrainingError) {
        let code = model.builtinOperator(of: op) ?? BuiltinOperator(-1)
        let name = code.name
        func fail(_ problem: String) -> TrainingError { .unsupportedConfiguration(operatorIndex: index, name: name, problem: problem) }
        func activation(_ function: ActivationFunction?) throws(TrainingError) -> FusedActivation {
            guard let fused = FusedActivation(function ?? .none) else { throw fail("fused activation \(function!) is not trainable") }
            return fused
        }
        func activationInput(_ position: Int) throws(TrainingError) -> Int {
            guard position < op.inputs.count, op.inputs[position] >= 0 else { throw fail("input \(position) is missing") }
            let tensor = op.inputs[position]
            guard !tensors[tensor].isConstant else {
                throw fail("input \(position) (\"\(tensors[tensor].name)\") is a constant; only weights and biases may be constant")
            }
            return tensor
        }
        guard op.outputs.count == 1, !tensors[op.outputs[0]].isConstant else { throw fail("it must have one non-constant output") }
        let output = op.outputs[0]
        let outShape = tensors[output].sampleShape
        let slot = layers.count

        switch code {
        case .conv2D:
            guard case .conv2D(let options) = op.builtinOptions else { throw fail("CONV_2D options are missing") }
            let input = try activationInput(0)
            let weights = try parameter(op, position: 1, role: .weights, channelAxis: 0, index: index, name: name)
            let bias = try optionalParameter(op, position: 2, index: index, name: name)
            let wShape = parameters[weights].shape
            let inShape = tensors[input].sampleShape
            guard wShape.count == 4, inShape.count == 3, wShape[3] == inShape[2] else {
                throw fail("weights \(wShape) do not fit input \(inShape) (grouped convolutions are not supported)")
            }
            guard let window = WindowGeometry.make(
                inHeight: inShape[0], inWidth: inShape[1], channels: inShape[2], kernelHeight: wShape[1], kernelWidth: wShape[2],
                strideHeight: options.strideHeight, strideWidth: options.strideWidth,
                dilationHeight: options.dilationHeightFactor, dilationWidth: options.dilationWidthFactor,
                same: options.padding == .same), outShape == [window.outHeight, window.outWidth, wShape[0]] else {
                throw fail("output shape \(outShape) does not match the convolution of \(inShape) by \(wShape)")
            }
            layers.append(ConvolutionLayer(
                operatorIndex: index, input: input, output: output, weights: weights, bias: bias, geometry: window.kernelGeometry,
                outputChannels: wShape[0], activation: try activation(options.fusedActivation),
                inputNeedsGradient: needsGradient(input), scratchSlot: slot))

        case .depthwiseConv2D:
            guard case .depthwiseConv2D(let options) = op.builtinOptions else { throw fail("options are missing") }
            let input = try activationInput(0)
            let weights = try parameter(op, position: 1, role: .weights, channelAxis: 3, index: index, name: name)
            let bias = try optionalParameter(op, position: 2, index: index, name: name)
            let wShape = parameters[weights].shape
            let inShape = tensors[input].sampleShape
            guard wShape.count == 4, wShape[0] == 1, inShape.count == 3, inShape[2] > 0, wShape[3] % inShape[2] == 0 else {
                throw fail("weights \(wShape) do not fit input \(inShape)")
            }
            let multiplier = wShape[3] / inShape[2]
            guard let window = WindowGeometry.make(
                inHeight: inShape[0], inWidth: inShape[1], channels: inShape[2], kernelHeight: wShape[1], kernelWidth: wShape[2],
                strideHeight: options.strideHeight, strideWidth: options.strideWidth,
                dilationHeight: options.dilationHeightFactor, dilationWidth: options.dilationWidthFactor,
                same: options.padding == .same), outShape == [window.outHeight, window.outWidth, wShape[3]] else {
                throw fail("output shape \(outShape) does not match the depthwise convolution of \(inShape) by \(wShape)")
            }
            layers.append(DepthwiseConvolutionLayer(
                operatorIndex: index, input: input, output: output, weights: weights, bias: bias, window: window,
                depthMultiplier: multiplier, activation: try activation(options.fusedActivation),
                inputNeedsGradient: needsGradient(input)))

        case .fullyConnected:
            guard case .fullyConnected(let options) = op.builtinOptions else { throw fail("options are missing") }
            let input = try activationInput(0)
            let weights = try parameter(op, position: 1, role: .weights, channelAxis: 0, index: index, name: name)
            let bias = try optionalParameter(op, position: 2, index: index, name: name)
            let wShape = parameters[weights].shape
            let inElements = tensors[input].sampleElements
            guard wShape.count == 2, wShape[1] > 0, inElements % wShape[1] == 0,
                  tensors[output].sampleElements == inElements / wShape[1] * wShape[0] else {
                throw fail("weights \(wShape) do not fit an input of \(inElements) and an output of \(tensors[output].sampleElements) values per sample")
            }
            layers.append(FullyConnectedLayer(
                operatorIndex: index, input: input, output: output, weights: weights, bias: bias, inputFeatures: wShape[1],
                outputFeatures: wShape[0], rowsPerSample: inElements / wShape[1],
                activation: try activation(options.fusedActivation), inputNeedsGradient: needsGradient(input),
                scratchSlot: slot))

        case .averagePool2D, .maxPool2D:
            guard case .pool2D(let options) = op.builtinOptions else { throw fail("options are missing") }
            let input = try activationInput(0)
            let inShape = tensors[input].sampleShape
            guard inShape.count == 3, let window = WindowGeometry.make(
                inHeight: inShape[0], inWidth: inShape[1], channels: inShape[2], kernelHeight: options.filterHeight,
                kernelWidth: options.filterWidth, strideHeight: options.strideHeight, strideWidth: options.strideWidth,
                same: options.padding == .same), outShape == [window.outHeight, window.outWidth, inShape[2]] else {
                throw fail("output shape \(outShape) does not match pooling \(inShape)")
            }
            layers.append(PoolingLayer(
                operatorIndex: index, kind: code == .averagePool2D ? .average : .maximum, input: input, output: output,
                window: window, activation: try activation(options.fusedActivation), inputNeedsGradient: needsGradient(input)))

        case .add:
            let a = try activationInput(0), b = try activationInput(1)
            let elements = tensors[output].sampleElements
            guard tensors[a].sampleShape == tensors[b].sampleShape, tensors[a].sampleElements == elements else {
                throw fail("inputs \(tensors[a].sampleShape) and \(tensors[b].sampleShape) differ (broadcasting ADD is not supported)")
            }
            var fused = FusedActivation.none
            if case .add(let options) = op.builtinOptions { fused = try activation(options.fusedActivation) }
            layers.append(AddLayer(operatorIndex: index, first: a, second: b, output: output, elements: elements,
                                   activation: fused, inputsNeedGradient: [needsGradient(a), needsGradient(b)]))

        case .relu, .relu6, .reluN1To1:
            let input = try activationInput(0)
            let fused: FusedActivation = code == .relu ? .relu : code == .relu6 ? .relu6 : .reluN1To1
            layers.append(ActivationLayer(operatorIndex: index, operatorName: name, input: input, output: output,
                                          elements: tensors[output].sampleElements, activation: fused,
                                          inputNeedsGradient: needsGradient(input)))

        case .softmax:
            let input = try activationInput(0)
            var beta: Float = 1
            if case .softmax(let options) = op.builtinOptions { beta = options.beta }
            let row = outShape.last ?? 1
            guard row > 0, tensors[input].sampleElements == tensors[output].sampleElements else { throw fail("input and output sizes differ") }
            layers.append(SoftmaxLayer(operatorIndex: index, input: input, output: output, rowLength: row,
                                       rowsPerSample: tensors[output].sampleElements / row, beta: beta,
                                       inputNeedsGradient: needsGradient(input)))

        case .reshape, .quantize, .dequantize:
            let input = try activationInput(0)
            let count = tensors[input].sampleElements
            guard count == tensors[output].sampleElements else { throw fail("it changes the number of elements per sample") }
            layers.append(IndexMapLayer(operatorIndex: index, operatorName: name, inputs: [input], output: output,
                                        maps: [IndexMaps.identity(count)], outputElements: count, scale: 1,
                                        activation: .none, inputsNeedGradient: [needsGradient(input)]))

        case .pad:
            let input = try activationInput(0)
            guard op.inputs.count >= 2, op.inputs[1] >= 0,
                  let paddings = constantIntegers(op.inputs[1]) else { throw fail("the paddings are not a constant") }
            let rank = subgraph.tensors[input].shape.count
            guard paddings.count == rank * 2, paddings[0] == 0, paddings[1] == 0 else {
                throw fail("paddings \(paddings) must pad every axis but the batch")
            }
            let inShape = tensors[input].sampleShape
            var before: [Int] = [], padded: [Int] = []
            for axis in 1..<rank {
                let leading: Int = paddings[2 * axis], trailing: Int = paddings[2 * axis + 1]
                before.append(leading)
                padded.append(inShape[axis - 1] + leading + trailing)
            }
            guard padded == outShape else { throw fail("output shape \(outShape) is not the padded \(padded)") }
            layers.append(IndexMapLayer(operatorIndex: index, operatorName: name, inputs: [input], output: output,
                                        maps: [IndexMaps.pad(sampleShape: inShape, before: before, paddedShape: padded)],
                                        outputElements: tensors[output].sampleElements, scale: 1, activation: .none,
                                        inputsNeedGradient: [needsGradient(input)]))

        case .concatenation:
            guard case .concatenation(let options) = op.builtinOptions else { throw fail("options are missing") }
            let inputs = try (0..<op.inputs.count).map { (position: Int) throws(TrainingError) -> Int in try activationInput(position) }
            let rank = subgraph.tensors[output].shape.count
            let axis = options.axis < 0 ? options.axis + rank : options.axis
            guard axis >= 1, axis < rank else { throw fail("concatenation along axis \(options.axis) (the batch) is not supported") }
            var offset = 0
            var maps: [[Int32]] = []
            for input in inputs {
                let shape = tensors[input].sampleShape
                maps.append(IndexMaps.concatenation(sampleShape: shape, axis: axis - 1, offset: offset, outputShape: outShape))
                offset += shape[axis - 1]
            }
            guard offset == outShape[axis - 1] else { throw fail("input sizes along the axis do not add up to the output") }
            layers.append(IndexMapLayer(operatorIndex: index, operatorName: name, inputs: inputs, output: output, maps: maps,
                                        outputElements: tensors[output].sampleElements, scale: 1,
                                        activation: try activation(options.fusedActivation),
                                        inputsNeedGradient: inputs.map(needsGradient)))

        case .mean:
            let input = try activationInput(0)
            guard op.inputs.count >= 2, op.inputs[1] >= 0, let axesValues = constantIntegers(op.inputs[1]) else {
                throw fail("the axes are not a constant")
            }
            let rank = subgraph.tensors[input].shape.count
            let axes = Set(axesValues.map { $0 < 0 ? $0 + rank : $0 })
            guard !axes.contains(0), axes.allSatisfy({ $0 > 0 && $0 < rank }) else { throw fail("averaging over the batch axis is not supported") }
            let inShape = tensors[input].sampleShape
            let reduction = IndexMaps.reduction(sampleShape: inShape, axes: Set(axes.map { $0 - 1 }))
            guard reduction.outputElements == tensors[output].sampleElements else { throw fail("output size does not match") }
            let count = axes.map { inShape[$0 - 1] }.reduce(1, *)
            layers.append(IndexMapLayer(operatorIndex: index, operatorName: name, inputs: [input], output: output,
                                        maps: [reduction.map], outputElements: reduction.outputElements,
                                        scale: 1 / Float(count), activation: .none, inputsNeedGradient: [needsGradient(input)]))

        default:
            throw .untrainableOperator(index: index, name: name)
        }
    }

    func constantIntegers(_ tensorIndex: Int) -> [Int]? {
        let tensor = subgraph.tensors[tensorIndex]
        if tensor.type == .int32 { return model.constantValues(of: tensor, as: Int32.self)?.map(Int.init) }
        if tensor.type == .int64 { return model.constantValues(of: tensor, as: Int64.self)?.map(Int.init) }
        return nil
    }

    mutating func optionalParameter(_ op: Operator, position: Int, index: Int, name: String) throws(TrainingError) -> Int? {
        guard position < op.inputs.count, op.inputs[position] >= 0 else { return nil }
        return try parameter(op, position: position, role: .bias, channelAxis: 0, index: index, name: name)
    }

    mutating func parameter(_ op: Operator, position: Int, role: Parameter.Role, channelAxis: Int, index: Int,
                            name: String) throws(TrainingError) -> Int {
        guard position < op.inputs.count, op.inputs[position] >= 0 else {
            throw .unsupportedConfiguration(operatorIndex: index, name: name, problem: "it has no \(role.rawValue)")
        }
        let tensorIndex = op.inputs[position]
        if let existing = parameterOfTensor[tensorIndex] { return existing }
        let tensor = subgraph.tensors[tensorIndex]
        let values = try WeightDequantizer.floats(of: tensor, in: model)
        var mask: [Float]?
        if keepZeroWeights, role == .weights, values.contains(0) {
            mask = values.map { $0 == 0 ? 0 : 1 }
        }
        parameters.append(Parameter(tensorIndex: tensorIndex, name: tensor.name, role: role, shape: tensor.shape,
                                    channelAxis: min(channelAxis, max(tensor.shape.count - 1, 0)), values: values, mask: mask))
        parameterOfTensor[tensorIndex] = parameters.count - 1
        return parameters.count - 1
    }
}

/// Float32 values of a constant tensor: FLOAT32 as is, INT8/INT32 dequantized (per channel along
/// `quantizedDimension` when there are several scales).
enum WeightDequantizer {
    static func floats(of tensor: Tensor, in model: Model) throws(TrainingError) -> [Float] {
        guard let count = tensor.elementCount, model.constantData(of: tensor) != nil else {
            throw .missingFloatWeights(tensor: tensor.name, problem: "it has no constant data")
        }
        if tensor.type == .float32, let values = model.constantFloats(of: tensor), values.count == count { return values }
        let raw: [Int64]
        switch tensor.type {
        case .int8: raw = model.constantValues(of: tensor, as: Int8.self)?.map(Int64.init) ?? []
        case .int32: raw = model.constantValues(of: tensor, as: Int32.self)?.map(Int64.init) ?? []
        case .int16: raw = model.constantValues(of: tensor, as: Int16.self)?.map(Int64.init) ?? []
        case .int64: raw = model.constantValues(of: tensor, as: Int64.self) ?? []
        default:
            throw .missingFloatWeights(tensor: tensor.name, problem: "its type \(tensor.type) cannot be dequantized")
        }
        guard raw.count == count else {
            throw .missingFloatWeights(tensor: tensor.name, problem: "it holds \(raw.count) values for shape \(tensor.shape)")
        }
        guard let q = tensor.quantization, q.isQuantized, q.scale.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw .missingQuantization(tensor: tensor.name)
        }
        if q.scale.count == 1 {
            let zero = q.zeroPoint.first ?? 0
            return raw.map { Float($0 - zero) * q.scale[0] }
        }
        let axis = q.quantizedDimension
        guard axis >= 0, axis < tensor.shape.count, tensor.shape[axis] == q.scale.count else {
            throw .missingQuantization(tensor: tensor.name)
        }
        let inner = tensor.shape[(axis + 1)...].reduce(1, *)
        let channels = tensor.shape[axis]
        return raw.enumerated().map { offset, value in
            let channel = (offset / inner) % channels
            let zero = q.zeroPoint.count == channels ? q.zeroPoint[channel] : (q.zeroPoint.first ?? 0)
            return Float(value - zero) * q.scale[channel]
        }
    }
}
