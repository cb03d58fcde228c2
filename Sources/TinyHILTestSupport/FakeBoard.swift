import DeviceLink
import Foundation

/// An in-process stand-in for the firmware, for Device and Bench tests that need no QEMU: follows docs/protocol.md
/// (version 2) for HELLO, LOAD_* into two slots, SELECT, INFER (output = input bytes reversed, truncated/padded to
/// the output size), INPUT_CHUNK/OUTPUT_CHUNK, INFER_BATCH, MARKER, RESET, RUN_WINDOW, PROFILE and SET_BAUD, with the
/// duplicate-suppression rule (sequence, type and CRC). With `protocolVersion: 1` it plays a version 1 board: every
/// version 2 frame gets VERSION_MISMATCH, framed as version 1. It records every request it executes.
///
/// Its counter is a cost model simple enough to compute by hand: one inference of the selected model counts
/// `counterPerModelByte` × the model's size in bytes; PROFILE splits that total over two operators, 3/4 CONV_2D
/// (builtin 3) and the rest FULLY_CONNECTED (builtin 9). `InProcessBoard` serves it as a `Board`.
public actor FakeBoard {
    public struct Options: Sendable {
        public var modelCapacityBytes: UInt32 = 4096
        public var maxPayloadBytes: UInt16 = 1024
        public var maxOutstanding: UInt8 = 3
        public var inputBytes: UInt32 = 16
        public var outputBytes: UInt32 = 4
        /// Replies to drop (by request count, 1-based) to force host retries.
        public var dropReplyNumbers: Set<Int> = []
        /// The counter one inference adds, per byte of the loaded model.
        public var counterPerModelByte: UInt64 = 100
        public var counterUnit: CounterUnit = .instructions
        /// The protocol version the board speaks.
        public var protocolVersion: UInt8 = Frame.protocolVersion
        /// Output size announced in LOAD_END (a hostile board may claim anything); nil = `outputBytes`.
        public var announcedOutputBytes: UInt32? = nil
        /// SET_BAUD: the simulated line, and whether the board manages to switch (it stays at 115200 otherwise).
        public var line: SimulatedSerialLine? = nil
        public var switchesBaud = true
        public var baudConfirmMilliseconds: UInt32 = 100
        /// What HELLO reports as the firmware (a test of the bench's build-id check sets another build).
        public var firmwareVersion = "fake"
        public var buildID = "test"
        public var boardName = "fake-board"

        public init(
            modelCapacityBytes: UInt32 = 4096, maxPayloadBytes: UInt16 = 1024, maxOutstanding: UInt8 = 3,
            inputBytes: UInt32 = 16, outputBytes: UInt32 = 4, dropReplyNumbers: Set<Int> = [],
            counterPerModelByte: UInt64 = 100, counterUnit: CounterUnit = .instructions,
            protocolVersion: UInt8 = Frame.protocolVersion, announcedOutputBytes: UInt32? = nil,
            line: SimulatedSerialLine? = nil, switchesBaud: Bool = true, baudConfirmMilliseconds: UInt32 = 100
        ) {
            self.modelCapacityBytes = modelCapacityBytes
            self.maxPayloadBytes = maxPayloadBytes
            self.maxOutstanding = maxOutstanding
            self.inputBytes = inputBytes
            self.outputBytes = outputBytes
            self.dropReplyNumbers = dropReplyNumbers
            self.counterPerModelByte = counterPerModelByte
            self.counterUnit = counterUnit
            self.protocolVersion = protocolVersion
            self.announcedOutputBytes = announcedOutputBytes
            self.line = line
            self.switchesBaud = switchesBaud
            self.baudConfirmMilliseconds = baudConfirmMilliseconds
        }
    }

    private let transport: InProcessTransport
    private var options: Options
    private var decoder = FrameDecoder()
    private var previous: (type: UInt8, sequence: UInt16, payload: [UInt8], reply: [UInt8])?
    private var received: [UInt8] = []
    private var receivingSlot: UInt8 = 0
    private var slotCRCs: [UInt32?] = [nil, nil]
    private var slotSizes: [Int] = [0, 0]
    private var selected: UInt8?
    private var staged: [UInt8] = []
    private var lastOutput: [UInt8]?
    private var requestCount = 0
    public private(set) var executed: [MessageType] = []
    public private(set) var bootCount: UInt32 = 1
    /// Sizes of the models loaded so far, in order (one entry per completed LOAD_END).
    public private(set) var loadedModelSizes: [Int] = []

    public nonisolated let outputBytes: Int

    public init(transport: InProcessTransport, options: Options = Options()) {
        self.transport = transport
        self.options = options
        self.outputBytes = Int(options.outputBytes)
    }

    /// Simulates a reboot: a new boot count, no model, no duplicate-suppression memory.
    public func reboot() {
        bootCount += 1
        selected = nil
        slotCRCs = [nil, nil]
        previous = nil
    }

    /// Serves requests until the host closes the link.
    public func run() async {
        while true {
            guard let bytes = try? await transport.read(maxBytes: 4096, timeout: .seconds(30)) else { return }
            decoder.append(bytes)
            while let frame = decoder.nextFrame() {
                requestCount += 1
                let wire: [UInt8]
                if frame.version != options.protocolVersion {
                    let error = ErrorReply(
                        code: .versionMismatch, detail0: Int32(options.protocolVersion), detail1: Int32(frame.version))
                    wire = Frame(type: MessageType.error.rawValue, sequence: frame.sequence, payload: error.payload,
                                 version: frame.version).wireBytes
                } else if let previous, previous.type == frame.type, previous.sequence == frame.sequence,
                    previous.payload == frame.payload  // same payload under the same header = same CRC
                {
                    wire = previous.reply
                } else {
                    let (type, payload) = execute(frame)
                    wire = Frame(type: type, sequence: frame.sequence, payload: payload, version: options.protocolVersion).wireBytes
                    previous = (frame.type, frame.sequence, frame.payload, wire)
                }
                if options.dropReplyNumbers.contains(requestCount) { continue }
                if let line = options.line, !(await line.ratesAgree) { continue }  // garbled on the way back
                try? await transport.write(wire)
                if case let .setBaud(baud)? = try? Request(type: frame.type, payload: frame.payload),
                    options.switchesBaud, let line = options.line
                {
                    await line.setBoard(Int(baud))
                }
            }
        }
    }

    /// One inference's counter for the selected model.
    public var counterPerInference: UInt64 {
        options.counterPerModelByte * UInt64(selected.map { slotSizes[Int($0)] } ?? 0)
    }

    private func error(_ code: BoardErrorCode, needed: UInt32 = 0, available: UInt32 = 0) -> (UInt8, [UInt8]) {
        (MessageType.error.rawValue, ErrorReply(code: code, needed: needed, available: available, message: "fake").payload)
    }

    private func modelInfo(slot: UInt8) -> ModelInfo {
        let input = BoardTensorDescription(type: 9, dims: [1, Int32(options.inputBytes)], scale: 1, zeroPoint: 0, bytes: options.inputBytes)
        let announced = options.announcedOutputBytes ?? options.outputBytes
        let output = BoardTensorDescription(type: 9, dims: [1, Int32(truncatingIfNeeded: announced)], scale: 1, zeroPoint: 0, bytes: announced)
        return ModelInfo(
            modelCRC32: slotCRCs[Int(slot)] ?? 0, arenaHeadBytes: 100, arenaUsedBytes: 200, operatorCount: 1,
            inputs: [input], outputs: [output], slot: slot, stagingBytes: options.inputBytes)
    }

    /// The input of INFER/PROFILE/RUN_WINDOW: the request's bytes, or the staged input when there are none.
    private func input(_ given: [UInt8]) -> [UInt8]? {
        let input = given.isEmpty ? staged : given
        return input.count == options.inputBytes ? input : nil
    }

    private func execute(_ frame: Frame) -> (UInt8, [UInt8]) {
        guard let request = try? Request(type: frame.type, payload: frame.payload, inputBytes: Int(options.inputBytes)) else {
            return (MessageType.error.rawValue, ErrorReply(code: .unknownCommand, detail0: Int32(frame.type)).payload)
        }
        executed.append(request.type)
        let reply = request.type.replyType
        switch request {
        case .hello:
            let hello = HelloReply(
                counterUnit: options.counterUnit, maxPayloadBytes: options.maxPayloadBytes, maxOutstanding: options.maxOutstanding,
                flags: 2, cpuHz: 25_000_000, ramBytes: 1 << 20, modelCapacityBytes: options.modelCapacityBytes,
                arenaCapacityBytes: 1 << 16, framesDropped: UInt32(decoder.dropped.total), bootCount: bootCount,
                firmwareVersion: options.firmwareVersion, buildID: options.buildID, boardName: options.boardName, engineVersion: "0.1.0", supportedOperators: [3],
                slotCount: 2, selectedSlot: selected, baudConfirmMilliseconds: options.baudConfirmMilliseconds)
            return (reply, hello.payload)
        case let .loadBegin(size, _, _, slot):
            guard size <= options.modelCapacityBytes else { return error(.modelTooLarge, needed: size, available: options.modelCapacityBytes) }
            guard slot < 2 else { return error(.badState) }
            received = []
            receivingSlot = slot
            slotCRCs[Int(slot)] = nil
            if selected == slot { selected = nil }
            return (reply, LoadBeginReply(capacityBytes: options.modelCapacityBytes, chunkBytes: 100).payload)
        case let .loadChunk(offset, bytes):
            if offset == received.count { received += bytes }
            return (reply, LoadChunkReply(bytesReceived: UInt32(received.count)).payload)
        case .loadEnd:
            slotCRCs[Int(receivingSlot)] = CRC32.checksum(received)
            slotSizes[Int(receivingSlot)] = received.count
            loadedModelSizes.append(received.count)
            selected = receivingSlot
            lastOutput = nil
            return (reply, modelInfo(slot: receivingSlot).payload)
        case let .select(slot):
            guard slot < 2, slotCRCs[Int(slot)] != nil else { return error(.badState) }
            selected = slot
            lastOutput = nil
            return (reply, modelInfo(slot: slot).payload)
        case let .inputChunk(offset, bytes):
            guard selected != nil else { return error(.badState) }
            guard Int(offset) <= staged.count || offset == 0 else { return error(.chunkOutOfOrder, needed: UInt32(staged.count), available: offset) }
            guard Int(offset) + bytes.count <= Int(options.inputBytes) else { return error(.badLength) }
            if offset == 0 { staged = [] }
            staged = Array(staged.prefix(Int(offset))) + bytes
            return (reply, InputChunkReply(bytesStaged: UInt32(staged.count)).payload)
        case let .outputChunk(offset, count):
            guard let lastOutput else { return error(.badState) }
            guard Int(offset) + Int(count) <= lastOutput.count else { return error(.badLength) }
            return (reply, OutputChunkReply(offset: offset, bytes: Array(lastOutput[Int(offset)..<Int(offset) + Int(count)])).payload)
        case let .infer(given):
            guard selected != nil else { return error(.badState) }
            guard let input = input(given) else {
                return error(.inputSizeMismatch, needed: options.inputBytes, available: UInt32(given.count))
            }
            let output = fakeOutput(input)
            lastOutput = output
            let inline = 12 + output.count <= Int(options.maxPayloadBytes)
            return (reply, InferReply(counter: 1000, micros: 10, output: inline ? output : []).payload)
        case let .inferBatch(mode, inputs):
            guard selected != nil else { return error(.badState) }
            let results: [BatchItemResult] = inputs.map { input in
                let output = fakeOutput(input)
                switch mode {
                case .fullOutput: return .fullOutput(counter: 1000, output: output)
                case .top1:
                    let best = output.indices.max { Int8(bitPattern: output[$0]) < Int8(bitPattern: output[$1]) }!
                    return .top1(counter: 1000, index: UInt32(best), value: Int32(Int8(bitPattern: output[best])))
                }
            }
            return (reply, InferBatchReply(results: results).payload)
        case let .marker(level): return (reply, MarkerReply(level: level).payload)
        case .reset:
            selected = nil
            slotCRCs = [nil, nil]
            return (reply, [])
        case let .runWindow(inferences, given):
            guard selected != nil else { return error(.badState) }
            guard input(given) != nil else {
                return error(.inputSizeMismatch, needed: options.inputBytes, available: UInt32(given.count))
            }
            let total = counterPerInference * UInt64(inferences)
            return (reply, RunWindowReply(counterTotal: total, microsTotal: UInt32(clamping: total / 25),
                                          inferencesRun: inferences, stopReason: .complete).payload)
        case let .profile(given, markerMode):
            guard selected != nil else { return error(.badState) }
            guard input(given) != nil else {
                return error(.inputSizeMismatch, needed: options.inputBytes, available: UInt32(given.count))
            }
            let total = counterPerInference
            let conv = total * 3 / 4
            let operators = [OperatorCount(builtinCode: 3, counter: conv), OperatorCount(builtinCode: 9, counter: total - conv)]
            return (reply, ProfileReply(operators: operators, totalCounter: total, markerMode: markerMode).payload)
        case let .setBaud(baud):
            return (reply, SetBaudReply(baud: baud, confirmMilliseconds: options.baudConfirmMilliseconds).payload)
        }
    }

    /// The fake "model": the input reversed, cut to (or zero-padded to) the output size.
    public nonisolated func fakeOutput(_ input: [UInt8]) -> [UInt8] {
        let reversed = Array(input.reversed().prefix(outputBytes))
        return reversed + [UInt8](repeating: 0, count: outputBytes - reversed.count)
    }
}
