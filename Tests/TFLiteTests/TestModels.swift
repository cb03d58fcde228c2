import TFLite

/// Small models built in code, independent of the fixtures.
enum TestModels {
    /// input [1,4,4,1] int8 → CONV_2D (2 filters 3×3, per-channel) → RESHAPE → FULLY_CONNECTED → SOFTMAX.
    static func tinyConvNet() -> Model {
        let filter = (0..<18).map { UInt8(bitPattern: Int8($0 - 9)) }
        let bias = [Int32(5), Int32(-7)].flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        let weights = (0..<24).map { UInt8(bitPattern: Int8(($0 * 7) % 19 - 9)) }
        let quant = { (scale: Float, zero: Int64) in QuantizationParameters(scale: [scale], zeroPoint: [zero]) }
        let tensors = [
            Tensor(shape: [1, 4, 4, 1], type: .int8, name: "input", quantization: quant(0.5, -1)),
            Tensor(shape: [2, 3, 3, 1], type: .int8, buffer: 1, name: "conv/filter",
                   quantization: QuantizationParameters(scale: [0.1, 0.2], zeroPoint: [0, 0], quantizedDimension: 0)),
            Tensor(shape: [2], type: .int32, buffer: 2, name: "conv/bias",
                   quantization: QuantizationParameters(scale: [0.05, 0.1], zeroPoint: [0, 0])),
            Tensor(shape: [1, 2, 2, 2], type: .int8, name: "conv/out", quantization: quant(0.25, 3)),
            Tensor(shape: [1, 8], type: .int8, name: "flat", quantization: quant(0.25, 3)),
            Tensor(shape: [3, 8], type: .int8, buffer: 3, name: "fc/weights", quantization: quant(0.02, 0)),
            Tensor(shape: [1, 3], type: .int8, name: "logits", quantization: quant(0.1, 0)),
            Tensor(shape: [1, 3], type: .int8, name: "probabilities", quantization: quant(1.0 / 256, -128)),
        ]
        let operators = [
            Operator(opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3],
                     builtinOptions: .conv2D(Conv2DOptions(padding: .valid, strideWidth: 1, strideHeight: 1, fusedActivation: .relu))),
            Operator(opcodeIndex: 1, inputs: [3], outputs: [4], builtinOptions: .reshape(ReshapeOptions(newShape: [1, 8]))),
            Operator(opcodeIndex: 2, inputs: [4, 5, -1], outputs: [6], builtinOptions: .fullyConnected(FullyConnectedOptions())),
            Operator(opcodeIndex: 3, inputs: [6], outputs: [7], builtinOptions: .softmax(SoftmaxOptions(beta: 1))),
        ]
        return Model(
            version: 3,
            operatorCodes: [
                OperatorCode(builtinCode: .conv2D, version: 3), OperatorCode(builtinCode: .reshape),
                OperatorCode(builtinCode: .fullyConnected, version: 4), OperatorCode(builtinCode: .softmax, version: 2),
            ],
            subgraphs: [SubGraph(tensors: tensors, inputs: [0], outputs: [7], operators: operators, name: "main")],
            description: "tiny test model",
            buffers: [Buffer(), Buffer(data: filter), Buffer(data: bias), Buffer(data: weights), Buffer(data: Array("1.14.0".utf8))],
            metadata: [Metadata(name: "min_runtime_version", buffer: 4)],
            signatureDefs: [SignatureDef(inputs: [.init(name: "x", tensorIndex: 0)], outputs: [.init(name: "y", tensorIndex: 7)],
                                         signatureKey: "serving_default", subgraphIndex: 0)])
    }
}
