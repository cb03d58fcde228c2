/// What one vtable says about the tables that use it, worked out once per vtable and shared by every table that
/// points to it (FlatBuffers deduplicates vtables, so thousands of tables may share one).
///
/// A vtable may have up to 32,765 slots. Finding where an undescribed field ends ("the next field or the end of
/// the table") by scanning all slots for each slot costs slots² — 10^9 steps for one 64 KB vtable. Here the
/// distinct field offsets are sorted once (slots · log slots) and each lookup is a binary search.
struct VTableLayout {
    /// Slots with a non-zero entry, ascending.
    let presentSlots: [Int]
    /// Distinct non-zero field offsets, ascending.
    let sortedOffsets: [Int]

    init(reader: FlatBufferReader, vtable: Int, vtableSize: Int) {
        let slotCount = (vtableSize - 4) / 2
        var present: [Int] = []
        var offsets: [Int] = []
        for slot in 0..<slotCount {
            let offset = Int(reader.load(vtable + 4 + 2 * slot, as: UInt16.self))
            guard offset != 0 else { continue }
            present.append(slot)
            offsets.append(offset)
        }
        presentSlots = present
        sortedOffsets = Array(Set(offsets)).sorted()
    }

    /// The smallest field offset greater than `offset`, or `limit` when there is none below it.
    func nextOffset(after offset: Int, limit: Int) -> Int {
        var low = 0, high = sortedOffsets.count
        while low < high {
            let middle = (low + high) / 2
            if sortedOffsets[middle] > offset { high = middle } else { low = middle + 1 }
        }
        return low < sortedOffsets.count ? min(sortedOffsets[low], limit) : limit
    }
}

/// The layouts of the vtables of one buffer, by vtable position. Building one is charged to the buffer's
/// ``ReadBudget`` (one element per slot), so the scan counts towards the work a file may cause.
final class VTableLayouts {
    private var byPosition: [Int: VTableLayout] = [:]

    func layout(reader: FlatBufferReader, vtable: Int, vtableSize: Int, table: String) throws -> VTableLayout {
        if let known = byPosition[vtable] { return known }
        try reader.budget.spend((vtableSize - 4) / 2, "the vtable of \(table) at offset \(vtable)")
        let layout = VTableLayout(reader: reader, vtable: vtable, vtableSize: vtableSize)
        byPosition[vtable] = layout
        return layout
    }
}
