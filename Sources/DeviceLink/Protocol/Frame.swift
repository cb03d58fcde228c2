/// One protocol frame: `header | payload | crc32`, COBS-encoded and terminated by 0x00 on the wire
/// (docs/protocol.md §1).
public struct Frame: Equatable, Sendable {
    /// The protocol version this implementation speaks (first header byte).
    public static let protocolVersion: UInt8 = 2
    /// Header versions a receiver accepts: its own, and version 1, whose only use is a v1 board's VERSION_MISMATCH
    /// error (the `Device` turns any frame of another version into `DeviceError.versionMismatch`).
    public static let acceptedVersions: ClosedRange<UInt8> = 1...2
    /// `u8 version | u8 type | u16 sequence | u16 payload_length`.
    public static let headerBytes = 6
    /// The trailing CRC-32.
    public static let checksumBytes = 4
    /// Largest payload a u16 length can describe.
    public static let absoluteMaxPayloadBytes = Int(UInt16.max)
    /// Payload limit before HELLO has told the host the board's `max_payload`.
    public static let preHelloMaxPayloadBytes = 256

    public var version: UInt8
    public var type: UInt8
    public var sequence: UInt16
    public var payload: [UInt8]

    public init(type: UInt8, sequence: UInt16, payload: [UInt8] = [], version: UInt8 = Frame.protocolVersion) {
        self.version = version
        self.type = type
        self.sequence = sequence
        self.payload = payload
    }

    /// Header, payload and CRC before COBS.
    public var rawBytes: [UInt8] {
        var writer = ByteWriter(capacity: payload.count + Self.headerBytes + Self.checksumBytes)
        writer.u8(version)
        writer.u8(type)
        writer.u16(sequence)
        writer.u16(UInt16(truncatingIfNeeded: payload.count))
        writer.raw(payload)
        writer.u32(CRC32.checksum(writer.bytes))
        return writer.bytes
    }

    /// The bytes to put on the wire: COBS body plus the 0x00 delimiter.
    public var wireBytes: [UInt8] {
        precondition(payload.count <= Self.absoluteMaxPayloadBytes, "payload larger than a u16 length")
        var out = COBS.encode(rawBytes)
        out.append(0)
        return out
    }

    /// Wire size of a frame carrying `payloadBytes` (COBS worst case, delimiter included).
    public static func wireBytes(payloadBytes: Int) -> Int {
        COBS.maxEncodedBytes(rawBytes: payloadBytes + headerBytes + checksumBytes) + 1
    }

    /// Why received bytes did not form a frame. Receivers drop such frames and count them.
    public enum DecodeError: Error, Equatable, Sendable {
        case cobs(COBS.DecodeError)
        /// Fewer bytes than a header and a CRC.
        case tooShort(bytes: Int)
        /// `payload_length + 10` differs from the decoded length.
        case lengthMismatch(declaredPayloadBytes: Int, decodedBytes: Int)
        case checksumMismatch(expected: UInt32, computed: UInt32)
        case unsupportedVersion(UInt8)
    }

    /// Decodes one COBS body (delimiter excluded) and checks length, CRC and version.
    public init(cobsBody: some Collection<UInt8>) throws(DecodeError) {
        let raw: [UInt8]
        do { raw = try COBS.decode(cobsBody) } catch { throw .cobs(error) }
        try self.init(rawBytes: raw)
    }

    /// Checks and parses `header | payload | crc32`.
    public init(rawBytes raw: [UInt8]) throws(DecodeError) {
        let overhead = Self.headerBytes + Self.checksumBytes
        guard raw.count >= overhead else { throw .tooShort(bytes: raw.count) }
        let declared = Int(raw[4]) | Int(raw[5]) << 8
        guard declared + overhead == raw.count else {
            throw .lengthMismatch(declaredPayloadBytes: declared, decodedBytes: raw.count)
        }
        let body = raw[0..<(raw.count - 4)]
        let tail = raw[(raw.count - 4)...].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let computed = CRC32.checksum(body)
        guard computed == tail else { throw .checksumMismatch(expected: tail, computed: computed) }
        guard Self.acceptedVersions.contains(raw[0]) else { throw .unsupportedVersion(raw[0]) }
        self.init(
            type: raw[1], sequence: UInt16(raw[2]) | UInt16(raw[3]) << 8,
            payload: Array(raw[Self.headerBytes..<(raw.count - 4)]), version: raw[0])
    }
}
