import DeviceLink
/// The virtual bench's meter: it has no wire to watch, so it builds the trace from the busy windows the board
/// reports, with `PicoPowerModel` currents, optional seeded imperfections, and a marker line that is high
/// exactly on the busy samples. The same analysis code then runs on it as on a real meter's trace.
///
/// Timeline of one recording: for every noted window, its `idleBefore` (or else `idleGap`) of idle current, then
/// the busy samples (marker high); after the last window, one more `idleGap`. A window lasts `round(duration ÷ samplePeriod)`
/// samples, at least one.
public actor SimulatedMeter: PowerMeter {
    public struct Configuration: Sendable, Equatable {
        public var model: PicoPowerModel
        public var imperfections: SimulatedImperfections
        public var seed: UInt64
        public var samplePeriod: Seconds
        public var idleGap: Seconds

        public init(model: PicoPowerModel = .picoStudy, imperfections: SimulatedImperfections = .none, seed: UInt64 = 1,
                    samplePeriod: Seconds = .microseconds(10), idleGap: Seconds = .milliseconds(1)) {
            self.model = model
            self.imperfections = imperfections
            self.seed = seed
            self.samplePeriod = samplePeriod
            self.idleGap = idleGap
        }
    }

    public nonisolated let configuration: Configuration
    private var generator: SeededGenerator
    private var trace: Trace?
    /// The first window a watched board reported that could not be simulated; `stop()` throws it.
    private var observationError: PowerMeterError?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        generator = SeededGenerator(seed: configuration.seed)
    }

    public var identity: MeterIdentity {
        let model = configuration.model
        return MeterIdentity(
            id: "simulated:pico-\(model.busyPower.milliwatts)mW-cpi\(model.cyclesPerInstruction):seed=\(configuration.seed)",
            kind: "simulated", samplePeriod: configuration.samplePeriod, supplyVoltage: model.supply)
    }

    public func start() async throws(PowerMeterError) {
        guard trace == nil else { throw .alreadyRecording(meter: "simulated meter") }
        trace = Trace(samplePeriod: configuration.samplePeriod, supplyVoltage: configuration.model.supply,
                      currentsAmperes: [], markers: [])
    }

    /// Makes this meter watch `device`: every RUN_WINDOW the board completes while recording becomes a busy window
    /// of the trace, its length taken from the board's counter in the board's own unit. Windows outside a
    /// recording (warm-up) are not recorded, as a real meter would not record them either.
    public func watch(_ device: Device) async {
        await device.observeCompletedWindows { [self] window in await self.observe(window) }
    }

    private func observe(_ window: CompletedWindow) {
        guard trace != nil, observationError == nil else { return }
        let extent: BusyWindow.Extent = switch window.counterUnit {
        case .instructions: .instructions(window.counterTotal)
        case .cpuCycles: .cycles(window.counterTotal)
        case .microseconds: .duration(Seconds(Double(window.counterTotal) * 1e-6))
        }
        do { try noteBusyWindow(BusyWindow(extent, inferences: window.inferences)) } catch {
            observationError = error
        }
    }

    /// Adds one busy window to the recording (what `watch(_:)` does for every window a board reports; tests and
    /// simulations call it directly).
    public func noteBusyWindow(_ window: BusyWindow) throws(PowerMeterError) {
        guard trace != nil else { throw .notRecording(meter: "simulated meter") }
        let duration = configuration.model.duration(of: window.extent)
        guard duration.value.isFinite, duration.value > 0 else {
            throw .invalidBusyWindow(detail: "duration \(duration) from \(window.extent); a window must last longer than 0 s")
        }
        guard window.relativePower.isFinite, window.relativePower > 0 else {
            throw .invalidBusyWindow(detail: "relative power \(window.relativePower) must be positive")
        }
        if let idle = window.idleBefore {
            guard idle.value.isFinite, idle.value >= 0 else {
                throw .invalidBusyWindow(detail: "idle time before the window \(idle) must be ≥ 0")
            }
            appendIdle(idle)
        } else {
            appendIdle(configuration.idleGap)
        }
        let samples = max(1, Int((duration.value / configuration.samplePeriod.value).rounded()))
        var level = configuration.model.busyCurrent.value * window.relativePower
        if configuration.imperfections.windowNoise > 0 {
            level *= max(0, 1 + configuration.imperfections.windowNoise * generator.nextGaussian())
        }
        append(samples: samples, level: level, marker: true)
    }

    public func stop() async throws(PowerMeterError) -> Trace {
        guard trace != nil else { throw .notRecording(meter: "simulated meter") }
        if let observationError {
            self.observationError = nil
            trace = nil
            throw observationError
        }
        appendIdle(configuration.idleGap)
        defer { trace = nil }
        return trace!
    }

    private func appendIdle(_ duration: Seconds) {
        let samples = Int((duration.value / configuration.samplePeriod.value).rounded())
        append(samples: samples, level: configuration.model.idleCurrent.value, marker: false)
    }

    private func append(samples: Int, level: Double, marker: Bool) {
        let imperfections = configuration.imperfections
        let period = configuration.samplePeriod.value
        var currents = [Double]()
        currents.reserveCapacity(samples)
        let first = trace!.sampleCount
        for index in 0..<samples {
            var current = level
            if imperfections.driftPerSecond != 0 {
                current *= 1 + imperfections.driftPerSecond * Double(first + index) * period
            }
            if imperfections.sampleNoise > 0 {
                current += level * imperfections.sampleNoise * generator.nextGaussian()
            }
            if imperfections.spikeProbability > 0, generator.nextUnit() < imperfections.spikeProbability {
                current += imperfections.spikeHeight.value
            }
            currents.append(current)
        }
        trace!.currentsAmperes += currents
        trace!.markers += repeatElement(marker, count: samples)
    }
}
