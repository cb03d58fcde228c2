/// TinyHIL's sparse encoding of int8 weights, "THS1" (specified in firmware/engine/README.md, "Sparse weights").
///
/// A buffer listed in the metadata entry ``metadataName`` holds, instead of a tensor's dense bytes, per row
/// (dimension 0: output channel or unit) its non-zero int8 weights in pairs of 3 bytes: a gap byte (low nibble:
/// columns skipped before the first entry, high nibble: before the second), then the two values. A gap above 15
/// is bridged by a stored zero; an odd row ends with a padding entry (gap 0, value 0), which may sit one column
/// past the row. Layout: `"THS1"`, u32 rows, u32 cols, u32 pairs, u16 count[rows] (pairs per row), pairs × 3
/// bytes; integers little-endian.
public enum SparseWeights {
    /// Name of the metadata entry whose buffer lists the sparse buffers: u32 count, then count u32 buffer indices.
    public static let metadataName = "tinyhil_sparse_v1"
    static let headerBytes = 16

    /// Encodes `values` (row-major, `rows` × `cols`, zero point 0) as THS1.
    public static func encode(_ values: [Int8], rows: Int, cols: Int) -> [UInt8] {
        precondition(rows * cols == values.count && rows >= 0 && cols >= 0, "THS1: rows × cols must equal the element count")
        var counts: [UInt16] = []
        var stream: [UInt8] = []
        for r in 0..<rows {
            var entries: [(gap: UInt8, value: Int8)] = []
            var next = 0   // first column the next entry may take
            for c in 0..<cols where values[r * cols + c] != 0 {
                var gap = c - next
                while gap > 15 { entries.append((15, 0)); gap -= 16 }   // a stored zero 16 columns on
                entries.append((UInt8(gap), values[r * cols + c])); next = c + 1
            }
            if entries.count % 2 == 1 { entries.append((0, 0)) }   // padding: next column (≤ cols)
            for i in stride(from: 0, to: entries.count, by: 2) {
                stream += [entries[i].gap | entries[i + 1].gap << 4, UInt8(bitPattern: entries[i].value),
                           UInt8(bitPattern: entries[i + 1].value)]
            }
            counts.append(UInt16(entries.count / 2))   // ≤ (cols + 1) / 2 ≤ 32768
        }
        var out: [UInt8] = Array("THS1".utf8)
        for word in [UInt32(rows), UInt32(cols), UInt32(stream.count / 3)] { out += littleEndian(word) }
        for count in counts { out += [UInt8(count & 0xff), UInt8(count >> 8)] }
        return out + stream
    }

    /// Decodes a THS1 blob into `rows` × `cols` dense int8 values, checking every field as the engine does.
    public static func decode(_ blob: [UInt8], rows: Int, cols: Int) throws -> [Int8] {
        func fail(_ what: String) -> ModelError {
            ModelError(.invalidValue, at: ["sparse weights (THS1)"], problem: what,
                       remedy: "Re-encode the weights with `tinyhil prune weights --encode sparse`.")
        }
        guard blob.count >= headerBytes, Array(blob[0..<4]) == Array("THS1".utf8) else { throw fail("magic is not THS1") }
        func u32(_ at: Int) -> Int { Int(blob[at]) | Int(blob[at + 1]) << 8 | Int(blob[at + 2]) << 16 | Int(blob[at + 3]) << 24 }
        guard u32(4) == rows, u32(8) == cols else { throw fail("rows × cols \(u32(4)) × \(u32(8)) differ from the tensor's \(rows) × \(cols)") }
        let pairs = u32(12)
        let streamAt = headerBytes + 2 * rows
        guard streamAt + 3 * pairs == blob.count else { throw fail("buffer length differs from header + 2 × rows + 3 × pairs") }
        let counts = (0..<rows).map { Int(blob[headerBytes + 2 * $0]) | Int(blob[headerBytes + 2 * $0 + 1]) << 8 }
        guard counts.reduce(0, +) == pairs, counts.allSatisfy({ 2 * $0 <= cols + 1 }) else {
            throw fail("count: per-row pairs must sum to pairs (\(pairs)) and fit the columns")
        }
        var dense = Array(repeating: Int8(0), count: rows * cols)
        var rowStart = 0   // first pair of row r
        for r in 0..<rows {
            var next = 0
            defer { rowStart += counts[r] }
            for q in rowStart..<(rowStart + counts[r]) {
                let gap = blob[streamAt + 3 * q]
                let first = next + Int(gap & 15), second = first + 1 + Int(gap >> 4)
                let v0 = Int8(bitPattern: blob[streamAt + 3 * q + 1]), v1 = Int8(bitPattern: blob[streamAt + 3 * q + 2])
                let padding = second == cols && q + 1 == rowStart + counts[r] && v1 == 0 && gap >> 4 == 0
                guard first < cols, second < cols || padding else {
                    throw fail("row \(r): column index out of range (\(cols) columns)")
                }
                dense[r * cols + first] = v0
                if second < cols { dense[r * cols + second] = v1 }
                next = second + 1
            }
        }
        return dense
    }

    private static func littleEndian(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}

extension Model {
    /// Buffers holding THS1 sparse weights (listed in the ``SparseWeights/metadataName`` metadata entry).
    public var sparseBuffers: Set<Int> {
        guard let entry = metadata.first(where: { $0.name == SparseWeights.metadataName }),
              buffers.indices.contains(entry.buffer) else { return [] }
        let d = buffers[entry.buffer].data
        guard d.count >= 4 else { return [] }
        func u32(_ at: Int) -> Int { Int(d[at]) | Int(d[at + 1]) << 8 | Int(d[at + 2]) << 16 | Int(d[at + 3]) << 24 }
        let count = u32(0)
        guard d.count == 4 + 4 * count else { return [] }
        return Set((0..<count).map { u32(4 + 4 * $0) })
    }

    /// Rows × columns of a weight tensor as THS1 views it (dimension 0 × the rest).
    static func sparseRowsAndColumns(of tensor: Tensor) -> (rows: Int, cols: Int) {
        let rows = tensor.shape.first ?? 1
        return (rows, rows > 0 ? tensor.shape.dropFirst().reduce(1, *) : 0)
    }

    /// The dense bytes of a tensor whose buffer is THS1-encoded (nil if it is not, or the blob is malformed).
    public func decodedSparseData(of tensor: Tensor) -> [UInt8]? {
        guard tensor.type == .int8, sparseBuffers.contains(tensor.buffer), buffers.indices.contains(tensor.buffer) else { return nil }
        let (rows, cols) = Self.sparseRowsAndColumns(of: tensor)
        return (try? SparseWeights.decode(buffers[tensor.buffer].data, rows: rows, cols: cols))?.map { UInt8(bitPattern: $0) }
    }

    /// Re-encodes the given int8 weight tensors (subgraph 0) as THS1 where that is smaller than their dense
    /// bytes; returns the model and the tensors encoded. The tensors must have zero point 0 and constant data.
    public func encodingSparse(tensors: [Int]) throws -> (model: Model, encoded: [Int]) {
        var result = self
        var listed = sparseBuffers
        var encoded: [Int] = []
        for index in tensors {
            let tensor = result.subgraphs[0].tensors[index]
            guard tensor.type == .int8, !listed.contains(tensor.buffer), let data = result.constantData(of: tensor),
                  (tensor.quantization?.zeroPoint ?? []).allSatisfy({ $0 == 0 }) else { continue }
            let (rows, cols) = Self.sparseRowsAndColumns(of: tensor)
            guard rows * cols == data.count else { continue }
            let blob = SparseWeights.encode(data.map { Int8(bitPattern: $0) }, rows: rows, cols: cols)
            guard blob.count < data.count else { continue }
            try result.setConstantData(blob, ofTensor: index)
            listed.insert(result.subgraphs[0].tensors[index].buffer)
            encoded.append(index)
        }
        guard !encoded.isEmpty else { return (result, []) }
        var list: [UInt8] = []
        for word in [listed.count] + listed.sorted() { list += (0..<4).map { UInt8(truncatingIfNeeded: UInt32(word) >> (8 * $0)) } }
        if let at = result.metadata.firstIndex(where: { $0.name == SparseWeights.metadataName }) {
            result.buffers[result.metadata[at].buffer].data = list
        } else {
            result.buffers.append(Buffer(data: list))
            result.metadata.append(Metadata(name: SparseWeights.metadataName, buffer: result.buffers.count - 1))
        }
        return (result, encoded)
    }
}
