/// Codes of the ERROR frame (docs/protocol.md §3).
public enum BoardErrorCode: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    case unknownCommand = 1
    case badLength = 2
    case badState = 3
    case modelTooLarge = 4
    case checksumMismatch = 5
    case modelInvalid = 6
    case unsupportedOperator = 7
    case unsupportedType = 8
    case arenaTooSmall = 9
    case inputSizeMismatch = 10
    case chunkOutOfOrder = 11
    case versionMismatch = 12
    case engineFailure = 13
    case batchTooLarge = 14
    /// v2: RUN_WINDOW asked for more than HELLO's max_window_inferences (needed = asked, available = maximum).
    case windowTooLong = 15
    /// v2: SET_BAUD with a rate the board cannot produce (needed = the rate).
    case baudUnsupported = 16

    public var description: String {
        switch self {
        case .unknownCommand: "UNKNOWN_COMMAND"
        case .badLength: "BAD_LENGTH"
        case .badState: "BAD_STATE"
        case .modelTooLarge: "MODEL_TOO_LARGE"
        case .checksumMismatch: "CHECKSUM_MISMATCH"
        case .modelInvalid: "MODEL_INVALID"
        case .unsupportedOperator: "UNSUPPORTED_OPERATOR"
        case .unsupportedType: "UNSUPPORTED_TYPE"
        case .arenaTooSmall: "ARENA_TOO_SMALL"
        case .inputSizeMismatch: "INPUT_SIZE_MISMATCH"
        case .chunkOutOfOrder: "CHUNK_OUT_OF_ORDER"
        case .versionMismatch: "VERSION_MISMATCH"
        case .engineFailure: "ENGINE_FAILURE"
        case .batchTooLarge: "BATCH_TOO_LARGE"
        case .windowTooLong: "WINDOW_TOO_LONG"
        case .baudUnsupported: "BAUD_UNSUPPORTED"
        }
    }
}

/// The payload of an ERROR frame (type 0x7F), as sent by the board.
public struct ErrorReply: Equatable, Sendable {
    /// Raw code; `knownCode` maps it when this host knows it.
    public var code: UInt16
    public var detail0: Int32
    public var detail1: Int32
    public var needed: UInt32
    public var available: UInt32
    public var message: String

    public var knownCode: BoardErrorCode? { BoardErrorCode(rawValue: code) }

    public init(
        code: BoardErrorCode, detail0: Int32 = -1, detail1: Int32 = -1, needed: UInt32 = 0, available: UInt32 = 0,
        message: String = ""
    ) {
        self.code = code.rawValue
        self.detail0 = detail0
        self.detail1 = detail1
        self.needed = needed
        self.available = available
        self.message = message
    }

    public init(payload: [UInt8]) throws(ProtocolError) {
        var reader = ByteReader(payload, message: "ERROR")
        code = try reader.u16("code")
        detail0 = try reader.i32("detail0")
        detail1 = try reader.i32("detail1")
        needed = try reader.u32("needed")
        available = try reader.u32("available")
        message = try reader.string("message")
    }

    public var payload: [UInt8] {
        var writer = ByteWriter()
        writer.u16(code)
        writer.i32(detail0)
        writer.i32(detail1)
        writer.u32(needed)
        writer.u32(available)
        writer.string(message)
        return writer.bytes
    }
}
