/// One table inside a FlatBuffer, opened by ``FlatBufferReader/table(at:name:)``; all field access is checked.
struct TableView {
    let reader: FlatBufferReader
    let name: String
    let position: Int
    let vtable: Int
    let vtableSize: Int
    let inlineSize: Int

    /// Number of slots the vtable has entries for.
    var slotCount: Int { (vtableSize - 4) / 2 }

    /// The field's offset inside the table, or nil when absent. Checks that `size` bytes fit the table.
    func fieldOffset(_ slot: Int, size: Int, _ field: String) throws -> Int? {
        let entry = 4 + 2 * slot
        guard entry + 2 <= vtableSize else { return nil }
        let offset = Int(reader.load(vtable + entry, as: UInt16.self))
        guard offset != 0 else { return nil }
        guard offset >= 4, offset + size <= inlineSize else {
            throw ModelError(.fieldOutOfRange, at: ["\(name).\(field)"],
                             problem: "the vtable puts this \(size)-byte field at byte \(offset) of a \(inlineSize)-byte table")
        }
        return offset
    }

    /// Raw vtable entry of a slot (0 = absent), without checks on the size.
    func rawFieldOffset(_ slot: Int) -> Int {
        let entry = 4 + 2 * slot
        guard entry + 2 <= vtableSize else { return 0 }
        return Int(reader.load(vtable + entry, as: UInt16.self))
    }

    func scalar<T: FixedWidthInteger>(_ slot: Int, _ field: String, default value: T) throws -> T {
        guard let offset = try fieldOffset(slot, size: MemoryLayout<T>.size, field) else { return value }
        return reader.load(position + offset, as: T.self)
    }

    func bool(_ slot: Int, _ field: String, default value: Bool) throws -> Bool {
        try scalar(slot, field, default: UInt8(value ? 1 : 0)) != 0
    }

    func float(_ slot: Int, _ field: String, default value: Float) throws -> Float {
        Float(bitPattern: try scalar(slot, field, default: value.bitPattern))
    }

    /// Absolute position of the object an offset field points to, or nil when absent.
    func target(_ slot: Int, _ field: String) throws -> Int? {
        guard let offset = try fieldOffset(slot, size: 4, field) else { return nil }
        return try within("\(name).\(field)") {
            try reader.followOffset(at: position + offset, "offset field")
        }
    }

    func table(_ slot: Int, _ field: String, name tableName: String) throws -> TableView? {
        guard let at = try target(slot, field) else { return nil }
        return try within("\(name).\(field)") { try reader.table(at: at, name: tableName) }
    }

    func string(_ slot: Int, _ field: String) throws -> String? {
        guard let bytes = try stringBytes(slot, field) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    func stringBytes(_ slot: Int, _ field: String) throws -> [UInt8]? {
        guard let at = try target(slot, field) else { return nil }
        return try within("\(name).\(field)") { try reader.stringBytes(at: at) }
    }

    /// A vector of little-endian scalars, copied out in one pass.
    func scalarVector<T: FixedWidthInteger>(_ slot: Int, _ field: String, of type: T.Type) throws -> [T]? {
        guard let at = try target(slot, field) else { return nil }
        return try within("\(name).\(field)") { try reader.scalarVector(at: at, of: T.self) }
    }

    func floatVector(_ slot: Int, _ field: String) throws -> [Float]? {
        try scalarVector(slot, field, of: UInt32.self)?.map { Float(bitPattern: $0) }
    }

    func byteVector(_ slot: Int, _ field: String) throws -> [UInt8]? {
        guard let at = try target(slot, field) else { return nil }
        return try within("\(name).\(field)") { try reader.byteVector(at: at) }
    }

    /// Opens every table of a vector of tables.
    func tableVector(_ slot: Int, _ field: String, name tableName: String) throws -> [TableView]? {
        guard let at = try target(slot, field) else { return nil }
        return try within("\(name).\(field)") {
            let (count, start) = try reader.vectorHeader(at: at, elementSize: 4, "vector of \(tableName)")
            var tables: [TableView] = []
            tables.reserveCapacity(count)
            for index in 0..<count {
                let element = try within("[\(index)]") {
                    try reader.table(at: try reader.followOffset(at: start + 4 * index, "element offset"), name: tableName)
                }
                tables.append(element)
            }
            return tables
        }
    }
}

extension FlatBufferReader {
    func stringBytes(at position: Int) throws -> [UInt8] {
        let (count, start) = try vectorHeader(at: position, elementSize: 1, "string")
        return Array(bytes[start..<(start + count)])
    }

    func byteVector(at position: Int) throws -> [UInt8] {
        let (count, start) = try vectorHeader(at: position, elementSize: 1, "byte vector")
        return Array(bytes[start..<(start + count)])
    }

    func scalarVector<T: FixedWidthInteger>(at position: Int, of type: T.Type) throws -> [T] {
        let size = MemoryLayout<T>.size
        let (count, start) = try vectorHeader(at: position, elementSize: size, "vector")
        return [T](unsafeUninitializedCapacity: count) { output, initialized in
            bytes.withUnsafeBytes { raw in
                for index in 0..<count {
                    output[index] = T(littleEndian: raw.loadUnaligned(fromByteOffset: start + index * size, as: T.self))
                }
            }
            initialized = count
        }
    }
}
