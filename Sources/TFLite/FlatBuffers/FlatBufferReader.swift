/// A bounds-checked reader over the bytes of one FlatBuffer.
///
/// Every access checks its range first; arithmetic is done in `Int` on values that come from 32-bit
/// fields (so it cannot overflow on a 64-bit host) and multiplications use overflow-reporting math.
/// Unsigned offsets (`uoffset`) must be non-zero, so every reference points strictly forward: a chain of
/// references can never loop. A shared budget of decoded elements bounds the total work and allocation
/// even when many references overlap the same bytes (e.g. a million tables all pointing at one big vector).
struct FlatBufferReader {
    let bytes: [UInt8]
    let budget: ReadBudget
    /// Per-vtable facts, computed once per vtable (see ``VTableLayout``).
    let vtableLayouts = VTableLayouts()

    init(bytes: [UInt8]) {
        self.bytes = bytes
        // Real models decode to far fewer elements than they have bytes; allow generous headroom.
        self.budget = ReadBudget(elements: bytes.count.multipliedReportingOverflow(by: 4).partialValue + 65_536)
    }

    var count: Int { bytes.count }

    /// Throws unless `size` bytes starting at `position` are inside the buffer.
    @inline(__always)
    func require(_ position: Int, _ size: Int, _ what: @autoclosure () -> String) throws {
        guard position >= 0, size >= 0, position <= bytes.count, size <= bytes.count - position else {
            throw ModelError(.truncated, problem: "\(what()) needs \(size) bytes at offset \(position), "
                + "but the file has \(bytes.count) bytes")
        }
    }

    /// Loads a little-endian scalar; the caller has checked the range.
    @inline(__always)
    func load<T: FixedWidthInteger>(_ position: Int, as type: T.Type) -> T {
        bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: T.self)) }
    }

    @inline(__always)
    func checkedLoad<T: FixedWidthInteger>(_ position: Int, as type: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try require(position, MemoryLayout<T>.size, what())
        return load(position, as: T.self)
    }

    /// Follows the uoffset stored at `position` and returns the absolute position it points to.
    func followOffset(at position: Int, _ what: @autoclosure () -> String) throws -> Int {
        let relative = Int(try checkedLoad(position, as: UInt32.self, what()))
        guard relative != 0 else {
            throw ModelError(.offsetOutOfRange, problem: "\(what()) is a zero offset (points at itself)")
        }
        let target = position + relative  // both < 2^33: no overflow in 64-bit Int
        guard target <= bytes.count - 4 else {
            throw ModelError(.offsetOutOfRange, problem: "\(what()) points to offset \(target), "
                + "past the end of the \(bytes.count)-byte file")
        }
        return target
    }

    /// Opens the table at absolute `position`.
    func table(at position: Int, name: String) throws -> TableView {
        try require(position, 4, "table \(name)")
        let back = Int(load(position, as: Int32.self))
        let vtable = position - back
        guard vtable >= 0, vtable <= bytes.count - 4 else {
            throw ModelError(.vtableOutOfRange, at: [name],
                             problem: "the vtable of table \(name) at offset \(position) would be at \(vtable), outside the file")
        }
        let vtableSize = Int(load(vtable, as: UInt16.self))
        let inlineSize = Int(load(vtable + 2, as: UInt16.self))
        guard vtableSize >= 4, vtableSize % 2 == 0, vtableSize <= bytes.count - vtable else {
            throw ModelError(.vtableOutOfRange, at: [name],
                             problem: "the vtable of table \(name) declares \(vtableSize) bytes at offset \(vtable), which does not fit the file")
        }
        guard inlineSize >= 4, inlineSize <= bytes.count - position else {
            throw ModelError(.vtableOutOfRange, at: [name],
                             problem: "table \(name) at offset \(position) declares \(inlineSize) inline bytes, which do not fit the file")
        }
        return TableView(reader: self, name: name, position: position, vtable: vtable,
                         vtableSize: vtableSize, inlineSize: inlineSize)
    }

    /// Reads a vector header at `position`: returns (element count, start of the elements), checking
    /// that `count × elementSize` bytes remain in the file.
    func vectorHeader(at position: Int, elementSize: Int, _ what: @autoclosure () -> String) throws -> (count: Int, start: Int) {
        let length = Int(try checkedLoad(position, as: UInt32.self, what()))
        let start = position + 4
        let (byteCount, overflow) = length.multipliedReportingOverflow(by: elementSize)
        guard !overflow, byteCount <= bytes.count - start else {
            throw ModelError(.vectorTooLong, problem: "\(what()) claims \(length) elements of \(elementSize) bytes, "
                + "but only \(bytes.count - start) bytes remain in the file")
        }
        try budget.spend(length, what())
        return (length, start)
    }
}

/// A decoding allowance shared by every view of one buffer; see ``FlatBufferReader``.
final class ReadBudget {
    private(set) var remaining: Int
    init(elements: Int) { remaining = elements }

    func spend(_ elements: Int, _ what: @autoclosure () -> String) throws {
        remaining -= max(elements, 1)
        if remaining < 0 {
            throw ModelError(.tooManyReferences,
                             problem: "decoding \(what()) exceeds the work a file of this size can honestly need; "
                                + "references overlap or repeat")
        }
    }
}
