/// Frame types of protocol version 2 (docs/protocol.md §2). A reply's type is the request's type | 0x80.
public enum MessageType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case hello = 0x01
    case loadBegin = 0x02
    case loadChunk = 0x03
    case loadEnd = 0x04
    case infer = 0x05
    case inferBatch = 0x06
    case profile = 0x07
    case marker = 0x08
    case reset = 0x09
    case runWindow = 0x0A
    /// v2: part of an input larger than one frame, staged on the board.
    case inputChunk = 0x0B
    /// v2: part of the last inference's outputs.
    case outputChunk = 0x0C
    /// v2: prepares the model held in a slot.
    case select = 0x0D
    /// v2: switches the serial line's rate after the reply.
    case setBaud = 0x0E
    /// Board → host only.
    case error = 0x7F

    public static let replyBit: UInt8 = 0x80

    /// The type byte of this request's successful reply.
    public var replyType: UInt8 { rawValue | Self.replyBit }

    public var description: String {
        switch self {
        case .hello: "HELLO"
        case .loadBegin: "LOAD_BEGIN"
        case .loadChunk: "LOAD_CHUNK"
        case .loadEnd: "LOAD_END"
        case .infer: "INFER"
        case .inferBatch: "INFER_BATCH"
        case .profile: "PROFILE"
        case .marker: "MARKER"
        case .reset: "RESET"
        case .runWindow: "RUN_WINDOW"
        case .inputChunk: "INPUT_CHUNK"
        case .outputChunk: "OUTPUT_CHUNK"
        case .select: "SELECT"
        case .setBaud: "SET_BAUD"
        case .error: "ERROR"
        }
    }
}
