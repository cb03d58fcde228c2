import TFLite

/// Counts exactly-zero weights. A quantized value is zero when it equals its (per-channel) zero point; a float
/// is zero when it is +0 or -0.
enum WeightSparsity {
    /// (elements, zero elements) of a constant tensor; (0, 0) for types whose zeros are not counted.
    static func count(_ tensor: TFLite.Tensor, data: [UInt8]) -> (elements: Int, zeros: Int) {
        guard let elements = tensor.elementCount, elements > 0 else { return (0, 0) }
        let zeroPoints = tensor.quantization?.zeroPoint ?? []
        let allZeroPointsZero = zeroPoints.allSatisfy { $0 == 0 }

        // Channel of element i for per-channel zero points: (i / inner) % channels.
        var channels = 1
        var inner = 1
        if zeroPoints.count > 1, let dimension = tensor.quantization?.quantizedDimension,
           dimension >= 0, dimension < tensor.shape.count {
            channels = tensor.shape[dimension]
            inner = tensor.shape[(dimension + 1)...].reduce(1, *)
        }
        func zeroPoint(_ i: Int) -> Int64 {
            if zeroPoints.isEmpty { return 0 }
            if zeroPoints.count == 1 || channels <= 0 || inner <= 0 { return zeroPoints[0] }
            let channel = (i / inner) % channels
            return channel < zeroPoints.count ? zeroPoints[channel] : 0
        }

        switch tensor.type {
        case .int8, .uint8:
            let n = min(elements, data.count)
            var zeros = 0
            if allZeroPointsZero {
                data.withUnsafeBufferPointer { bytes in
                    for i in 0..<n where bytes[i] == 0 { zeros += 1 }
                }
            } else {
                let signed = tensor.type == .int8
                for i in 0..<n {
                    let value = signed ? Int64(Int8(bitPattern: data[i])) : Int64(data[i])
                    if value == zeroPoint(i) { zeros += 1 }
                }
            }
            return (n, zeros)
        case .int4:
            let n = min(elements, data.count * 2)
            var zeros = 0
            for i in 0..<n {
                let byte = data[i / 2]
                let nibble = i % 2 == 0 ? byte & 0x0F : byte >> 4
                let value = Int64(nibble >= 8 ? Int(nibble) - 16 : Int(nibble))
                if value == zeroPoint(i) { zeros += 1 }
            }
            return (n, zeros)
        case .int16, .float16, .bfloat16:
            let n = min(elements, data.count / 2)
            var zeros = 0
            for i in 0..<n {
                let bits = UInt16(data[2 * i]) | UInt16(data[2 * i + 1]) << 8
                let isZero = tensor.type == .int16 ? Int64(Int16(bitPattern: bits)) == zeroPoint(i) : bits & 0x7FFF == 0
                if isZero { zeros += 1 }
            }
            return (n, zeros)
        case .float32, .int32:
            let n = min(elements, data.count / 4)
            var zeros = 0
            for i in 0..<n {
                let bits = UInt32(data[4 * i]) | UInt32(data[4 * i + 1]) << 8 | UInt32(data[4 * i + 2]) << 16
                    | UInt32(data[4 * i + 3]) << 24
                let isZero = tensor.type == .float32
                    ? bits & 0x7FFF_FFFF == 0 : Int64(Int32(bitPattern: bits)) == zeroPoint(i)
                if isZero { zeros += 1 }
            }
            return (n, zeros)
        default:
            return (0, 0)
        }
    }
}
