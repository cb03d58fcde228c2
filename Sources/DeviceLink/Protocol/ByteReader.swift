/// Reads little-endian fields from a payload; every read names the field so a short payload says what is missing.
struct ByteReader {
    let bytes: [UInt8]
    let message: String
    private(set) var offset = 0

    init(_ bytes: [UInt8], message: String) {
        self.bytes = bytes
        self.message = message
    }

    var remaining: Int { bytes.count - offset }

    mutating func u8(_ field: String) throws(ProtocolError) -> UInt8 { UInt8(try integer(field, width: 1)) }
    mutating func u16(_ field: String) throws(ProtocolError) -> UInt16 { UInt16(try integer(field, width: 2)) }
    mutating func u32(_ field: String) throws(ProtocolError) -> UInt32 { UInt32(try integer(field, width: 4)) }
    mutating func u64(_ field: String) throws(ProtocolError) -> UInt64 { try integer(field, width: 8) }
    mutating func i32(_ field: String) throws(ProtocolError) -> Int32 { Int32(bitPattern: try u32(field)) }
    mutating func f32(_ field: String) throws(ProtocolError) -> Float { Float(bitPattern: try u32(field)) }

    mutating func raw(_ field: String, count: Int) throws(ProtocolError) -> [UInt8] {
        try need(field, count)
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func rest() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }

    mutating func string(_ field: String) throws(ProtocolError) -> String {
        let length = Int(try u8("\(field) length"))
        let utf8 = try raw(field, count: length)
        return String(decoding: utf8, as: UTF8.self)
    }

    private mutating func need(_ field: String, _ count: Int) throws(ProtocolError) {
        if count > remaining {
            throw .truncatedPayload(message: message, field: field, offset: offset, payloadBytes: bytes.count)
        }
    }

    private mutating func integer(_ field: String, width: Int) throws(ProtocolError) -> UInt64 {
        try need(field, width)
        var value: UInt64 = 0
        for index in 0..<width { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += width
        return value
    }
}
