import DeviceLink
import Foundation

/// A Nordic Power Profiler Kit II in source-meter mode: it powers the board at a set voltage, streams its
/// current at 100 kS/s and samples the board's marker GPIO on one of its logic inputs.
///
/// ```swift
/// let meter = try await PPK2Meter.connect(transport: port, configuration: .init(supply: Volts(3.3), markerPin: 0))
/// try await meter.setDevicePower(on: true)
/// try await meter.start(); …; let trace = try await meter.stop()
/// ```
public actor PPK2Meter: PowerMeter {
    /// The PPK2 samples every 10 µs.
    public static let samplePeriod = Seconds.microseconds(10)

    public struct Configuration: Sendable, Equatable {
        /// Source-meter output voltage (0.8…5 V, set in whole millivolts).
        public var supply: Volts
        /// Logic input D0…D7 wired to the board's measurement GPIO.
        public var markerPin: Int
        /// Range-switch smoothing; `nil` keeps raw values.
        public var spikeFilter: PPK2SpikeFilter?
        /// `stop()` throws when more samples than this were lost (default 500 = 5 ms, Nordic's warning level).
        public var lostSampleLimit: Int
        /// How long to wait for the metadata reply.
        public var responseTimeout: Duration
        /// Switch the DUT supply on right after connecting.
        public var powerOnAtConnect: Bool

        public init(
            supply: Volts = Volts(3.3), markerPin: Int = 0, spikeFilter: PPK2SpikeFilter? = PPK2SpikeFilter(),
            lostSampleLimit: Int = 500, responseTimeout: Duration = .seconds(2), powerOnAtConnect: Bool = true
        ) {
            self.supply = supply
            self.markerPin = markerPin
            self.spikeFilter = spikeFilter
            self.lostSampleLimit = lostSampleLimit
            self.responseTimeout = responseTimeout
            self.powerOnAtConnect = powerOnAtConnect
        }
    }

    public nonisolated let transport: any Transport
    public nonisolated let configuration: Configuration
    public nonisolated let calibration: PPK2Calibration
    private var recording: Task<PPK2StreamDecoder, any Error>?
    private var stopSignal: StopSignal?

    public var identity: MeterIdentity {
        MeterIdentity(id: "ppk2:\(transport.endpoint)", kind: "PPK2", samplePeriod: Self.samplePeriod,
                      supplyVoltage: configuration.supply)
    }

    private init(transport: any Transport, configuration: Configuration, calibration: PPK2Calibration) {
        self.transport = transport
        self.configuration = configuration
        self.calibration = calibration
    }

    /// Reads the kit's calibration, selects source-meter mode at `configuration.supply` and (by default)
    /// powers the board.
    public static func connect(transport: any Transport, configuration: Configuration = Configuration()) async throws(PowerMeterError) -> PPK2Meter {
        let meterName = "PPK2 at \(transport.endpoint)"
        guard (0...7).contains(configuration.markerPin) else {
            throw .settingOutOfRange(meter: meterName, setting: "marker pin", value: Double(configuration.markerPin), allowed: 0...7)
        }
        let millivolts = (configuration.supply.millivolts).rounded()
        let allowed = Double(PPK2Command.minimumMillivolts)...Double(PPK2Command.maximumMillivolts)
        guard allowed.contains(millivolts) else {
            throw .settingOutOfRange(meter: meterName, setting: "supply millivolts", value: millivolts, allowed: allowed)
        }
        // Stop a stream left running by a previous session, and discard what it already sent.
        try await send(.averageStop, to: transport)
        try await drain(transport, quietFor: .milliseconds(50))
        try await send(.getMetadata, to: transport)
        let text = try await readMetadata(from: transport, timeout: configuration.responseTimeout, meterName: meterName)
        let calibration: PPK2Calibration
        do {
            calibration = try PPK2Calibration(metadata: text)
        } catch {
            throw .protocolViolation(meter: meterName, detail: error.description)
        }
        try await send(.setPowerMode(.sourceMeter), to: transport)
        try await send(.regulatorSet(millivolts: UInt16(millivolts)), to: transport)
        let meter = PPK2Meter(transport: transport, configuration: configuration, calibration: calibration)
        if configuration.powerOnAtConnect { try await send(.deviceRunningSet(on: true), to: transport) }
        return meter
    }

    /// Switches the board's supply on or off (e.g. to reset a hung board).
    public func setDevicePower(on: Bool) async throws(PowerMeterError) {
        try await Self.send(.deviceRunningSet(on: on), to: transport)
    }

    public func start() async throws(PowerMeterError) {
        guard recording == nil else { throw .alreadyRecording(meter: meterName) }
        let signal = StopSignal()
        var decoder = PPK2StreamDecoder(calibration: calibration, supply: Volts(configuration.supply.millivolts.rounded() / 1000),
                                        markerPin: configuration.markerPin, spikeFilter: configuration.spikeFilter)
        try await Self.send(.averageStart, to: transport)
        let transport = self.transport
        stopSignal = signal
        recording = Task {
            // Read until asked to stop, then until the kit has been quiet for one read timeout.
            while true {
                let bytes = try await transport.read(maxBytes: 1 << 16, timeout: .milliseconds(50))
                if bytes.isEmpty {
                    if signal.isSet { break }
                    continue
                }
                decoder.feed(bytes)
            }
            return decoder
        }
    }

    public func stop() async throws(PowerMeterError) -> Trace {
        guard let recording, let stopSignal else { throw .notRecording(meter: meterName) }
        self.recording = nil
        self.stopSignal = nil
        var sendError: PowerMeterError?
        do { try await Self.send(.averageStop, to: transport) } catch { sendError = error }
        stopSignal.set()
        let decoder: PPK2StreamDecoder
        do {
            decoder = try await recording.value
        } catch let error as TransportError {
            throw .transport(error)
        } catch {
            throw .protocolViolation(meter: meterName, detail: "\(error)")
        }
        if let sendError { throw sendError }
        if decoder.lostSampleCount > configuration.lostSampleLimit {
            throw .tooManyLostSamples(meter: meterName, lost: decoder.lostSampleCount, limit: configuration.lostSampleLimit)
        }
        return decoder.trace()
    }

    private var meterName: String { "PPK2 at \(transport.endpoint)" }

    // MARK: wire helpers

    static func send(_ command: PPK2Command, to transport: any Transport) async throws(PowerMeterError) {
        do { try await transport.write(command.bytes) } catch { throw .transport(error) }
    }

    static func drain(_ transport: any Transport, quietFor quiet: Duration) async throws(PowerMeterError) {
        do {
            while try await !transport.read(maxBytes: 1 << 16, timeout: quiet).isEmpty {}
        } catch {
            throw .transport(error)
        }
    }

    static func readMetadata(from transport: any Transport, timeout: Duration, meterName: String) async throws(PowerMeterError) -> String {
        var received: [UInt8] = []
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            let bytes: [UInt8]
            do { bytes = try await transport.read(maxBytes: 4096, timeout: .milliseconds(20)) } catch { throw .transport(error) }
            received += bytes
            if let text = String(bytes: received, encoding: .utf8), text.contains("END") { return text }
            if received.count > 16_384 {
                throw .protocolViolation(meter: meterName, detail: "metadata reply longer than 16 KiB without END")
            }
        }
        throw .noResponse(meter: meterName, command: "GET_META_DATA", waitedSeconds: Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18)
    }
}

/// A one-way flag set by `stop()` and read by the recording task.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
