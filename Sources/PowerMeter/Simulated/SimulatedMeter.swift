import Foundation
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
    /// Where window lengths come from (set by `watch(_:)` / `watchMarker(of:)`); names the meter.
    private var windowSource: WindowSource = .boardCounter(nil)
    /// GP22 edges of the watched emulated Pico already assigned to a window.
    private var consumedMarkerEdges = 0

    /// What a watched window's length is taken from.
    public enum WindowSource: Sendable, Equatable {
        /// The board's own counter in RUN_WINDOW's reply (nil: not watching a board yet).
        case boardCounter(CounterUnit?)
        /// The emulated Pico's GP22 edges: cycles between the rising and the falling edge, at the model's clock.
        case emulatedMarkerEdges
    }

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        generator = SeededGenerator(seed: configuration.seed)
    }

    /// Names the power model and what the window lengths come from: `cpi1.4` only when they are instruction counts
    /// (the virtual bench); `cycles@125MHz` from a board's cycle counter; `gp22-cycles@125MHz` from the emulated
    /// Pico's marker edges.
    public var identity: MeterIdentity {
        let model = configuration.model
        let megahertz = (model.clockHertz / 1e6).formatted(.number.grouping(.never))
        let lengths = switch windowSource {
        case .emulatedMarkerEdges: "gp22-cycles@\(megahertz)MHz"
        case .boardCounter(.cpuCycles?): "cycles@\(megahertz)MHz"
        case .boardCounter(.microseconds?): "microseconds"
        case .boardCounter(.instructions?), .boardCounter(nil): "cpi\(model.cyclesPerInstruction)"
        }
        return MeterIdentity(
            id: "simulated:pico-\(model.busyPower.milliwatts)mW-\(lengths):seed=\(configuration.seed)",
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
        windowSource = .boardCounter(await device.boardInfo?.counterUnit)
        await device.observeCompletedWindows { [self] window in await self.observe(window) }
    }

    /// Makes this meter watch an emulated Pico's measurement marker, as a PPK2's logic input watches GP22 on a real
    /// one: every RUN_WINDOW the board completes while recording becomes a busy window lasting from GP22's rising to
    /// its falling edge, in the emulator's cycle stamps at the power model's clock (125 MHz), not the board's own
    /// counter. A window without a complete high pulse among the new edges fails the recording.
    public func watchMarker(of pico: EmulatedPico) async {
        windowSource = .emulatedMarkerEdges
        consumedMarkerEdges = pico.markerEdges().count
        await pico.device.observeCompletedWindows { [self] window in
            await self.observe(window, markerEdges: pico.markerEdges())
        }
    }

    private func observe(_ window: CompletedWindow, markerEdges edges: [MarkerEdge]) {
        let fresh = edges.dropFirst(consumedMarkerEdges)
        consumedMarkerEdges = max(consumedMarkerEdges, edges.count)
        guard trace != nil, observationError == nil else { return }
        guard let fall = fresh.lastIndex(where: { !$0.high }), let rise = fresh[..<fall].lastIndex(where: \.high),
            fresh[fall].cycle > fresh[rise].cycle
        else {
            observationError = .invalidBusyWindow(
                detail: "the emulated Pico completed a RUN_WINDOW without a GP22 high pulse in its edge file (new edges: \(Array(fresh)))")
            return
        }
        let cycles = fresh[fall].cycle - fresh[rise].cycle
        do { try noteBusyWindow(BusyWindow(.cycles(cycles), inferences: window.inferences)) } catch {
            observationError = error
        }
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
