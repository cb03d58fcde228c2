/// Slicing constant tensor data along one axis (raw little-endian bytes, any whole-byte element type).
enum TensorGather {
    /// Keeps the entries `indices` (in that order) of axis `axis` of a tensor with `shape` whose elements
    /// are `elementBytes` wide. Returns the new bytes; the new shape is `shape` with `shape[axis] = indices.count`.
    static func gather(_ data: [UInt8], shape: [Int], elementBytes: Int, axis: Int, indices: [Int]) -> [UInt8] {
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *) * elementBytes
        let extent = shape[axis]
        var result = [UInt8]()
        result.reserveCapacity(outer * indices.count * inner)
        for o in 0..<outer {
            let base = o * extent * inner
            for index in indices {
                let start = base + index * inner
                result.append(contentsOf: data[start..<(start + inner)])
            }
        }
        return result
    }
}
