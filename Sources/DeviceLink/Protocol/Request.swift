/// Where LOAD_BEGIN asks the board to keep the model.
public enum ModelStorage: UInt8, Sendable {
    case ram = 0
    case flash = 1
}

/// What RESET does.
public enum ResetKind: UInt8, Sendable {
    /// Forget the model and statistics.
    case forgetModel = 0
    /// Reboot the board (the reply comes first).
    case reboot = 1
    /// Reboot into the board's USB bootloader (RP2040: the RPI-RP2 drive that takes a UF2), for boards whose HELLO
    /// says ``HelloReply/hasUSBBootloader``; the board stops answering on the serial line.
    case bootloader = 2
}

/// PROFILE's use of the measurement marker (v2).
public enum ProfileMarkerMode: UInt8, Sendable {
    /// The marker stays as it is.
    case off = 0
    /// The marker flips at the start of every operator (high during operators 0, 2, 4 …) and ends low, so a
    /// power meter's logic input splits the energy trace into one segment per operator.
    case perOperator = 1
}

/// What INFER_BATCH returns per input.
public enum BatchResultMode: UInt8, Sendable {
    /// Every output tensor byte.
    case fullOutput = 0
    /// Index and value of the largest output element.
    case top1 = 1
}

/// A host → board command with its payload (docs/protocol.md §2).
public enum Request: Equatable, Sendable {
    case hello(hostProtocolVersion: UInt8)
    case loadBegin(modelBytes: UInt32, modelCRC32: UInt32, storage: ModelStorage, slot: UInt8 = 0)
    case loadChunk(offset: UInt32, bytes: [UInt8])
    case loadEnd
    /// An empty `input` runs the input staged by `inputChunk`.
    case infer(input: [UInt8])
    /// All inputs have the model's input size.
    case inferBatch(mode: BatchResultMode, inputs: [[UInt8]])
    case profile(input: [UInt8], markerMode: ProfileMarkerMode = .off)
    case marker(level: UInt8)
    case reset(ResetKind)
    case runWindow(inferences: UInt32, input: [UInt8])
    case inputChunk(offset: UInt32, bytes: [UInt8])
    case outputChunk(offset: UInt32, count: UInt16)
    case select(slot: UInt8)
    case setBaud(UInt32)

    public var type: MessageType {
        switch self {
        case .hello: .hello
        case .loadBegin: .loadBegin
        case .loadChunk: .loadChunk
        case .loadEnd: .loadEnd
        case .infer: .infer
        case .inferBatch: .inferBatch
        case .profile: .profile
        case .marker: .marker
        case .reset: .reset
        case .runWindow: .runWindow
        case .inputChunk: .inputChunk
        case .outputChunk: .outputChunk
        case .select: .select
        case .setBaud: .setBaud
        }
    }

    public var payload: [UInt8] {
        var writer = ByteWriter()
        switch self {
        case let .hello(version): writer.u8(version)
        case let .loadBegin(modelBytes, crc, storage, slot):
            writer.u32(modelBytes)
            writer.u32(crc)
            writer.u8(storage.rawValue)
            writer.u8(slot)
        case let .loadChunk(offset, bytes):
            writer.u32(offset)
            writer.raw(bytes)
        case .loadEnd: break
        case let .infer(input): writer.raw(input)
        case let .profile(input, markerMode):
            writer.u8(markerMode.rawValue)
            writer.raw(input)
        case let .inferBatch(mode, inputs):
            writer.u8(mode.rawValue)
            writer.u16(UInt16(truncatingIfNeeded: inputs.count))
            for input in inputs { writer.raw(input) }
        case let .marker(level): writer.u8(level)
        case let .reset(kind): writer.u8(kind.rawValue)
        case let .runWindow(inferences, input):
            writer.u32(inferences)
            writer.raw(input)
        case let .inputChunk(offset, bytes):
            writer.u32(offset)
            writer.raw(bytes)
        case let .outputChunk(offset, count):
            writer.u32(offset)
            writer.u16(count)
        case let .select(slot): writer.u8(slot)
        case let .setBaud(baud): writer.u32(baud)
        }
        return writer.bytes
    }

    /// Payload bytes of an INFER_BATCH request with `count` inputs of `inputBytes` each.
    public static func inferBatchPayloadBytes(count: Int, inputBytes: Int) -> Int { 3 + count * inputBytes }

    /// Parses a request (what a board does; used by the in-process test board).
    /// `inputBytes` is needed to split an INFER_BATCH payload.
    public init(type rawType: UInt8, payload: [UInt8], inputBytes: Int? = nil) throws(ProtocolError) {
        guard let type = MessageType(rawValue: rawType), type != .error else { throw .unknownMessageType(rawType) }
        var reader = ByteReader(payload, message: type.description)
        switch type {
        case .hello: self = .hello(hostProtocolVersion: try reader.u8("host_protocol_version"))
        case .loadBegin:
            let size = try reader.u32("model_bytes")
            let crc = try reader.u32("model_crc32")
            let raw = try reader.u8("storage")
            guard let storage = ModelStorage(rawValue: raw) else {
                throw .invalidValue(message: "LOAD_BEGIN", field: "storage", value: Int64(raw))
            }
            self = .loadBegin(modelBytes: size, modelCRC32: crc, storage: storage, slot: try reader.u8("slot"))
        case .loadChunk: self = .loadChunk(offset: try reader.u32("offset"), bytes: reader.rest())
        case .loadEnd: self = .loadEnd
        case .infer: self = .infer(input: reader.rest())
        case .profile:
            let raw = try reader.u8("marker_mode")
            guard let mode = ProfileMarkerMode(rawValue: raw) else {
                throw .invalidValue(message: "PROFILE", field: "marker_mode", value: Int64(raw))
            }
            self = .profile(input: reader.rest(), markerMode: mode)
        case .inferBatch:
            let raw = try reader.u8("result_mode")
            guard let mode = BatchResultMode(rawValue: raw) else {
                throw .invalidValue(message: "INFER_BATCH", field: "result_mode", value: Int64(raw))
            }
            let count = Int(try reader.u16("count"))
            let each = inputBytes ?? (count == 0 ? 0 : reader.remaining / count)
            var inputs: [[UInt8]] = []
            for index in 0..<count { inputs.append(try reader.raw("input \(index)", count: each)) }
            self = .inferBatch(mode: mode, inputs: inputs)
        case .marker: self = .marker(level: try reader.u8("level"))
        case .reset:
            let raw = try reader.u8("what")
            guard let kind = ResetKind(rawValue: raw) else {
                throw .invalidValue(message: "RESET", field: "what", value: Int64(raw))
            }
            self = .reset(kind)
        case .runWindow: self = .runWindow(inferences: try reader.u32("inferences"), input: reader.rest())
        case .inputChunk: self = .inputChunk(offset: try reader.u32("offset"), bytes: reader.rest())
        case .outputChunk: self = .outputChunk(offset: try reader.u32("offset"), count: try reader.u16("count"))
        case .select: self = .select(slot: try reader.u8("slot"))
        case .setBaud: self = .setBaud(try reader.u32("baud"))
        case .error: throw .unknownMessageType(rawType)
        }
    }
}
