/// Everything that can go wrong talking to a board, each case saying what to do about it.
/// Board-reported ERROR frames map to one case per code (docs/protocol.md §3).
public enum DeviceError: Error, Equatable, Sendable, CustomStringConvertible {
    // Link problems.
    case openFailed(TransportError)
    /// The transport closed: USB unplugged or reset, socket closed, emulator exited.
    case boardVanished(endpoint: String)
    /// No valid reply within the timeout, after every allowed attempt.
    case timedOut(command: String, endpoint: String, timeoutSeconds: Double, attempts: Int)
    /// HELLO reported a different boot count than before: the board rebooted and lost its model.
    case boardRebooted(endpoint: String, previousBootCount: UInt32, bootCount: UInt32)
    /// Another process holds the board's lock.
    case boardBusy(endpoint: String, holderPID: Int32?, lockPath: String)
    /// The lock file could not be created.
    case lockFailed(path: String, errno: Int32)
    /// The lock directory or file is not safely this user's (a planted symlink, another owner, open to others).
    case lockUnsafe(LockFileError)
    /// A valid frame whose payload the host cannot interpret.
    case protocolViolation(ProtocolError)
    /// The transport failed in another way.
    case transportFailed(TransportError)

    // Host-side checks before anything is sent.
    /// INFER/PROFILE/… before `load`.
    case noModelLoaded
    /// `hello()` has not succeeded yet.
    case notIntroduced
    /// A model larger than the board's HELLO capacity: refused before upload.
    case modelTooLarge(modelBytes: Int, capacityBytes: Int, board: String)
    /// A single input does not fit in one frame.
    case inputTooLargeForFrame(inputBytes: Int, maxPayloadBytes: Int)

    // Board ERROR frames, one case per code.
    case unknownCommand(type: Int32)
    case badLength(command: String, expectedBytes: Int, gotBytes: Int)
    case badState(command: String, message: String)
    case checksumMismatch(announced: UInt32, computed: UInt32)
    case modelInvalid(engineStatus: Int32, message: String)
    case unsupportedOperator(operatorIndex: Int32, builtinCode: Int32, message: String)
    case unsupportedType(operatorIndex: Int32, tensorIndex: Int32, message: String)
    case arenaTooSmall(neededBytes: Int, availableBytes: Int)
    case inputSizeMismatch(expectedBytes: Int, gotBytes: Int)
    case chunkOutOfOrder(expectedOffset: Int, gotOffset: Int)
    case versionMismatch(boardProtocolVersion: Int32, hostProtocolVersion: Int32)
    case engineFailure(engineStatus: Int32, operatorIndex: Int32, message: String)
    case batchTooLarge(message: String)
    case windowTooLong(requestedInferences: Int, maximumInferences: Int)
    case baudUnsupported(baud: Int, message: String)
    /// An ERROR code this host does not know (newer firmware).
    case unknownBoardError(code: UInt16, message: String)

    /// Maps a board ERROR frame to its case.
    init(board reply: ErrorReply, command: MessageType) {
        let message = reply.message
        switch reply.knownCode {
        case .unknownCommand?: self = .unknownCommand(type: reply.detail0)
        case .badLength?:
            self = .badLength(command: command.description, expectedBytes: Int(reply.needed), gotBytes: Int(reply.available))
        case .badState?: self = .badState(command: command.description, message: message)
        case .modelTooLarge?:
            self = .modelTooLarge(modelBytes: Int(reply.needed), capacityBytes: Int(reply.available), board: "board")
        case .checksumMismatch?: self = .checksumMismatch(announced: reply.needed, computed: reply.available)
        case .modelInvalid?: self = .modelInvalid(engineStatus: reply.detail0, message: message)
        case .unsupportedOperator?:
            self = .unsupportedOperator(operatorIndex: reply.detail0, builtinCode: reply.detail1, message: message)
        case .unsupportedType?: self = .unsupportedType(operatorIndex: reply.detail0, tensorIndex: reply.detail1, message: message)
        case .arenaTooSmall?: self = .arenaTooSmall(neededBytes: Int(reply.needed), availableBytes: Int(reply.available))
        case .inputSizeMismatch?: self = .inputSizeMismatch(expectedBytes: Int(reply.needed), gotBytes: Int(reply.available))
        case .chunkOutOfOrder?: self = .chunkOutOfOrder(expectedOffset: Int(reply.needed), gotOffset: Int(reply.available))
        case .versionMismatch?:
            self = .versionMismatch(boardProtocolVersion: reply.detail0, hostProtocolVersion: Int32(Frame.protocolVersion))
        case .engineFailure?: self = .engineFailure(engineStatus: reply.detail0, operatorIndex: reply.detail1, message: message)
        case .batchTooLarge?: self = .batchTooLarge(message: message)
        case .windowTooLong?:
            self = .windowTooLong(requestedInferences: Int(reply.needed), maximumInferences: Int(reply.available))
        case .baudUnsupported?: self = .baudUnsupported(baud: Int(reply.needed), message: message)
        case nil: self = .unknownBoardError(code: reply.code, message: message)
        }
    }

    public var description: String {
        switch self {
        case let .openFailed(error): error.description
        case let .boardVanished(endpoint):
            "the board at \(endpoint) disconnected (USB reset, unplugged, or the emulator exited). Reconnect it and retry; boards are best chosen by USB serial number ('tinyhil devices'), which survives re-enumeration."
        case let .timedOut(command, endpoint, seconds, attempts):
            "\(command) to \(endpoint) got no valid reply within \(seconds) s (\(attempts) attempt\(attempts == 1 ? "" : "s")). Check that the board runs TinyHIL firmware and nothing else uses the port; power-cycle it if it hangs."
        case let .boardRebooted(endpoint, previous, now):
            "the board at \(endpoint) rebooted (boot count \(previous) → \(now)) and lost its model: check its power supply and for firmware crashes, then load the model again."
        case let .boardBusy(endpoint, pid, path):
            "the board at \(endpoint) is in use by \(pid.map { "process \($0)" } ?? "another process") (lock \(path)). Wait for it to finish or stop it; two tests must not share a board."
        case let .lockFailed(path, errno):
            "cannot create the board lock \(path) (errno \(errno)): check that the directory is writable."
        case let .lockUnsafe(error): error.description
        case let .protocolViolation(error): error.description
        case let .transportFailed(error): error.description
        case .noModelLoaded: "no model is loaded on the board: call load(model) first."
        case .notIntroduced: "the board has not answered HELLO yet: call hello() first."
        case let .modelTooLarge(modelBytes, capacityBytes, board):
            "the model is \(modelBytes) bytes but \(board) accepts at most \(capacityBytes) bytes (\(modelBytes - capacityBytes) bytes too many). Prune or quantise it further, or use a board with more model storage."
        case let .inputSizeMismatch(expected, got):
            "the input is \(got) bytes but the model expects \(expected) bytes: check the input's shape and type (int8 models take int8 inputs)."
        case let .inputTooLargeForFrame(inputBytes, maxPayloadBytes):
            "one input of \(inputBytes) bytes does not fit a frame of \(maxPayloadBytes) payload bytes; send it with INPUT_CHUNK (Device.infer does so when the board can stage the input)."
        case let .unknownCommand(type):
            "the board does not know command 0x\(String(type, radix: 16)): update its firmware to match this host."
        case let .badLength(command, expected, got):
            "the board rejected \(command): payload of \(got) bytes, expected \(expected). Host and firmware disagree on the protocol; rebuild the firmware."
        case let .badState(command, message):
            "the board cannot do \(command) now (\(message)): load a model first, or restart the upload."
        case let .checksumMismatch(announced, computed):
            "the uploaded model's CRC-32 is 0x\(String(computed, radix: 16)) but 0x\(String(announced, radix: 16)) was announced: bytes were lost on the link; retry the upload."
        case let .modelInvalid(status, message):
            "the board's engine rejected the model (status \(status)): \(message). Check the file with 'tinyhil inspect'."
        case let .unsupportedOperator(index, code, message):
            "operator \(index) (builtin code \(code)\(message.isEmpty ? "" : ", \(message)")) is not supported by the board's engine: replace it in the model or add a kernel to firmware/engine."
        case let .unsupportedType(index, tensor, message):
            "operator \(index) uses tensor \(tensor) with a type the board's engine does not support\(message.isEmpty ? "" : " (\(message))"): quantise the model to int8 or float32."
        case let .arenaTooSmall(needed, available):
            "the model needs a \(needed)-byte tensor arena but the board has \(available) bytes (\(needed - available) too few): shrink the model's activations or use a board with more RAM."
        case let .chunkOutOfOrder(expected, got):
            "the board expected model bytes at offset \(expected) but got \(got): the upload lost its place; load the model again."
        case let .versionMismatch(board, host):
            "the board speaks protocol version \(board), this host version \(host): rebuild and flash the firmware from this checkout."
        case let .engineFailure(status, index, message):
            "the board's engine failed at operator \(index) (status \(status)): \(message)."
        case let .batchTooLarge(message):
            "the board refused the batch (\(message)): send fewer inputs per frame."
        case let .windowTooLong(requested, maximum):
            "the board runs at most \(maximum) inferences per RUN_WINDOW (asked for \(requested)): split the measurement into several windows."
        case let .baudUnsupported(baud, message):
            "the board cannot switch its serial line to \(baud) baud (\(message)): use a rate its clock divides exactly, e.g. 1000000 on a Pico."
        case let .unknownBoardError(code, message):
            "the board reported error code \(code) (\(message)), unknown to this host: update TinyHIL."
        }
    }
}
