/// A finished object in a ``FlatBufferBuilder``, as its distance from the end of the buffer
/// (stable while the builder keeps prepending).
struct FlatOffset: Hashable {
    let fromEnd: Int
}

/// Builds a FlatBuffer back to front, the way FlatBuffers defines it: children are written before the
/// tables that reference them, so every reference points forward. Identical vtables are shared.
/// Alignment is relative to the end of the buffer; ``finish(root:identifier:)`` pads the front so the total
/// size is a multiple of the largest alignment used, which makes every alignment hold in file positions too.
struct FlatBufferBuilder {
    private var storage: [UInt8]
    private var head: Int
    private var minimumAlignment = 1
    private var tableFields: [(slot: Int, fromEnd: Int)] = []
    private var tableStart = 0
    private var vtables: [[UInt16]: Int] = [:]

    init(capacity: Int = 1024) {
        storage = [UInt8](repeating: 0, count: max(capacity, 64))
        head = storage.count
    }

    /// Bytes written so far.
    var size: Int { storage.count - head }

    private mutating func reserve(_ byteCount: Int) {
        guard head < byteCount else { return }
        var capacity = storage.count
        while capacity - size < byteCount { capacity *= 2 }
        var grown = [UInt8](repeating: 0, count: capacity)
        let used = size
        grown.withUnsafeMutableBytes { target in
            storage.withUnsafeBytes { source in
                target.baseAddress!.advanced(by: capacity - used)
                    .copyMemory(from: source.baseAddress!.advanced(by: head), byteCount: used)
            }
        }
        storage = grown
        head = capacity - used
    }

    /// Writes zero bytes (the storage in front of `head` is still zero).
    mutating func pad(_ byteCount: Int) {
        reserve(byteCount)
        head -= byteCount
    }

    /// Pads so that after writing `additional` more bytes the size is a multiple of `alignment`.
    mutating func prepare(alignment: Int, additional: Int) {
        minimumAlignment = max(minimumAlignment, alignment)
        let misalignment = (size + additional) % alignment
        if misalignment != 0 { pad(alignment - misalignment) }
    }

    private mutating func put<T: FixedWidthInteger>(_ value: T) {
        let byteCount = MemoryLayout<T>.size
        reserve(byteCount)
        head -= byteCount
        storage.withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: head, as: T.self) }
    }

    private mutating func putBytes(_ bytes: [UInt8]) {
        reserve(bytes.count)
        head -= bytes.count
        guard !bytes.isEmpty else { return }
        storage.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                target.baseAddress!.advanced(by: head).copyMemory(from: source.baseAddress!, byteCount: bytes.count)
            }
        }
    }

    private mutating func pushOffset(_ offset: FlatOffset) {
        prepare(alignment: 4, additional: 4)
        put(UInt32(size + 4 - offset.fromEnd))
    }

    // MARK: vectors and strings

    /// A vector whose elements are given as raw little-endian bytes; its first element starts at a multiple
    /// of `alignment` bytes from the start of the finished buffer.
    mutating func vector(rawBytes: [UInt8], elementSize: Int, alignment: Int = 4) -> FlatOffset {
        let count = elementSize == 0 ? 0 : rawBytes.count / elementSize
        prepare(alignment: 4, additional: rawBytes.count)
        prepare(alignment: max(alignment, elementSize, 4), additional: rawBytes.count)
        putBytes(rawBytes)
        put(UInt32(count))
        return FlatOffset(fromEnd: size)
    }

    mutating func vector<T: FixedWidthInteger>(_ values: [T]) -> FlatOffset {
        let elementSize = MemoryLayout<T>.size
        prepare(alignment: max(elementSize, 4), additional: values.count * elementSize)
        reserve(values.count * elementSize)
        head -= values.count * elementSize
        storage.withUnsafeMutableBytes { target in
            for (index, value) in values.enumerated() {
                target.storeBytes(of: value.littleEndian, toByteOffset: head + index * elementSize, as: T.self)
            }
        }
        put(UInt32(values.count))
        return FlatOffset(fromEnd: size)
    }

    mutating func vector(_ values: [Float]) -> FlatOffset {
        vector(values.map(\.bitPattern))
    }

    mutating func vector(offsets: [FlatOffset]) -> FlatOffset {
        prepare(alignment: 4, additional: offsets.count * 4)
        for offset in offsets.reversed() { pushOffset(offset) }
        put(UInt32(offsets.count))
        return FlatOffset(fromEnd: size)
    }

    mutating func string(_ bytes: [UInt8]) -> FlatOffset {
        prepare(alignment: 4, additional: bytes.count + 1)
        pad(1)
        putBytes(bytes)
        put(UInt32(bytes.count))
        return FlatOffset(fromEnd: size)
    }

    mutating func string(_ text: String) -> FlatOffset { string(Array(text.utf8)) }

    // MARK: tables

    mutating func startTable() {
        tableFields.removeAll(keepingCapacity: true)
        tableStart = size
    }

    mutating func add<T: FixedWidthInteger>(_ slot: Int, _ value: T) {
        prepare(alignment: MemoryLayout<T>.size, additional: 0)
        put(value)
        tableFields.append((slot, size))
    }

    mutating func add(_ slot: Int, _ value: Bool) { add(slot, UInt8(value ? 1 : 0)) }

    mutating func add(_ slot: Int, _ value: Float) { add(slot, value.bitPattern) }

    /// A scalar given as its inline bytes (1, 2, 4 or 8; other lengths are padded up to a multiple of 4).
    mutating func add(_ slot: Int, rawScalar bytes: [UInt8]) {
        let alignment = [1, 2, 4, 8].first { $0 >= bytes.count } ?? 8
        var padded = bytes
        while padded.count % alignment != 0 { padded.append(0) }
        prepare(alignment: alignment, additional: padded.count)
        putBytes(padded)
        tableFields.append((slot, size))
    }

    mutating func add(_ slot: Int, _ offset: FlatOffset) {
        pushOffset(offset)
        tableFields.append((slot, size))
    }

    mutating func endTable() -> FlatOffset {
        prepare(alignment: 4, additional: 4)
        put(Int32(0))  // soffset to the vtable, patched below
        let objectFromEnd = size
        let slotCount = (tableFields.map(\.slot).max() ?? -1) + 1
        var vtable = [UInt16](repeating: 0, count: 2 + slotCount)
        vtable[0] = UInt16(2 * vtable.count)
        vtable[1] = UInt16(objectFromEnd - tableStart)
        for field in tableFields {
            vtable[2 + field.slot] = UInt16(objectFromEnd - field.fromEnd)
        }
        let vtableFromEnd: Int
        if let existing = vtables[vtable] {
            vtableFromEnd = existing
        } else {
            for entry in vtable.reversed() { put(entry) }
            vtableFromEnd = size
            vtables[vtable] = vtableFromEnd
        }
        let tableIndex = storage.count - objectFromEnd
        storage.withUnsafeMutableBytes {
            $0.storeBytes(of: Int32(vtableFromEnd - objectFromEnd).littleEndian, toByteOffset: tableIndex, as: Int32.self)
        }
        tableFields.removeAll(keepingCapacity: true)
        return FlatOffset(fromEnd: objectFromEnd)
    }

    /// Writes the root offset and file identifier and returns the finished bytes.
    mutating func finish(root: FlatOffset, identifier: [UInt8], alignment: Int = 16) -> [UInt8] {
        minimumAlignment = max(minimumAlignment, alignment)
        prepare(alignment: minimumAlignment, additional: 4 + identifier.count)
        putBytes(identifier)
        pushOffset(root)
        return Array(storage[head...])
    }
}
