import DeviceLink
import Foundation

/// An in-process stand-in for the firmware, for Device and Bench tests that need no QEMU: follows docs/protocol.md
/// for HELLO, LOAD_*, INFER (output = input bytes reversed, truncated/padded to the output size), INFER_BATCH,
/// MARKER, RESET, RUN_WINDOW and PROFILE, with the duplicate-suppression rule. It records every request it executes.
///
/// Its counter is a cost model simple enough to compute by hand: one inference of a loaded model counts
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

        public init(
            modelCapacityBytes: UInt32 = 4096, maxPayloadBytes: UInt16 = 1024, maxOutstanding: UInt8 = 3,
            inputBytes: UInt32 = 16, outputBytes: UInt32 = 4, dropReplyNumbers: Set<Int> = [],
            counterPerModelByte: UInt64 = 100, counterUnit: CounterUnit = .instructions
        ) {
            self.modelCapacityBytes = modelCapacityBytes
            self.maxPayloadBytes = maxPayloadBytes
            self.maxOutstanding = maxOutstanding
            self.inputBytes = inputBytes
            self.outputBytes = outputBytes
            self.dropReplyNumbers = dropReplyNumbers
            self.counterPerModelByte = counterPerModelByte
            self.counterUnit = counterUnit
        }
    }

    private let transport: InProcessTransport
    private var options: Options
    private var decoder = FrameDecoder()
    private var previous: (type: UInt8, sequence: UInt16, reply: [UInt8])?
    private var received: [UInt8] = []
    private var loaded = false
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
        loaded = false
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
                if let previous, previous.type == frame.type, previous.sequence == frame.sequence {
                    wire = previous.reply
                } else {
                    let (type, payload) = execute(frame)
                    wire = Frame(type: type, sequence: frame.sequence, payload: payload).wireBytes
                    previous = (frame.type, frame.sequence, wire)
                }
                if options.dropReplyNumbers.contains(requestCount) { continue }
                try? await transport.write(wire)
            }
        }
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
                firmwareVersion: "fake", buildID: "test", boardName: "fake-board", engineVersion: "0.1.0", supportedOperators: [3])
            return (reply, hello.payload)
        case let .loadBegin(size, _, _):
            guard size <= options.modelCapacityBytes else {
                return (0x7F, ErrorReply(code: .modelTooLarge, needed: size, available: options.modelCapacityBytes).payload)
            }
            received = []
            loaded = false
            return (reply, LoadBeginReply(capacityBytes: options.modelCapacityBytes, chunkBytes: 100).payload)
        case let .loadChunk(offset, bytes):
            if offset == received.count { received += bytes }
            return (reply, LoadChunkReply(bytesReceived: UInt32(received.count)).payload)
        case .loadEnd:
            loaded = true
            loadedModelSizes.append(received.count)
            let input = BoardTensorDescription(type: 9, dims: [1, Int32(options.inputBytes)], scale: 1, zeroPoint: 0, bytes: options.inputBytes)
            let output = BoardTensorDescription(type: 9, dims: [1, Int32(options.outputBytes)], scale: 1, zeroPoint: 0, bytes: options.outputBytes)
            let info = ModelInfo(
                modelCRC32: CRC32.checksum(received), arenaHeadBytes: 100, arenaUsedBytes: 200, operatorCount: 1,
                inputs: [input], outputs: [output])
            return (reply, info.payload)
        case let .infer(input):
            guard loaded else { return (0x7F, ErrorReply(code: .badState, message: "no model").payload) }
            guard input.count == options.inputBytes else {
                return (0x7F, ErrorReply(code: .inputSizeMismatch, needed: options.inputBytes, available: UInt32(input.count)).payload)
            }
            return (reply, InferReply(counter: 1000, micros: 10, output: fakeOutput(input)).payload)
        case let .inferBatch(mode, inputs):
            guard loaded else { return (0x7F, ErrorReply(code: .badState, message: "no model").payload) }
            let results: [BatchItemResult] = inputs.map { input in
                let output = fakeOutput(input)
                switch mode {
                case .fullOutput: return .fullOutput(counter: 1000, output: output)
                case .top1:
                    let best = output.indices.max { Int8(bitPattern: output[$0]) < Int8(bitPattern: output[$1]) }!
                    return .top1(counter: 1000, index: UInt16(best), value: Int32(Int8(bitPattern: output[best])))
                }
            }
            return (reply, InferBatchReply(results: results).payload)
        case let .marker(level): return (reply, MarkerReply(level: level).payload)
        case .reset:
            loaded = false
            return (reply, [])
        case let .runWindow(inferences, input):
            guard loaded else { return (0x7F, ErrorReply(code: .badState, message: "no model").payload) }
            guard input.count == options.inputBytes else {
                return (0x7F, ErrorReply(code: .inputSizeMismatch, needed: options.inputBytes, available: UInt32(input.count)).payload)
            }
            let total = counterPerInference * UInt64(inferences)
            return (reply, RunWindowReply(counterTotal: total, microsTotal: UInt32(clamping: total / 25)).payload)
        case let .profile(input):
            guard loaded else { return (0x7F, ErrorReply(code: .badState, message: "no model").payload) }
            guard input.count == options.inputBytes else {
                return (0x7F, ErrorReply(code: .inputSizeMismatch, needed: options.inputBytes, available: UInt32(input.count)).payload)
            }
            let total = counterPerInference
            let conv = total * 3 / 4
            let operators = [OperatorCount(builtinCode: 3, counter: conv), OperatorCount(builtinCode: 9, counter: total - conv)]
            return (reply, ProfileReply(operators: operators, totalCounter: total).payload)
        }
    }

    /// One inference's counter for the loaded model.
    public var counterPerInference: UInt64 { options.counterPerModelByte * UInt64(received.count) }

    /// The fake "model": the input reversed, cut to the output size.
    public nonisolated func fakeOutput(_ input: [UInt8]) -> [UInt8] { Array(input.reversed().prefix(outputBytes)) }
}
