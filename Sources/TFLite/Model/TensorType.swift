/// The element type of a tensor (schema enum `TensorType`, stored as a byte). A struct so unknown values
/// from newer schemas survive.
public struct TensorType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int8
    public init(rawValue: Int8) { self.rawValue = rawValue }
    public init(_ rawValue: Int8) { self.rawValue = rawValue }

    public static let float32 = TensorType(0)
    public static let float16 = TensorType(1)
    public static let int32 = TensorType(2)
    public static let uint8 = TensorType(3)
    public static let int64 = TensorType(4)
    public static let string = TensorType(5)
    public static let bool = TensorType(6)
    public static let int16 = TensorType(7)
    public static let complex64 = TensorType(8)
    public static let int8 = TensorType(9)
    public static let float64 = TensorType(10)
    public static let complex128 = TensorType(11)
    public static let uint64 = TensorType(12)
    public static let resource = TensorType(13)
    public static let variant = TensorType(14)
    public static let uint32 = TensorType(15)
    public static let uint16 = TensorType(16)
    public static let int4 = TensorType(17)
    public static let bfloat16 = TensorType(18)
    public static let int2 = TensorType(19)
    public static let uint4 = TensorType(20)
    public static let float8E4M3FN = TensorType(21)
    public static let float8E5M2 = TensorType(22)

    /// Bits per element, or nil for types without a fixed width (string, resource, variant, unknown).
    public var bitsPerElement: Int? {
        switch rawValue {
        case 0, 2, 15: return 32
        case 1, 7, 16, 18: return 16
        case 3, 6, 9, 21, 22: return 8
        case 4, 8, 10, 12: return 64
        case 11: return 128
        case 17, 20: return 4
        case 19: return 2
        default: return nil
        }
    }

    /// Bytes per element for whole-byte types; nil for sub-byte and variable-size types.
    public var elementByteSize: Int? {
        guard let bits = bitsPerElement, bits % 8 == 0 else { return nil }
        return bits / 8
    }

    /// Bytes needed to store `elementCount` packed elements, or nil when the type has no fixed width.
    public func byteCount(elementCount: Int) -> Int? {
        guard let bits = bitsPerElement else { return nil }
        let (totalBits, overflow) = elementCount.multipliedReportingOverflow(by: bits)
        return overflow ? nil : (totalBits + 7) / 8
    }

    public var name: String {
        let names = ["FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING", "BOOL", "INT16", "COMPLEX64",
                     "INT8", "FLOAT64", "COMPLEX128", "UINT64", "RESOURCE", "VARIANT", "UINT32", "UINT16",
                     "INT4", "BFLOAT16", "INT2", "UINT4", "FLOAT8_E4M3FN", "FLOAT8_E5M2"]
        let index = Int(rawValue)
        return index >= 0 && index < names.count ? names[index] : "TYPE_\(rawValue)"
    }

    public var description: String { name }
}
