import TFLite

/// Builds small float32 `.tflite` models in memory (one subgraph) for gradient checks.
struct TinyModel {
    var tensors: [Tensor] = []
    var buffers: [Buffer] = [Buffer()]
    var codes: [OperatorCode] = []
    var operators: [Operator] = []
    var generator: TestGenerator

    init(seed: UInt64) { generator = TestGenerator(seed: seed) }

    mutating func activation(_ shape: [Int], _ name: String = "") -> Int {
        tensors.append(Tensor(shape: shape, type: .float32, name: name.isEmpty ? "t\(tensors.count)" : name))
        return tensors.count - 1
    }

    mutating func constant(_ values: [Float], shape: [Int]) -> Int {
        buffers.append(Buffer(floats: values))
        tensors.append(Tensor(shape: shape, type: .float32, buffer: buffers.count - 1, name: "c\(tensors.count)"))
        return tensors.count - 1
    }

    mutating func random(shape: [Int], scale: Float = 0.5) -> Int {
        let count = shape.reduce(1, *)
        return constant((0..<count).map { _ in generator.uniform() * scale }, shape: shape)
    }

    mutating func integers(_ values: [Int32], shape: [Int]) -> Int {
        buffers.append(Buffer(values: values))
        tensors.append(Tensor(shape: shape, type: .int32, buffer: buffers.count - 1, name: "i\(tensors.count)"))
        return tensors.count - 1
    }

    mutating func add(_ code: BuiltinOperator, _ inputs: [Int], _ outputs: [Int], _ options: BuiltinOptions = .none) {
        let index: Int
        if let existing = codes.firstIndex(where: { $0.builtinCode == code }) {
            index = existing
        } else {
            codes.append(OperatorCode(builtinCode: code))
            index = codes.count - 1
        }
        operators.append(Operator(opcodeIndex: index, inputs: inputs, outputs: outputs, builtinOptions: options))
    }

    // MARK: layers

    mutating func conv(_ input: Int, out: Int, kernel: Int, stride: Int = 1, dilation: Int = 1, same: Bool = true,
                       activation fused: ActivationFunction = .none) -> Int {
        let shape = tensors[input].shape
        let effective = (kernel - 1) * dilation + 1
        let h = same ? (shape[1] + stride - 1) / stride : (shape[1] - effective + stride) / stride
        let w = same ? (shape[2] + stride - 1) / stride : (shape[2] - effective + stride) / stride
        let weights = random(shape: [out, kernel, kernel, shape[3]])
        let bias = random(shape: [out], scale: 0.2)
        let y = activation([1, h, w, out])
        add(.conv2D, [input, weights, bias], [y], .conv2D(Conv2DOptions(
            padding: same ? .same : .valid, strideWidth: stride, strideHeight: stride, fusedActivation: fused,
            dilationWidthFactor: dilation, dilationHeightFactor: dilation)))
        return y
    }

    mutating func depthwise(_ input: Int, multiplier: Int, kernel: Int, stride: Int = 1, same: Bool = true) -> Int {
        let shape = tensors[input].shape
        let h = same ? (shape[1] + stride - 1) / stride : (shape[1] - kernel + stride) / stride
        let w = same ? (shape[2] + stride - 1) / stride : (shape[2] - kernel + stride) / stride
        let channels = shape[3] * multiplier
        let weights = random(shape: [1, kernel, kernel, channels])
        let bias = random(shape: [channels], scale: 0.2)
        let y = activation([1, h, w, channels])
        add(.depthwiseConv2D, [input, weights, bias], [y], .depthwiseConv2D(DepthwiseConv2DOptions(
            padding: same ? .same : .valid, strideWidth: stride, strideHeight: stride, depthMultiplier: multiplier)))
        return y
    }

    mutating func pool(_ code: BuiltinOperator, _ input: Int, size: Int, stride: Int, same: Bool) -> Int {
        let shape = tensors[input].shape
        let h = same ? (shape[1] + stride - 1) / stride : (shape[1] - size + stride) / stride
        let w = same ? (shape[2] + stride - 1) / stride : (shape[2] - size + stride) / stride
        let y = activation([1, h, w, shape[3]])
        add(code, [input], [y], .pool2D(Pool2DOptions(padding: same ? .same : .valid, strideWidth: stride,
                                                      strideHeight: stride, filterWidth: size, filterHeight: size)))
        return y
    }

    mutating func flattenDense(_ input: Int, units: Int, activation fused: ActivationFunction = .none) -> Int {
        let count = tensors[input].shape.reduce(1, *)
        var flat = input
        if tensors[input].shape.count != 2 {
            flat = activation([1, count])
            let shape = integers([1, Int32(count)], shape: [2])
            add(.reshape, [input, shape], [flat], .reshape(ReshapeOptions(newShape: [1, count])))
        }
        let weights = random(shape: [units, count], scale: 0.3)
        let bias = random(shape: [units], scale: 0.2)
        let y = activation([1, units])
        add(.fullyConnected, [flat, weights, bias], [y], .fullyConnected(FullyConnectedOptions(fusedActivation: fused)))
        return y
    }

    mutating func softmax(_ input: Int, beta: Float = 1) -> Int {
        let y = activation(tensors[input].shape)
        add(.softmax, [input], [y], .softmax(SoftmaxOptions(beta: beta)))
        return y
    }

    func model(input: Int, output: Int) -> Model {
        Model(version: 3, operatorCodes: codes,
              subgraphs: [SubGraph(tensors: tensors, inputs: [input], outputs: [output], operators: operators)],
              buffers: buffers)
    }
}

/// Seeded uniform values in [-1, 1) for tests.
struct TestGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x1234_5678 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
}
