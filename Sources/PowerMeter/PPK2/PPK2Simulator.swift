import DeviceLink

/// A scripted current profile for `PPK2Simulator`, in samples of 10 µs.
public struct PPK2Script: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        public var samples: Int
        public var current: Amperes
        /// Logic inputs D0…D7 during the segment.
        public var logic: UInt8
        /// Measurement range to report; `nil` picks the lowest range that holds the current (as the kit does).
        public var range: Int?

        public init(samples: Int, current: Amperes, logic: UInt8 = 0, range: Int? = nil) {
            self.samples = samples
            self.current = current
            self.logic = logic
            self.range = range
        }
    }

    public var segments: [Segment]
    /// Sample indices (in the script's timeline) the simulated kit loses: their counter values are skipped.
    public var droppedSamples: [Range<Int>]
    /// Byte counts of successive writes, used cyclically (odd sizes split words across reads).
    public var chunkSizes: [Int]
    /// Words whose range field is overwritten with 7 (corruption).
    public var corruptedSamples: [Int]

    public init(segments: [Segment], droppedSamples: [Range<Int>] = [], chunkSizes: [Int] = [4096], corruptedSamples: [Int] = []) {
        self.segments = segments
        self.droppedSamples = droppedSamples
        self.chunkSizes = chunkSizes
        self.corruptedSamples = corruptedSamples
    }

    public var sampleCount: Int { segments.reduce(0) { $0 + $1.samples } }
}

/// Speaks the PPK2 USB-serial protocol on a `Transport` (the far end of a pty or socket pair): answers
/// GET_META_DATA with a chosen calibration, obeys the mode, voltage and power commands, and on AVERAGE_START
/// streams the script's samples as the kit would — counter, range, logic bits, dropped samples, odd chunks.
public actor PPK2Simulator {
    public nonisolated let transport: any Transport
    public let calibration: PPK2Calibration
    public let script: PPK2Script

    /// Every command received, in order.
    public private(set) var receivedCommands: [PPK2Command] = []
    /// Opcodes it did not understand.
    public private(set) var unknownOpcodes: [UInt8] = []
    public private(set) var supply = Volts(3.3)
    public private(set) var powerMode: PPK2Command.PowerMode = .ampereMeter
    public private(set) var devicePowered = false

    private var streamTask: Task<Void, Never>?
    private var streamStop: StopSignal?
    private var pending: [UInt8] = []

    public init(transport: any Transport, calibration: PPK2Calibration, script: PPK2Script) {
        self.transport = transport
        self.calibration = calibration
        self.script = script
    }

    /// Serves commands until the transport closes.
    public func run() async {
        while true {
            let bytes: [UInt8]
            do { bytes = try await transport.read(maxBytes: 256, timeout: .milliseconds(100)) } catch { break }
            pending += bytes
            await handlePending()
        }
        streamStop?.set()
    }

    /// Waits until the current stream has written all its bytes (or was stopped).
    public func waitUntilStreamed() async {
        await streamTask?.value
    }

    private func handlePending() async {
        while let first = pending.first {
            guard let opcode = PPK2Command.Opcode(rawValue: first) else {
                unknownOpcodes.append(first)
                pending.removeFirst()
                continue
            }
            guard pending.count >= 1 + opcode.argumentBytes else { return }
            let arguments = Array(pending[1..<(1 + opcode.argumentBytes)])
            pending.removeFirst(1 + opcode.argumentBytes)
            await execute(opcode, arguments)
        }
    }

    private func execute(_ opcode: PPK2Command.Opcode, _ arguments: [UInt8]) async {
        switch opcode {
        case .getMetadata:
            receivedCommands.append(.getMetadata)
            try? await transport.write(Array(calibration.metadataText().utf8))
        case .regulatorSet:
            let millivolts = UInt16(arguments[0]) << 8 | UInt16(arguments[1])
            receivedCommands.append(.regulatorSet(millivolts: millivolts))
            supply = .millivolts(Double(millivolts))
        case .setPowerMode:
            let mode = PPK2Command.PowerMode(rawValue: arguments[0]) ?? .ampereMeter
            receivedCommands.append(.setPowerMode(mode))
            powerMode = mode
        case .deviceRunningSet:
            receivedCommands.append(.deviceRunningSet(on: arguments[0] != 0))
            devicePowered = arguments[0] != 0
        case .averageStart:
            receivedCommands.append(.averageStart)
            startStream()
        case .averageStop:
            receivedCommands.append(.averageStop)
            streamStop?.set()
            await streamTask?.value
        case .reset:
            receivedCommands.append(.reset)
        case .setUserGains:
            break
        }
    }

    private func startStream() {
        streamStop?.set()
        let bytes = encodedStream()
        let stop = StopSignal()
        let transport = self.transport
        let chunkSizes = script.chunkSizes.map { max(1, $0) }
        streamStop = stop
        streamTask = Task {
            var offset = 0
            var chunkIndex = 0
            while offset < bytes.count, !stop.isSet {
                let size = min(chunkSizes[chunkIndex % chunkSizes.count], bytes.count - offset)
                do { try await transport.write(Array(bytes[offset..<(offset + size)])) } catch { return }
                offset += size
                chunkIndex += 1
            }
        }
    }

    /// The bytes the kit sends for the whole script at the current supply voltage.
    public func encodedStream() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(script.sampleCount * 4)
        let dropped = script.droppedSamples
        let corrupted = Set(script.corruptedSamples)
        var sampleIndex = 0
        for segment in script.segments {
            let range = segment.range ?? Self.autoRange(for: segment.current, calibration: calibration, supply: supply)
            let adc = calibration.adc(for: segment.current, range: range, supply: supply) ?? 16_383
            for _ in 0..<segment.samples {
                defer { sampleIndex += 1 }
                if dropped.contains(where: { $0.contains(sampleIndex) }) { continue }
                let wordRange = corrupted.contains(sampleIndex) ? 7 : range
                let word = PPK2SampleWord(adc: adc, range: wordRange, counter: sampleIndex % PPK2SampleWord.counterModulus,
                                          logic: segment.logic)
                bytes += word.bytes
            }
        }
        return bytes
    }

    /// The lowest range whose ADC code for `current` stays below 15000 of 16383.
    public static func autoRange(for current: Amperes, calibration: PPK2Calibration, supply: Volts) -> Int {
        for range in 0..<PPK2Calibration.rangeCount {
            if let code = calibration.adc(for: current, range: range, supply: supply), code <= 15_000 { return range }
        }
        return PPK2Calibration.rangeCount - 1
    }
}
