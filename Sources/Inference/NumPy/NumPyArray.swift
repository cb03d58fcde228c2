import Foundation

/// An n-dimensional array as stored in a NumPy `.npy` file: an element type, a shape and the raw
/// little-endian, C-ordered element bytes.
public struct NumPyArray: Sendable, Equatable {
    public let elementType: NumPyElementType
    public let shape: [Int]
    /// Element data, little-endian, C (row-major) order; `elementCount * elementType.bytesPerElement` bytes.
    public let bytes: [UInt8]

    /// Number of elements (the product of `shape`; 1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Wraps raw element bytes.
    /// - Throws: `NumPyError.invalidShape` or `.dataSizeMismatch` when `bytes` does not match the shape.
    public init(elementType: NumPyElementType, shape: [Int], bytes: [UInt8]) throws(NumPyError) {
        let count = try Self.elementCount(of: shape)
        let (needed, overflow) = count.multipliedReportingOverflow(by: elementType.bytesPerElement)
        if overflow { throw .invalidShape(shape: shape) }
        if needed != bytes.count { throw .dataSizeMismatch(expectedBytes: needed, actualBytes: bytes.count) }
        self.elementType = elementType
        self.shape = shape
        self.bytes = bytes
    }

    /// An array of `values` with the given shape.
    public init<Element: NumPyElement>(values: [Element], shape: [Int]) throws(NumPyError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * Element.numPyElementType.bytesPerElement)
        for value in values { value.appendLittleEndian(to: &bytes) }
        try self.init(elementType: Element.numPyElementType, shape: shape, bytes: bytes)
    }

    /// The elements as Swift values.
    /// - Throws: `NumPyError.elementTypeMismatch` when the array does not hold `Element`s.
    public func values<Element: NumPyElement>(as type: Element.Type = Element.self) throws(NumPyError) -> [Element] {
        guard elementType == Element.numPyElementType else {
            throw .elementTypeMismatch(stored: elementType, requested: Element.numPyElementType)
        }
        let stride = elementType.bytesPerElement
        return bytes.withUnsafeBytes { raw in
            (0..<elementCount).map { Element.load(littleEndian: raw, at: $0 * stride) }
        }
    }

    /// Product of the dimensions, checking each is non-negative and the product does not overflow.
    static func elementCount(of shape: [Int]) throws(NumPyError) -> Int {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { throw .invalidShape(shape: shape) }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            if overflow || product > Int(Int32.max) * 64 { throw .invalidShape(shape: shape) }
            count = product
        }
        return count
    }
}

// MARK: - Files

extension NumPyArray {
    /// Reads a `.npy` file.
    /// - Throws: `NumPyError` for malformed content, or the underlying file error.
    public init(contentsOf url: URL) throws {
        try self.init(npyBytes: [UInt8](try Data(contentsOf: url)))
    }

    /// Writes the array as a `.npy` file (format 1.0, or 2.0 when the header needs it).
    public func write(to url: URL) throws {
        try Data(npyBytes()).write(to: url, options: .atomic)
    }
}

// MARK: - Slicing

extension NumPyArray {
    /// The rows `range` of the first dimension (e.g. some samples of a batch), clamped to the rows that exist.
    /// - Throws: `NumPyError.invalidShape` for a scalar.
    public func rows(_ range: Range<Int>) throws(NumPyError) -> NumPyArray {
        guard let first = shape.first else { throw .invalidShape(shape: shape) }
        let lower = min(max(range.lowerBound, 0), first), upper = min(max(range.upperBound, lower), first)
        let rowBytes = first == 0 ? 0 : bytes.count / first
        return try NumPyArray(elementType: elementType, shape: [upper - lower] + shape.dropFirst(),
                              bytes: Array(bytes[(lower * rowBytes)..<(upper * rowBytes)]))
    }
}
