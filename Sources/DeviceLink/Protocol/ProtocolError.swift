/// A frame or payload that does not follow docs/protocol.md. On the wire such frames are dropped silently;
/// these errors surface when a *valid* frame carries a payload the host cannot interpret.
public enum ProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A payload ended before `field` could be read.
    case truncatedPayload(message: String, field: String, offset: Int, payloadBytes: Int)
    /// A field holds a value the protocol does not define.
    case invalidValue(message: String, field: String, value: Int64)
    /// A frame type the host does not know.
    case unknownMessageType(UInt8)
    /// A payload is too large for one frame (`max_payload`).
    case payloadTooLarge(bytes: Int, maxPayloadBytes: Int)

    public var description: String {
        switch self {
        case let .truncatedPayload(message, field, offset, payloadBytes):
            "\(message) payload of \(payloadBytes) bytes ends at offset \(offset) before field '\(field)': host and firmware disagree on the protocol; rebuild the firmware from this checkout."
        case let .invalidValue(message, field, value):
            "\(message) field '\(field)' has undefined value \(value): host and firmware disagree on the protocol; rebuild the firmware from this checkout."
        case let .unknownMessageType(type):
            "unknown message type 0x\(String(type, radix: 16)): host and firmware disagree on the protocol; rebuild the firmware from this checkout."
        case let .payloadTooLarge(bytes, maxPayloadBytes):
            "a payload of \(bytes) bytes exceeds the frame limit of \(maxPayloadBytes) bytes; send it in smaller pieces."
        }
    }
}
