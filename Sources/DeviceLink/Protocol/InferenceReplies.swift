/// INFER reply: the board's counter over `th_invoke`, wall time, and the output tensor bytes.
public struct InferReply: Equatable, Sendable {
    /// In the unit HELLO's `counter_unit` names.
    public var counter: UInt64
    public var micros: UInt32
    public var output: [UInt8]

    public init(counter: UInt64, micros: UInt32, output: [UInt8]) {
        self.counter = counter
        self.micros = micros
        self.output = output
    }

    public init(payload: [UInt8]) throws(ProtocolError) {
        var reader = ByteReader(payload, message: "INFER reply")
        counter = try reader.u64("counter")
        micros = try reader.u32("micros")
        output = reader.rest()
    }

    public var payload: [UInt8] {
        var writer = ByteWriter()
        writer.u64(counter)
        writer.u32(micros)
        writer.raw(output)
        return writer.bytes
    }
}

/// One input's result inside an INFER_BATCH reply.
public enum BatchItemResult: Equatable, Sendable {
    case fullOutput(counter: UInt64, output: [UInt8])
    /// `index` is the largest element of output 0 (lowest index on ties); `value` is that element as stored,
    /// widened to i32 for integer types, or the IEEE-754 bit pattern for FLOAT32 (docs/protocol.md §7).
    case top1(counter: UInt64, index: UInt32, value: Int32)

    public var counter: UInt64 {
        switch self {
        case let .fullOutput(counter, _), let .top1(counter, _, _): counter
        }
    }
}

/// INFER_BATCH reply.
public struct InferBatchReply: Equatable, Sendable {
    public var results: [BatchItemResult]

    public init(results: [BatchItemResult]) { self.results = results }

    /// `outputBytes` (from the model info) splits mode-0 outputs.
    public init(payload: [UInt8], mode: BatchResultMode, outputBytes: Int) throws(ProtocolError) {
        var reader = ByteReader(payload, message: "INFER_BATCH reply")
        let count = Int(try reader.u16("count"))
        var results: [BatchItemResult] = []
        results.reserveCapacity(count)
        for index in 0..<count {
            let counter = try reader.u64("counter \(index)")
            switch mode {
            case .fullOutput:
                results.append(.fullOutput(counter: counter, output: try reader.raw("output \(index)", count: outputBytes)))
            case .top1:
                let top = try reader.u32("top1_index \(index)")
                results.append(.top1(counter: counter, index: top, value: try reader.i32("top1_value \(index)")))
            }
        }
        self.results = results
    }

    public var payload: [UInt8] {
        var writer = ByteWriter()
        writer.u16(UInt16(truncatingIfNeeded: results.count))
        for result in results {
            switch result {
            case let .fullOutput(counter, output):
                writer.u64(counter)
                writer.raw(output)
            case let .top1(counter, index, value):
                writer.u64(counter)
                writer.u32(index)
                writer.i32(value)
            }
        }
        return writer.bytes
    }

    /// Reply payload bytes for `count` results.
    public static func payloadBytes(count: Int, mode: BatchResultMode, outputBytes: Int) -> Int {
        2 + count * (mode == .fullOutput ? 8 + outputBytes : 8 + 4 + 4)
    }
}

/// One operator's share of a PROFILE run.
public struct OperatorCount: Equatable, Sendable {
    public var builtinCode: Int32
    /// In the board's counter unit.
    public var counter: UInt64

    public init(builtinCode: Int32, counter: UInt64) {
        self.builtinCode = builtinCode
        self.counter = counter
    }
}

/// PROFILE reply: per-operator counters for one inference and the total.
public struct ProfileReply: Equatable, Sendable {
    public var operators: [OperatorCount]
    public var totalCounter: UInt64
    /// The marker mode the board ran the per-operator pass with (v2).
    public var markerMode: ProfileMarkerMode

    public init(operators: [OperatorCount], totalCounter: UInt64, markerMode: ProfileMarkerMode = .off) {
        self.operators = operators
        self.totalCounter = totalCounter
        self.markerMode = markerMode
    }

    public init(payload: [UInt8]) throws(ProtocolError) {
        var reader = ByteReader(payload, message: "PROFILE reply")
        let count = Int(try reader.u16("op_count"))
        var operators: [OperatorCount] = []
        for index in 0..<count {
            let code = try reader.i32("builtin_code \(index)")
            operators.append(OperatorCount(builtinCode: code, counter: try reader.u64("counter \(index)")))
        }
        self.operators = operators
        totalCounter = try reader.u64("total_counter")
        let raw = try reader.u8("marker_mode")
        guard let mode = ProfileMarkerMode(rawValue: raw) else {
            throw .invalidValue(message: "PROFILE reply", field: "marker_mode", value: Int64(raw))
        }
        markerMode = mode
    }

    public var payload: [UInt8] {
        var writer = ByteWriter()
        writer.u16(UInt16(truncatingIfNeeded: operators.count))
        for op in operators {
            writer.i32(op.builtinCode)
            writer.u64(op.counter)
        }
        writer.u64(totalCounter)
        writer.u8(markerMode.rawValue)
        return writer.bytes
    }
}

/// MARKER reply: the level now set.
public struct MarkerReply: Equatable, Sendable {
    public var level: UInt8

    public init(level: UInt8) { self.level = level }

    public init(payload: [UInt8]) throws(ProtocolError) {
        var reader = ByteReader(payload, message: "MARKER reply")
        level = try reader.u8("level")
    }

    public var payload: [UInt8] { [level] }
}

/// RUN_WINDOW reply: totals over all inferences of the window.
public struct RunWindowReply: Equatable, Sendable {
    /// Why a window ended (v2).
    public enum StopReason: UInt8, Sendable {
        /// All requested inferences ran.
        case complete = 0
        /// A byte from the host arrived while the window ran; the window stopped early.
        case interrupted = 1
        /// The board's `max_window_ms` passed.
        case timeLimit = 2
    }

    public var counterTotal: UInt64
    public var microsTotal: UInt32
    /// Inferences the window ran (fewer than requested when `stopReason` is not `.complete`).
    public var inferencesRun: UInt32
    public var stopReason: StopReason

    public init(counterTotal: UInt64, microsTotal: UInt32, inferencesRun: UInt32 = 0, stopReason: StopReason = .complete) {
        self.counterTotal = counterTotal
        self.microsTotal = microsTotal
        self.inferencesRun = inferencesRun
        self.stopReason = stopReason
    }

    public init(payload: [UInt8]) throws(ProtocolError) {
        var reader = ByteReader(payload, message: "RUN_WINDOW reply")
        counterTotal = try reader.u64("counter_total")
        microsTotal = try reader.u32("micros_total")
        inferencesRun = try reader.u32("inferences_run")
        let raw = try reader.u8("stop_reason")
        guard let reason = StopReason(rawValue: raw) else {
            throw .invalidValue(message: "RUN_WINDOW reply", field: "stop_reason", value: Int64(raw))
        }
        stopReason = reason
    }

    public var payload: [UInt8] {
        var writer = ByteWriter()
        writer.u64(counterTotal)
        writer.u32(microsTotal)
        writer.u32(inferencesRun)
        writer.u8(stopReason.rawValue)
        return writer.bytes
    }
}
