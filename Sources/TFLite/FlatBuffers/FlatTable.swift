/// A FlatBuffer table kept as data, for content the typed model does not interpret (sparsity, signature
/// extras, options of operators without a typed struct, fields added by newer schemas).
///
/// ## How untyped content survives a round trip
/// A FlatBuffer does not say which fields are references and which are plain numbers, so a blind byte copy
/// of a table cannot be relocated: its offsets would point to the wrong place. TinyHIL therefore decodes
/// untyped tables *with the schema*: ``SchemaCatalog`` lists every table of the TFLite schema with the kind
/// of each slot (generated from `schema.fbs`), so strings, vectors, nested tables and unions are decoded
/// into ``FlatValue``s and re-emitted at their new positions.
///
/// Slots the catalog does not know (a newer schema) are kept only when their layout can be *proven*:
/// a field that is not 4-byte aligned in its table, or narrower than 4 bytes, or whose 4-byte value would
/// point outside the file or to an unaligned position cannot be a reference, so it is copied as a scalar of
/// its inline bytes. Anything else is kept as ``FlatValue/unprovable(_:)``: reading works, but writing
/// the model throws ``ModelError/Kind-swift.enum/unknownFieldLayout`` rather than emit a corrupt file or
/// drop data silently.
public struct FlatTable: Sendable, Equatable {
    /// Present fields by slot number.
    public var fields: [Int: FlatValue]

    public init(fields: [Int: FlatValue] = [:]) { self.fields = fields }

    public var isEmpty: Bool { fields.isEmpty }
}

/// The value of one field of a ``FlatTable``.
public indirect enum FlatValue: Sendable, Equatable {
    /// Inline little-endian bytes of a scalar (1, 2, 4 or 8 bytes; unknown-slot scalars keep their padding).
    case scalar([UInt8])
    case string([UInt8])
    /// Vector of scalars: raw little-endian element bytes.
    case scalarVector(elementSize: Int, alignment: Int, bytes: [UInt8])
    case stringVector([[UInt8]])
    case table(FlatTable)
    case tableVector([FlatTable])
    /// A field from an unknown schema that may be a reference; its inline bytes, kept for inspection only.
    case unprovable([UInt8])
}

/// The kind of one slot of a schema table.
enum SlotKind: Sendable, Equatable {
    case unknown
    case scalar(byteCount: Int)
    case string
    case scalarVector(elementSize: Int, alignment: Int)
    case stringVector
    case table(String)
    case tableVector(String)
    /// A union's value; its type byte is the scalar at `typeSlot`.
    case unionValue(typeSlot: Int, union: String)
}

/// The TFLite schema as data (tables in `SchemaCatalog+Tables.swift`).
enum SchemaCatalog {
    static func slots(of table: String) -> [SlotKind] { tables[table] ?? [] }

    static func unionMember(_ union: String, type: UInt8) -> String? { unions[union]?[type] }
}

/// A union field's value kept as data: the union type value (0 = none) and its table.
public struct FlatUnion: Sendable, Equatable {
    public var type: UInt8
    public var table: FlatTable
    public init(type: UInt8, table: FlatTable) {
        self.type = type
        self.table = table
    }
}
