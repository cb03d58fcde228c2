/// Schema-driven decoding of tables into ``FlatTable`` (see its documentation for the rules).
extension TableView {
    /// Deepest nesting of generically decoded tables; the TFLite schema needs 4.
    static let maximumGenericDepth = 16

    /// Decodes every present slot whose bit is not set in `handledSlots` (bit n = slot n, typed by the caller).
    func preservedFields(excluding handledSlots: UInt64 = 0, depth: Int = 0) throws -> FlatTable {
        guard depth <= Self.maximumGenericDepth else {
            throw ModelError(.nestingTooDeep, at: [name],
                             problem: "tables nest more than \(Self.maximumGenericDepth) levels deep")
        }
        let schema = SchemaCatalog.slots(of: name)
        let layout = try reader.vtableLayouts.layout(reader: reader, vtable: vtable, vtableSize: vtableSize, table: name)
        // Every table decoded from a shared vtable costs its present fields, so many tables sharing one huge
        // vtable cannot multiply the work past the budget.
        try reader.budget.spend(layout.presentSlots.count, "the fields of \(name) at offset \(position)")
        var table = FlatTable()
        for slot in layout.presentSlots {
            if slot < 64, handledSlots & (1 << UInt64(slot)) != 0 { continue }
            let kind = slot < schema.count ? schema[slot] : .unknown
            if let value = try decodeSlot(slot, kind: kind, depth: depth, layout: layout) {
                table.fields[slot] = value
            }
        }
        return table
    }

    private func decodeSlot(_ slot: Int, kind: SlotKind, depth: Int, layout: VTableLayout) throws -> FlatValue? {
        let field = "slot \(slot)"
        switch kind {
        case .unknown:
            return try decodeUnknownSlot(slot, layout: layout)
        case .scalar(let byteCount):
            guard let offset = try fieldOffset(slot, size: byteCount, field) else { return nil }
            let start = position + offset
            return .scalar(Array(reader.bytes[start..<(start + byteCount)]))
        case .string:
            return try stringBytes(slot, field).map(FlatValue.string)
        case .scalarVector(let elementSize, let alignment):
            guard let at = try target(slot, field) else { return nil }
            return try within("\(name).\(field)") {
                let (count, start) = try reader.vectorHeader(at: at, elementSize: elementSize, "vector")
                return .scalarVector(elementSize: elementSize, alignment: alignment,
                                     bytes: Array(reader.bytes[start..<(start + count * elementSize)]))
            }
        case .stringVector:
            guard let at = try target(slot, field) else { return nil }
            return try within("\(name).\(field)") {
                let (count, start) = try reader.vectorHeader(at: at, elementSize: 4, "vector of strings")
                var strings: [[UInt8]] = []
                for index in 0..<count {
                    strings.append(try reader.stringBytes(at: try reader.followOffset(at: start + 4 * index, "string offset")))
                }
                return .stringVector(strings)
            }
        case .table(let tableName):
            guard let child = try table(slot, field, name: tableName) else { return nil }
            return .table(try within("\(name).\(field)") { try child.preservedFields(depth: depth + 1) })
        case .tableVector(let tableName):
            guard let children = try tableVector(slot, field, name: tableName) else { return nil }
            return .tableVector(try within("\(name).\(field)") {
                try children.map { try $0.preservedFields(depth: depth + 1) }
            })
        case .unionValue(let typeSlot, let union):
            let type: UInt8 = try scalar(typeSlot, "slot \(typeSlot)", default: 0)
            guard type != 0 else { return nil }
            let member = SchemaCatalog.unionMember(union, type: type) ?? "\(union)#\(type)"
            guard let child = try table(slot, field, name: member) else { return nil }
            return .table(try within("\(name).\(field)") { try child.preservedFields(depth: depth + 1) })
        }
    }

    /// A slot the schema does not describe: a scalar if provably so, else ``FlatValue/unprovable(_:)``.
    private func decodeUnknownSlot(_ slot: Int, layout: VTableLayout) throws -> FlatValue? {
        let offset = rawFieldOffset(slot)
        guard offset >= 4, offset < inlineSize else {
            throw ModelError(.fieldOutOfRange, at: ["\(name).slot \(slot)"],
                             problem: "the vtable puts this field at byte \(offset) of a \(inlineSize)-byte table")
        }
        // The field extends at most to the next field or the end of the table.
        let end = layout.nextOffset(after: offset, limit: inlineSize)
        let gap = min(end - offset, 8)
        var size = 1
        while size * 2 <= gap, offset % (size * 2) == 0 { size *= 2 }
        let start = position + offset
        let inline = Array(reader.bytes[start..<(start + size)])
        guard size >= 4, offset % 4 == 0 else { return .scalar(inline) }
        let value = Int(reader.load(start, as: UInt32.self))
        let wouldPointTo = start + value
        if value == 0 || wouldPointTo % 4 != 0 || wouldPointTo > reader.count - 4 {
            return .scalar(inline)  // cannot be a valid offset
        }
        return .unprovable(inline)
    }
}
