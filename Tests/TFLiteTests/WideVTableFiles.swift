/// Hand-built FlatBuffers whose vtables have tens of thousands of slots: the shapes that made vtable decoding
/// quadratic (issue 14 item 7). Built byte by byte so the layout is exactly what the test says.
enum WideVTableFiles {
    /// Little-endian byte image with positioned writes.
    struct Image {
        var bytes: [UInt8] = []

        mutating func align(_ alignment: Int) {
            while bytes.count % alignment != 0 { bytes.append(0) }
        }
        mutating func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        mutating func put<T: FixedWidthInteger>(_ value: T, at position: Int) {
            withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(position..<(position + MemoryLayout<T>.size), with: $0) }
        }
    }

    /// Appends a vtable of `slots` entries for tables of `inlineBytes`; slots below `firstFilledSlot` are absent,
    /// the others point at 4-byte aligned offsets spread over the table. Returns its position.
    static func appendWideVTable(_ image: inout Image, slots: Int, inlineBytes: Int, firstFilledSlot: Int) -> Int {
        image.align(2)
        let position = image.bytes.count
        image.append(UInt16(4 + 2 * slots))
        image.append(UInt16(inlineBytes))
        let room = (inlineBytes - 8) / 4
        for slot in 0..<slots {
            image.append(UInt16(slot < firstFilledSlot ? 0 : 4 + 4 * (slot % room)))
        }
        return position
    }

    /// A `.tflite` whose root Model table has a vtable of `slots` slots (32,765 is the most a vtable can hold),
    /// all but the first 16 (the schema describes 10) pointing
    /// into an `inlineBytes` table. 32,765 slots and 1,024 bytes give the 66 KB
    /// file of the issue.
    static func wideRootTable(slots: Int = 32_765, inlineBytes: Int = 1_024) -> [UInt8] {
        var image = Image()
        image.append(UInt32(0))  // root offset, patched below
        image.bytes += Array("TFL3".utf8)
        let vtable = appendWideVTable(&image, slots: slots, inlineBytes: inlineBytes, firstFilledSlot: 16)
        image.align(4)
        let table = image.bytes.count
        image.append(Int32(table - vtable))
        image.bytes += [UInt8](repeating: 0, count: inlineBytes - 4)
        image.put(UInt32(table), at: 0)
        return image.bytes
    }

    /// A `.tflite` whose Model lists `tables` subgraphs that all share one vtable of `slots` slots: every table
    /// costs its slots again, so without a work bound the decoding is tables × slots (or worse).
    static func manyTablesSharingAWideVTable(tables: Int, slots: Int = 32_765, inlineBytes: Int = 1_024) -> [UInt8] {
        var image = Image()
        image.append(UInt32(0))  // root offset, patched below
        image.bytes += Array("TFL3".utf8)
        // SubGraph has 7 schema slots; leave them (and a margin) absent so the typed decoder accepts the tables.
        let shared = appendWideVTable(&image, slots: slots, inlineBytes: inlineBytes, firstFilledSlot: 16)
        // Root vtable: version (slot 0) at 4, subgraphs (slot 2) at 8.
        image.align(2)
        let rootVTable = image.bytes.count
        for entry: UInt16 in [10, 12, 4, 0, 8] { image.append(entry) }
        image.align(4)
        let root = image.bytes.count
        image.append(Int32(root - rootVTable))
        image.append(UInt32(3))
        let vectorField = image.bytes.count
        image.append(UInt32(0))  // patched
        let vector = image.bytes.count
        image.put(UInt32(vector - vectorField), at: vectorField)
        image.append(UInt32(tables))
        let elements = image.bytes.count
        image.bytes += [UInt8](repeating: 0, count: 4 * tables)
        let firstTable = image.bytes.count
        for index in 0..<tables {
            let table = firstTable + 4 * index
            image.put(UInt32(table - (elements + 4 * index)), at: elements + 4 * index)
            image.append(Int32(table - shared))
        }
        image.bytes += [UInt8](repeating: 0, count: inlineBytes)  // the last table's inline bytes
        image.put(UInt32(root), at: 0)
        return image.bytes
    }
}
