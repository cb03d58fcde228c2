extension Model {
    /// The constant data of a tensor decoded as little-endian integers (e.g. `Int8` weights, `Int32` bias);
    /// nil if the tensor has no data or its element size is not `T`'s.
    public func constantValues<T: FixedWidthInteger>(of tensor: Tensor, as type: T.Type) -> [T]? {
        guard tensor.type.elementByteSize == MemoryLayout<T>.size, let data = constantData(of: tensor) else { return nil }
        return Buffer.values(from: data, as: T.self)
    }

    /// The constant data of a FLOAT32 tensor as `Float`s; nil if the tensor has no data or another type.
    public func constantFloats(of tensor: Tensor) -> [Float]? {
        guard tensor.type == .float32, let data = constantData(of: tensor) else { return nil }
        return Buffer.values(from: data, as: UInt32.self).map { Float(bitPattern: $0) }
    }
}

extension Buffer {
    /// A buffer holding `values` as little-endian bytes (for replacing weights or bias).
    public init<T: FixedWidthInteger>(values: [T]) {
        self.init(data: Self.bytes(of: values))
    }

    /// A buffer holding `values` as little-endian FLOAT32 bytes.
    public init(floats: [Float]) {
        self.init(values: floats.map(\.bitPattern))
    }

    /// Little-endian bytes of integer values.
    public static func bytes<T: FixedWidthInteger>(of values: [T]) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
        for value in values {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Decodes whole little-endian elements of `data` (a trailing partial element is ignored).
    public static func values<T: FixedWidthInteger>(from data: [UInt8], as type: T.Type) -> [T] {
        let size = MemoryLayout<T>.size
        let count = data.count / size
        return data.withUnsafeBytes { raw in
            (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
        }
    }
}
