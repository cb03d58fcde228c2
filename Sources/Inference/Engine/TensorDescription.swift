import CEngine
import TFLite

/// An input or output tensor of a model as the engine sees it.
public struct TensorDescription: Sendable, Equatable, CustomStringConvertible {
    public let elementType: TensorType
    public let shape: [Int]
    public let bytes: Int
    /// Quantization scale (0 when the tensor is not quantized).
    public let scale: Float
    public let zeroPoint: Int32

    public init(elementType: TensorType, shape: [Int], bytes: Int, scale: Float, zeroPoint: Int32) {
        self.elementType = elementType
        self.shape = shape
        self.bytes = bytes
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    init(_ info: th_tensor_info) {
        let rank = max(0, min(Int(info.rank), Int(TH_MAX_RANK)))
        let dims = withUnsafeBytes(of: info.dims) { raw in
            (0..<rank).map { Int(raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
        }
        self.init(elementType: TensorType(Int8(truncatingIfNeeded: info.type)), shape: dims, bytes: Int(info.bytes),
                  scale: info.scale, zeroPoint: info.zero_point)
    }

    /// The product of the dimensions: 0 when any dimension is 0 (whatever the others), `Int.max` when the
    /// product does not fit (the engine's byte limits rule such tensors out before they run).
    public var elementCount: Int {
        if shape.contains(0) { return 0 }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            if overflow || product < 0 { return Int.max }
            count = product
        }
        return count
    }

    /// The shape of one sample: the shape without a leading batch dimension of 1.
    public var sampleShape: [Int] { shape.first == 1 ? Array(shape.dropFirst()) : shape }

    /// The `.npy` element type holding this tensor's values, if it is one of the four exchange types.
    public var numPyElementType: NumPyElementType? {
        switch elementType {
        case .int8: return .int8
        case .uint8: return .uint8
        case .int32: return .int32
        case .float32: return .float32
        default: return nil
        }
    }

    public var description: String {
        let quantization = scale != 0 ? " scale \(scale) zero point \(zeroPoint)" : ""
        return "\(elementType) \(shape)\(quantization)"
    }
}
