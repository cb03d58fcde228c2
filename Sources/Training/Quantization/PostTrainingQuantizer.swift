import Foundation
import TFLite

/// Post-training int8 quantization of a float32 graph (a float model, or a trained graph read from an int8 model):
/// per-channel symmetric int8 weights for CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED, int32 biases with scale
/// `input_scale · weight_scale[c]`, asymmetric int8 activations from ranges observed on calibration data, int8
/// input and output. Operators that TFLite Micro runs without rescaling (pools, RESHAPE, PAD, CONCATENATION)
/// share one range between their inputs and output; SOFTMAX outputs use TFLite's fixed 1/256, −128.
public struct PostTrainingQuantizer: Sendable {
    public var estimate: RangeEstimate

    public init(estimate: RangeEstimate = .minMax) { self.estimate = estimate }

    /// The int8 model for `graph`'s current parameters, calibrated on `calibration`.
    public func quantize(_ graph: TrainingGraph, calibration: TrainingSamples) async throws -> Model {
        try Self.requireFloatOperators(graph)
        return try Self.export(graph, activations: try await calibratedActivations(graph, calibration: calibration))
    }

    /// One int8 scale and zero point per activation tensor of `graph`, from the ranges observed on `calibration`.
    public func calibratedActivations(_ graph: TrainingGraph, calibration: TrainingSamples) async throws -> [Int: AffineQuantization] {
        try Self.requireFloatOperators(graph)
        var plain = graph
        plain.fakeQuantization = nil
        let observed = try await ActivationRanges.observe(plain, on: calibration, estimate: estimate)
        return Self.activationParameters(graph, observed)
    }

    static func requireFloatOperators(_ graph: TrainingGraph) throws {
        for layer in graph.layers where layer.operatorName == "QUANTIZE" || layer.operatorName == "DEQUANTIZE" {
            throw TrainingError.unsupportedConfiguration(
                operatorIndex: layer.operatorIndex, name: layer.operatorName,
                problem: "a model with float32 input/output around int8 operators cannot be re-quantized; give the float32 model")
        }
    }

    /// The int8 model for `graph`'s current parameters with the given activation quantization (calibrated, or the
    /// frozen ranges quantization-aware training used).
    static func export(_ graph: TrainingGraph, activations activationQuantization: [Int: AffineQuantization]) throws -> Model {
        var model = graph.model
        var subgraph = model.subgraphs[0]
        for (index, parameters) in activationQuantization {
            subgraph.tensors[index].type = .int8
            subgraph.tensors[index].quantization = QuantizationParameters(scale: [parameters.scale], zeroPoint: [Int64(parameters.zeroPoint)])
        }
        model.subgraphs[0] = subgraph

        // Weights first (their scales set the bias scales).
        var weightScales: [Int: [Float]] = [:]
        for (p, parameter) in graph.parameters.enumerated() where parameter.role == .weights {
            let (values, scales) = Self.symmetricPerChannel(parameter)
            weightScales[p] = scales
            try Self.store(Buffer.bytes(of: values), in: &model, tensor: parameter.tensorIndex, type: .int8,
                           quantization: QuantizationParameters(scale: scales, zeroPoint: scales.map { _ in 0 },
                                                                quantizedDimension: parameter.channelAxis))
        }
        for layer in graph.layers {
            let (input, weights, bias) = Self.weightedOperands(layer)
            guard let input, let weights, let bias, let inputScale = activationQuantization[input]?.scale,
                  let scales = weightScales[weights] else { continue }
            let parameter = graph.parameters[bias]
            let biasScales = scales.map { inputScale * $0 }
            let quantized = Self.biasQuantized(parameter.values, inputScale: inputScale, weightScales: scales)
            try Self.store(Buffer.bytes(of: quantized.values), in: &model, tensor: parameter.tensorIndex, type: .int32,
                           quantization: QuantizationParameters(scale: biasScales, zeroPoint: biasScales.map { _ in 0 },
                                                                quantizedDimension: 0))
        }
        for (index, code) in model.operatorCodes.enumerated() {
            model.operatorCodes[index].version = max(code.version, Self.int8Version[code.builtinCode] ?? code.version)
        }
        return model
    }

    /// Operator versions TFLite's converter writes for int8 kernels.
    static let int8Version: [BuiltinOperator: Int] = [
        .conv2D: 3, .depthwiseConv2D: 3, .fullyConnected: 4, .averagePool2D: 2, .maxPool2D: 2, .add: 2,
        .softmax: 2, .mean: 2, .pad: 2, .concatenation: 2, .reshape: 1,
    ]

    static func weightedOperands(_ layer: any TrainingLayer) -> (input: Int?, weights: Int?, bias: Int?) {
        switch layer {
        case let conv as ConvolutionLayer: (conv.input, conv.weights, conv.bias)
        case let depthwise as DepthwiseConvolutionLayer: (depthwise.input, depthwise.weights, depthwise.bias)
        case let dense as FullyConnectedLayer: (dense.input, dense.weights, dense.bias)
        default: (nil, nil, nil)
        }
    }

    static func store(_ bytes: [UInt8], in model: inout Model, tensor: Int, type: TensorType,
                      quantization: QuantizationParameters) throws {
        try model.setConstantData(bytes, ofTensor: tensor)
        model.subgraphs[0].tensors[tensor].type = type
        model.subgraphs[0].tensors[tensor].quantization = quantization
    }

    /// int32 biases with scale `inputScale · weightScales[c]` (one weight scale for every channel when there is
    /// only one), and the scale of each channel.
    static func biasQuantized(_ values: [Float], inputScale: Float, weightScales: [Float]) -> (values: [Int32], scales: [Float]) {
        let channels = values.count
        let scales = (0..<channels).map { c in inputScale * (weightScales.count == channels ? weightScales[c] : weightScales[0]) }
        let quantized: [Int32] = (0..<channels).map { c in
            let value = (Double(values[c]) / Double(scales[c])).rounded(.toNearestOrAwayFromZero)
            return Int32(max(min(value, Double(Int32.max)), Double(Int32.min)))
        }
        return (quantized, scales)
    }

    /// int8 in [−127, 127] with one scale per output channel: `scale[c] = max |w_c| / 127` (1/127 for an all-zero
    /// channel, so its bias still quantizes sensibly).
    static func symmetricPerChannel(_ parameter: Parameter) -> (values: [Int8], scales: [Float]) {
        let shape = parameter.shape
        let axis = parameter.channelAxis
        let channels = shape.isEmpty ? 1 : shape[axis]
        let inner = shape.isEmpty ? 1 : shape[(axis + 1)...].reduce(1, *)
        var largest = [Float](repeating: 0, count: channels)
        for (i, v) in parameter.values.enumerated() {
            let c = (i / inner) % channels
            largest[c] = max(largest[c], abs(v))
        }
        let scales = largest.map { $0 > 0 ? $0 / 127 : Float(1) / 127 }
        let values = parameter.values.enumerated().map { i, v -> Int8 in
            let c = (i / inner) % channels
            return Int8(max(-127, min(127, (v / scales[c]).rounded(.toNearestOrAwayFromZero))))
        }
        return (values, scales)
    }

    /// One (scale, zero point) per activation tensor, with ranges tied across operators that do not rescale.
    static func activationParameters(_ graph: TrainingGraph, _ observed: ActivationRanges) -> [Int: AffineQuantization] {
        var parent = [Int: Int]()
        func root(_ t: Int) -> Int {
            var r = t
            while let p = parent[r], p != r { r = p }
            return r
        }
        func tie(_ a: Int, _ b: Int) {
            let ra = root(a), rb = root(b)
            if ra != rb { parent[ra] = rb }
        }
        var softmaxOutputs = Set<Int>()
        for layer in graph.layers {
            switch layer {
            case let pool as PoolingLayer: tie(pool.input, pool.output)
            case let map as IndexMapLayer where map.operatorName != "MEAN":
                for input in map.inputs { tie(input, map.output) }
            case let softmax as SoftmaxLayer: softmaxOutputs.insert(softmax.output)
            default: break
            }
        }
        var groupRange = [Int: (lower: Float, upper: Float)]()
        for (t, range) in observed.ranges {
            let r = root(t)
            let current = groupRange[r] ?? (range.lower, range.upper)
            groupRange[r] = (min(current.lower, range.lower), max(current.upper, range.upper))
        }
        var result = [Int: AffineQuantization]()
        for t in observed.ranges.keys {
            if softmaxOutputs.contains(t) {
                result[t] = AffineQuantization(scale: 1 / 256, zeroPoint: -128)
                continue
            }
            let range = groupRange[root(t)]!
            result[t] = asymmetric(lower: range.lower, upper: range.upper)
        }
        return result
    }

    /// Scale and zero point covering [lower, upper] ∪ {0} with 256 levels (zero exactly representable).
    static func asymmetric(lower: Float, upper: Float) -> AffineQuantization {
        let low = min(lower, 0), high = max(upper, 0)
        let scale = high > low ? (high - low) / 255 : 1e-6
        let zero = (-128 - Double(low) / Double(scale)).rounded(.toNearestOrAwayFromZero)
        return AffineQuantization(scale: scale, zeroPoint: Int32(max(-128, min(127, zero))))
    }
}
