import TFLite

/// The constant data of a weight tensor read as real numbers (int8 dequantized with its per-tensor or
/// per-channel scale and zero point), for importance scores. Row-major over `shape`.
struct ConstantValues {
    var shape: [Int]
    var values: [Float]

    init(tensor: Tensor, data: [UInt8]) throws(PruningError) {
        guard let count = tensor.elementCount else {
            throw .malformedWeights(tensor: tensor.name, problem: "unknown dimension in \(tensor.shape)")
        }
        shape = tensor.shape
        switch tensor.type {
        case .float32:
            guard data.count >= count * 4 else {
                throw .malformedWeights(tensor: tensor.name, problem: "\(data.count) bytes for \(count) float32 values")
            }
            values = (0..<count).map { i in
                Float(bitPattern: UInt32(data[4 * i]) | UInt32(data[4 * i + 1]) << 8
                    | UInt32(data[4 * i + 2]) << 16 | UInt32(data[4 * i + 3]) << 24)
            }
        case .int8:
            guard data.count >= count else {
                throw .malformedWeights(tensor: tensor.name, problem: "\(data.count) bytes for \(count) int8 values")
            }
            let quantization = tensor.quantization ?? QuantizationParameters()
            let scales = quantization.scale.isEmpty ? [Float(1)] : quantization.scale
            let zeroPoints = quantization.zeroPoint.isEmpty ? [Int64(0)] : quantization.zeroPoint
            let axis = quantization.quantizedDimension
            let perChannel = scales.count > 1
            guard !perChannel || (axis >= 0 && axis < shape.count && shape[axis] == scales.count) else {
                throw .malformedWeights(tensor: tensor.name,
                                        problem: "\(scales.count) scales along dimension \(axis) of \(shape)")
            }
            let inner = perChannel ? shape[(axis + 1)...].reduce(1, *) : 1
            let extent = perChannel ? shape[axis] : 1
            values = (0..<count).map { i in
                let channel = perChannel ? (i / inner) % extent : 0
                let zeroPoint = zeroPoints.count > channel ? zeroPoints[channel] : zeroPoints[0]
                return scales[channel] * Float(Int64(Int8(bitPattern: data[i])) - zeroPoint)
            }
        default:
            throw .unsupportedTensorType(tensor: tensor.name, type: tensor.type.name)
        }
    }

    /// Visits every element whose coordinate along `axis` is `index`.
    func forEach(alongAxis axis: Int, index: Int, _ body: (Float) -> Void) {
        let inner = shape[(axis + 1)...].reduce(1, *)
        let extent = shape[axis]
        let outer = shape[..<axis].reduce(1, *)
        for o in 0..<outer {
            let base = (o * extent + index) * inner
            for i in base..<(base + inner) { body(values[i]) }
        }
    }
}
