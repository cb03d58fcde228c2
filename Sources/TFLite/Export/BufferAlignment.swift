/// Where each buffer's data sits inside a `.tflite` file, to check alignment (TFLite Micro and the
/// Cortex-M0+ need word-aligned weights; the schema asks for 16 bytes).
public struct BufferAlignmentReport: Sendable, Equatable {
    /// File offset of each buffer's first data byte; nil for buffers without data.
    public var dataOffsets: [Int?]
    /// The alignment checked against, in bytes.
    public var alignmentBytes: Int

    /// Reads the buffer table of `bytes` (checked like ``Model/init(bytes:)``).
    public init(bytes: [UInt8], alignmentBytes: Int = 16) throws {
        let reader = FlatBufferReader(bytes: bytes)
        guard bytes.count >= 8, Array(bytes[4..<8]) == ModelDecoder.identifier else {
            _ = try ModelDecoder.decode(bytes)  // throws the precise error
            throw ModelError(.wrongIdentifier, problem: "not a TFLite FlatBuffer")
        }
        let root = try reader.table(at: try reader.followOffset(at: 0, "root table offset"), name: "Model")
        var offsets: [Int?] = []
        for (index, buffer) in (try root.tableVector(4, "buffers", name: "Buffer") ?? []).enumerated() {
            let start: Int? = try within("buffers[\(index)]") {
                guard let at = try buffer.target(0, "data") else { return nil }
                let (count, start) = try reader.vectorHeader(at: at, elementSize: 1, "Buffer.data")
                return count == 0 ? nil : start
            }
            offsets.append(start)
        }
        self.dataOffsets = offsets
        self.alignmentBytes = max(alignmentBytes, 1)
    }

    /// Buffers that hold data.
    public var buffersWithData: Int { dataOffsets.compactMap { $0 }.count }

    /// Buffers whose data does not start at a multiple of ``alignmentBytes``.
    public var misalignedBuffers: [Int] {
        dataOffsets.enumerated().compactMap { index, offset in
            guard let offset, offset % alignmentBytes != 0 else { return nil }
            return index
        }
    }
}
