import TFLite

/// A generator of hostile tensor shapes: extreme and zero dimensions in every position, alone and together,
/// for one-operator models of each operator whose arithmetic multiplies dimensions. Written from the class of
/// bug (products of untrusted dimensions), not from one instance.
enum HostileShapes {
    /// Values a dimension takes in a hostile file (Int32 fields) or a hostile in-memory model.
    static let extremes: [Int] = [0, 1, -1, 2, Int(Int32.max), (1 << 30) + 1, 1 << 31, Int.max, Int.min]

    /// Every variant of `shape`: each position set to each extreme; each position zero with all others at
    /// `Int32.max` (a 0-byte tensor whose other dimensions are huge); all dimensions at `Int32.max`.
    static func variants(of shape: [Int]) -> [[Int]] {
        var result: [[Int]] = []
        for position in shape.indices {
            for value in extremes {
                var variant = shape
                variant[position] = value
                result.append(variant)
            }
            var zeroAmongHuge = [Int](repeating: Int(Int32.max), count: shape.count)
            zeroAmongHuge[position] = 0
            result.append(zeroAmongHuge)
        }
        result.append([Int](repeating: Int(Int32.max), count: shape.count))
        return result
    }

    /// One operator, its tensors, and which of them are worth varying together.
    struct Template {
        var code: BuiltinOperator
        var options: BuiltinOptions
        /// input, filter (constant), bias (constant), output; `buffer` > 0 marks constant data.
        var tensors: [Tensor]
        var inputs: [Int]
        var outputs: [Int]

        func model(shapes: [Int: [Int]]) -> Model {
            var tensors = self.tensors
            for (index, shape) in shapes { tensors[index].shape = shape }
            let buffers = [Buffer()] + (1..<4).map { _ in Buffer(data: [1, 0, 2, 0, 3, 0, 4, 0]) }
            return Model(
                operatorCodes: [OperatorCode(builtinCode: code)],
                subgraphs: [SubGraph(tensors: tensors, inputs: [inputs[0]], outputs: outputs,
                                     operators: [Operator(opcodeIndex: 0, inputs: inputs, outputs: outputs,
                                                          builtinOptions: options)])],
                buffers: buffers)
        }
    }

    static var templates: [Template] {
        let q = QuantizationParameters(scale: [0.5], zeroPoint: [0])
        return [
            Template(code: .conv2D, options: .conv2D(Conv2DOptions(padding: .valid, strideWidth: 1, strideHeight: 1)),
                     tensors: [Tensor(shape: [1, 5, 5, 2], type: .int8, quantization: q),
                               Tensor(shape: [3, 3, 3, 2], type: .int8, buffer: 1, quantization: q),
                               Tensor(shape: [3], type: .int32, buffer: 2),
                               Tensor(shape: [1, 3, 3, 3], type: .int8, quantization: q)],
                     inputs: [0, 1, 2], outputs: [3]),
            Template(code: .depthwiseConv2D, options: .none,
                     tensors: [Tensor(shape: [1, 5, 5, 2], type: .int8, quantization: q),
                               Tensor(shape: [1, 3, 3, 2], type: .int8, buffer: 1, quantization: q),
                               Tensor(shape: [2], type: .int32, buffer: 2),
                               Tensor(shape: [1, 3, 3, 2], type: .int8, quantization: q)],
                     inputs: [0, 1, 2], outputs: [3]),
            Template(code: .fullyConnected, options: .fullyConnected(FullyConnectedOptions()),
                     tensors: [Tensor(shape: [1, 8], type: .int8, quantization: q),
                               Tensor(shape: [4, 8], type: .int8, buffer: 1, quantization: q),
                               Tensor(shape: [4], type: .int32, buffer: 2),
                               Tensor(shape: [1, 4], type: .int8, quantization: q)],
                     inputs: [0, 1, 2], outputs: [3]),
            Template(code: .mean, options: .none,
                     tensors: [Tensor(shape: [1, 4, 4, 3], type: .int8, quantization: q),
                               Tensor(shape: [2], type: .int32, buffer: 1),
                               Tensor(shape: [1], type: .int32, buffer: 2),
                               Tensor(shape: [1, 3], type: .int8, quantization: q)],
                     inputs: [0, 1], outputs: [3]),
        ]
    }

    /// Every model of the class: each tensor varied alone, and the filter and output varied together (the
    /// pair the MAC count multiplies).
    static func models() -> [(label: String, model: Model)] {
        var result: [(String, Model)] = []
        for template in templates {
            for (index, tensor) in template.tensors.enumerated() {
                for shape in variants(of: tensor.shape) {
                    result.append(("\(template.code.name) tensor \(index) \(shape)", template.model(shapes: [index: shape])))
                }
            }
            for filter in variants(of: template.tensors[1].shape) {
                for output in variants(of: template.tensors[3].shape) {
                    result.append(("\(template.code.name) filter \(filter) output \(output)",
                                   template.model(shapes: [1: filter, 3: output])))
                }
            }
        }
        return result
    }
}
