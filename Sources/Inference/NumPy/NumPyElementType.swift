/// The element types TinyHIL reads and writes in NumPy `.npy` files (always little-endian, C order).
public enum NumPyElementType: String, Sendable, CaseIterable, CustomStringConvertible {
    case int8 = "|i1"
    case uint8 = "|u1"
    case int32 = "<i4"
    case float32 = "<f4"

    /// Size of one element.
    public var bytesPerElement: Int {
        switch self {
        case .int8, .uint8: return 1
        case .int32, .float32: return 4
        }
    }

    /// The NumPy name (`int8`, `float32`, ...).
    public var description: String {
        switch self {
        case .int8: return "int8"
        case .uint8: return "uint8"
        case .int32: return "int32"
        case .float32: return "float32"
        }
    }

    /// Parses a NumPy `descr` string such as `<f4`, `|i1` or `u1`.
    /// - Throws: `NumPyError.bigEndian` for `>` types with more than one byte, `.unsupportedElementType` otherwise.
    static func parse(descr: String) throws(NumPyError) -> NumPyElementType {
        var order: Character = "="
        var code = Substring(descr)
        if let first = code.first, "<>|=".contains(first) {
            order = first
            code = code.dropFirst()
        }
        let type: NumPyElementType
        switch code {
        case "i1", "b": type = .int8
        case "u1", "B": type = .uint8
        case "i4": type = .int32
        case "f4": type = .float32
        default: throw .unsupportedElementType(descr: descr)
        }
        if order == ">" && type.bytesPerElement > 1 { throw .bigEndian(descr: descr) }
        return type
    }
}

/// A Swift type that can be stored as elements of a `NumPyArray`.
public protocol NumPyElement: Sendable {
    static var numPyElementType: NumPyElementType { get }
    /// Reads one element from little-endian bytes at `offset`.
    static func load(littleEndian bytes: UnsafeRawBufferPointer, at offset: Int) -> Self
    /// Appends the little-endian encoding of `self`.
    func appendLittleEndian(to bytes: inout [UInt8])
}

extension Int8: NumPyElement {
    public static var numPyElementType: NumPyElementType { .int8 }
    public static func load(littleEndian bytes: UnsafeRawBufferPointer, at offset: Int) -> Int8 {
        Int8(bitPattern: bytes[offset])
    }
    public func appendLittleEndian(to bytes: inout [UInt8]) { bytes.append(UInt8(bitPattern: self)) }
}

extension UInt8: NumPyElement {
    public static var numPyElementType: NumPyElementType { .uint8 }
    public static func load(littleEndian bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt8 { bytes[offset] }
    public func appendLittleEndian(to bytes: inout [UInt8]) { bytes.append(self) }
}

extension Int32: NumPyElement {
    public static var numPyElementType: NumPyElementType { .int32 }
    public static func load(littleEndian bytes: UnsafeRawBufferPointer, at offset: Int) -> Int32 {
        Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self))
    }
    public func appendLittleEndian(to bytes: inout [UInt8]) {
        withUnsafeBytes(of: littleEndian) { bytes.append(contentsOf: $0) }
    }
}

extension Float: NumPyElement {
    public static var numPyElementType: NumPyElementType { .float32 }
    public static func load(littleEndian bytes: UnsafeRawBufferPointer, at offset: Int) -> Float {
        Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }
    public func appendLittleEndian(to bytes: inout [UInt8]) {
        withUnsafeBytes(of: bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
