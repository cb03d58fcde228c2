/// Scale and zero point of an asymmetric int8 tensor: `real = scale · (q − zeroPoint)`, q in −128 ... 127.
public struct AffineQuantization: Sendable, Equatable {
    public var scale: Float
    public var zeroPoint: Int32

    public init(scale: Float, zeroPoint: Int32) {
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// Lowest and highest representable real value.
    public var realRange: (lower: Float, upper: Float) {
        (scale * Float(-128 - zeroPoint), scale * Float(127 - zeroPoint))
    }

    /// `scale · (clamp(round(x / scale) + zeroPoint, −128, 127) − zeroPoint)`, computed in float (NaN stays NaN,
    /// so a diverging run still ends in a non-finite loss rather than a trap).
    @inline(__always)
    func fakeQuantized(_ x: Float) -> Float {
        guard !x.isNaN else { return x }
        let q = min(max((x / scale).rounded(.toNearestOrAwayFromZero) + Float(zeroPoint), -128), 127)
        return scale * (q - Float(zeroPoint))
    }
}

/// Quantization-aware training: the int8 model simulated in the float32 forward pass, with straight-through
/// gradients in the backward pass.
///
/// - Weights are quantized per output channel, symmetric, exactly as ``PostTrainingQuantizer`` exports them
///   (scale = max |w_c| / 127, recomputed from the current weights at every step); biases as int32 with scale
///   `input scale · weight scale[c]`. Their gradients pass straight through (no clipping: the scale covers every
///   weight).
/// - Every activation tensor (the graph input and every operator output) is rounded to its int8 grid with the
///   calibrated scale and zero point, which stay **frozen** during training and are the ones exported. The
///   gradient passes straight through inside the representable range and is zero where the value was clipped.
public struct FakeQuantization: Sendable {
    /// Activation tensor index → its int8 quantization.
    public let activations: [Int: AffineQuantization]
    /// Parameter index of a bias → the activation tensor whose scale multiplies the weight scales.
    let biasInputs: [Int: (input: Int, weights: Int)]

    init(graph: TrainingGraph, activations: [Int: AffineQuantization]) {
        self.activations = activations
        var biasInputs: [Int: (input: Int, weights: Int)] = [:]
        for layer in graph.layers {
            let (input, weights, bias) = PostTrainingQuantizer.weightedOperands(layer)
            if let input, let weights, let bias, activations[input] != nil { biasInputs[bias] = (input, weights) }
        }
        self.biasInputs = biasInputs
    }

    /// The parameters as the int8 model holds them, dequantized: what the forward pass computes with.
    func quantizedParameters(_ parameters: [Parameter]) -> [Parameter] {
        var result = parameters
        var weightScales: [Int: [Float]] = [:]
        for (p, parameter) in parameters.enumerated() where parameter.role == .weights {
            let (values, scales) = PostTrainingQuantizer.symmetricPerChannel(parameter)
            weightScales[p] = scales
            let inner = parameter.shape.isEmpty ? 1 : parameter.shape[(parameter.channelAxis + 1)...].reduce(1, *)
            let channels = scales.count
            result[p].values = values.enumerated().map { i, q in Float(q) * scales[(i / inner) % channels] }
        }
        for (b, operands) in biasInputs {
            guard let inputScale = activations[operands.input]?.scale, let scales = weightScales[operands.weights] else { continue }
            let quantized = PostTrainingQuantizer.biasQuantized(parameters[b].values, inputScale: inputScale, weightScales: scales)
            result[b].values = quantized.values.enumerated().map { c, q in Float(q) * quantized.scales[c] }
        }
        return result
    }

    /// Rounds `count` values of `tensor` in place onto its grid, keeping the values before rounding in
    /// `unrounded` (when training) for ``prepareBackward(tensor:gradient:values:unrounded:count:)``.
    func apply(tensor: Int, values: UnsafeMutablePointer<Float>, count: Int, unrounded: UnsafeMutablePointer<Float>?) {
        guard let quantization = activations[tensor] else { return }
        unrounded?.update(from: values, count: count)
        for i in 0..<count { values[i] = quantization.fakeQuantized(values[i]) }
    }

    /// Before the backward pass of the operator that produced `tensor` (its consumers' backward passes, which
    /// need the rounded values, have run): zeroes the gradient where the forward pass clipped and puts the values
    /// before rounding back, so the operator's fused activation is differentiated where it was evaluated (a
    /// small positive RELU output that rounds to zero still passes its gradient).
    func prepareBackward(tensor: Int, gradient: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>,
                         unrounded: UnsafePointer<Float>, count: Int) {
        guard let quantization = activations[tensor] else { return }
        let (lower, upper) = quantization.realRange
        for i in 0..<count {
            let x = unrounded[i]
            if !(x >= lower && x <= upper) { gradient[i] = 0 }
            values[i] = x
        }
    }
}
