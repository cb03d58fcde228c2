import DeviceLink

/// A meter that records the supply current of a board together with its marker line (the measurement GPIO).
///
/// How a `Bench` uses any meter:
/// ```swift
/// try await meter.start()                       // begin recording (real meters: stream starts, DUT powered)
/// for window in plan {                          // the board raises its marker GPIO around each busy window
///     _ = try await device.runWindow(...)
/// }
/// let trace = try await meter.stop()            // all samples since start()
/// let report = try EnergyAnalysis(options).analyse(trace)
/// ```
/// Real meters see the marker on their logic input. The simulated meter has no wire to watch: it is attached to
/// the board's `Device` when the bench is opened (`SimulatedMeter.watch(_:)`) and builds its trace from the
/// board's RUN_WINDOW reports — the bench never tells a meter about windows.
public protocol PowerMeter: Sendable {
    /// What this meter is (for the result store: meter id, sample rate, voltage).
    var identity: MeterIdentity { get async }

    /// Starts recording. Throws `.alreadyRecording` when called twice without `stop()`.
    func start() async throws(PowerMeterError)

    /// Stops recording and returns everything recorded since `start()`.
    /// Throws when the recording is unusable (e.g. more samples lost than the meter's limit).
    func stop() async throws(PowerMeterError) -> Trace
}

/// Facts about a meter that go with every measurement it made.
public struct MeterIdentity: Sendable, Equatable, Codable {
    /// Stable identifier, e.g. `ppk2:/dev/ttyACM0`, `simulated:pico-115mW:seed=1`.
    public var id: String
    /// Kind of meter, e.g. `PPK2`, `simulated`, `recorded`.
    public var kind: String
    public var samplePeriod: Seconds
    public var supplyVoltage: Volts

    public init(id: String, kind: String, samplePeriod: Seconds, supplyVoltage: Volts) {
        self.id = id
        self.kind = kind
        self.samplePeriod = samplePeriod
        self.supplyVoltage = supplyVoltage
    }
}

/// What the board reported about one busy (marker-high) window.
public struct BusyWindow: Sendable, Equatable {
    /// How long the board was busy, in whatever unit the board could report.
    public enum Extent: Sendable, Equatable {
        /// Executed instructions (QEMU `-icount`); the power model converts them to cycles and time.
        case instructions(UInt64)
        /// CPU cycles (a real M0+'s cycle counter).
        case cycles(UInt64)
        /// Measured wall time on the board.
        case duration(Seconds)
    }

    public var extent: Extent
    /// Inferences the board ran inside the window (informational; analysis takes it from its options).
    public var inferences: Int
    /// Relative power level of this window (1 = the power model's busy power). Lets a simulation give two
    /// models different power draws; real meters ignore it.
    public var relativePower: Double

    /// Idle time between the end of the previous window (or the start of recording) and this window, when the
    /// board or host measured it; `nil` lets a simulation use its configured gap. Real meters ignore it.
    public var idleBefore: Seconds?

    public init(_ extent: Extent, inferences: Int = 1, relativePower: Double = 1, idleBefore: Seconds? = nil) {
        self.extent = extent
        self.inferences = inferences
        self.relativePower = relativePower
        self.idleBefore = idleBefore
    }

    public init(instructions: UInt64, inferences: Int = 1) { self.init(.instructions(instructions), inferences: inferences) }
    public init(cycles: UInt64, inferences: Int = 1) { self.init(.cycles(cycles), inferences: inferences) }
    public init(duration: Seconds, inferences: Int = 1) { self.init(.duration(duration), inferences: inferences) }
}

/// Why a meter could not record, with what to do about it.
public enum PowerMeterError: Error, Equatable, Sendable, CustomStringConvertible {
    case alreadyRecording(meter: String)
    case notRecording(meter: String)
    case transport(TransportError)
    /// The instrument answered something the driver cannot interpret.
    case protocolViolation(meter: String, detail: String)
    /// The instrument did not answer in time.
    case noResponse(meter: String, command: String, waitedSeconds: Double)
    /// A requested setting is outside what the instrument supports.
    case settingOutOfRange(meter: String, setting: String, value: Double, allowed: ClosedRange<Double>)
    /// Too many samples were dropped between meter and host.
    case tooManyLostSamples(meter: String, lost: Int, limit: Int)
    /// A busy window cannot be simulated (e.g. zero length).
    case invalidBusyWindow(detail: String)

    public var description: String {
        switch self {
        case let .alreadyRecording(meter):
            "\(meter) is already recording: call stop() before start()."
        case let .notRecording(meter):
            "\(meter) is not recording: call start() first."
        case let .transport(error):
            "meter transport failed: \(error)"
        case let .protocolViolation(meter, detail):
            "\(meter) sent data the driver cannot interpret: \(detail). Check firmware version and cabling; power-cycle the meter."
        case let .noResponse(meter, command, waited):
            "\(meter) did not answer \(command) within \(waited) s. Is it connected, powered and not in use by another program?"
        case let .settingOutOfRange(meter, setting, value, allowed):
            "\(meter): \(setting) = \(value) is outside \(allowed.lowerBound)…\(allowed.upperBound)."
        case let .tooManyLostSamples(meter, lost, limit):
            "\(meter) lost \(lost) samples (limit \(limit)): the USB link could not keep up. Use a direct USB port (no hub), close other programs reading the meter, and retry."
        case let .invalidBusyWindow(detail):
            "invalid busy window: \(detail)"
        }
    }
}
