/// Fields of a table whose children are already written, waiting to be added between
/// `startTable()` and `endTable()`.
struct PendingFields {
    var scalars: [(slot: Int, bytes: [UInt8])] = []
    var offsets: [(slot: Int, offset: FlatOffset)] = []
}

extension FlatBufferBuilder {
    /// Writes the children (strings, vectors, tables) of `table` and returns its fields ready to add.
    mutating func writeChildren(of table: FlatTable, location: String) throws -> PendingFields {
        var pending = PendingFields()
        for slot in table.fields.keys.sorted() {
            guard let value = table.fields[slot] else { continue }
            switch value {
            case .scalar(let bytes):
                pending.scalars.append((slot, bytes))
            case .string(let bytes):
                pending.offsets.append((slot, string(bytes)))
            case .scalarVector(let elementSize, let alignment, let bytes):
                pending.offsets.append((slot, vector(rawBytes: bytes, elementSize: elementSize, alignment: alignment)))
            case .stringVector(let strings):
                let offsets = strings.map { string($0) }
                pending.offsets.append((slot, vector(offsets: offsets)))
            case .table(let child):
                pending.offsets.append((slot, try writeFlatTable(child, location: "\(location).slot \(slot)")))
            case .tableVector(let children):
                var offsets: [FlatOffset] = []
                for (index, child) in children.enumerated() {
                    offsets.append(try writeFlatTable(child, location: "\(location).slot \(slot)[\(index)]"))
                }
                pending.offsets.append((slot, vector(offsets: offsets)))
            case .unprovable(let bytes):
                throw ModelError(.unknownFieldLayout, at: [location, "slot \(slot)"],
                                 problem: "this field (\(bytes.count) inline bytes) comes from a newer schema and may be "
                                    + "a reference, so it cannot be moved to a new file safely")
            }
        }
        return pending
    }

    /// Adds pending fields to the table being built: scalars largest first (less padding), then offsets.
    mutating func add(_ pending: PendingFields) {
        for field in pending.scalars.sorted(by: { $0.bytes.count > $1.bytes.count }) {
            add(field.slot, rawScalar: field.bytes)
        }
        for field in pending.offsets { add(field.slot, field.offset) }
    }

    /// Writes a whole ``FlatTable``.
    mutating func writeFlatTable(_ table: FlatTable, location: String) throws -> FlatOffset {
        let pending = try writeChildren(of: table, location: location)
        startTable()
        add(pending)
        return endTable()
    }
}
