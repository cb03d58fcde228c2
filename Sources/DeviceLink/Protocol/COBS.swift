/// Consistent Overhead Byte Stuffing: removes every 0x00 from a frame body so that 0x00 can delimit frames
/// (docs/protocol.md §1). Overhead: one code byte per 254 data bytes plus one.
public enum COBS {
    /// Why a COBS body could not be decoded.
    public enum DecodeError: Error, Equatable, Sendable {
        /// A 0x00 inside the body (only the delimiter may be zero).
        case zeroByteInBody(offset: Int)
        /// A code byte promises more data bytes than the body holds.
        case truncatedBlock(offset: Int)
    }

    /// Largest encoded size (without delimiter) of a body of `rawBytes` bytes.
    public static func maxEncodedBytes(rawBytes: Int) -> Int { rawBytes + rawBytes / 254 + 1 }

    /// Encodes `raw`; the result contains no 0x00 and has no delimiter appended.
    public static func encode(_ raw: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(maxEncodedBytes(rawBytes: raw.count))
        var codeIndex = out.count
        out.append(0)
        var code: UInt8 = 1
        for byte in raw {
            if byte == 0 {
                out[codeIndex] = code
                codeIndex = out.count
                out.append(0)
                code = 1
            } else {
                out.append(byte)
                code += 1
                if code == 0xFF {
                    out[codeIndex] = code
                    codeIndex = out.count
                    out.append(0)
                    code = 1
                }
            }
        }
        out[codeIndex] = code
        return out
    }

    /// Decodes one frame body (the bytes between two delimiters, delimiter excluded).
    public static func decode(_ encoded: some Collection<UInt8>) throws(DecodeError) -> [UInt8] {
        let body = Array(encoded)
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var index = 0
        while index < body.count {
            let code = Int(body[index])
            if code == 0 { throw .zeroByteInBody(offset: index) }
            let end = index + code
            if end > body.count { throw .truncatedBlock(offset: index) }
            for position in (index + 1)..<end {
                let byte = body[position]
                if byte == 0 { throw .zeroByteInBody(offset: position) }
                out.append(byte)
            }
            index = end
            if code != 0xFF && index < body.count { out.append(0) }
        }
        return out
    }
}
