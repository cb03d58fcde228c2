/// What to subtract as the board's idle draw before dividing a window's energy by its inferences.
public enum IdleSubtraction: Sendable, Equatable {
    /// Report gross energy (what the board drew in the window).
    case none
    /// Subtract this constant current × supply × window duration.
    case fixed(Amperes)
    /// Measure the idle current as the median of all samples outside the windows, leaving out `guardBand`
    /// on both sides of every window (where the board ramps up and down).
    case measured(guardBand: Seconds)
}

/// How to turn a trace into energy per inference.
public struct EnergyAnalysisOptions: Sendable, Equatable {
    public var detection: MarkerWindowDetection
    /// Windows expected in the trace, warm-up included; `nil` skips the check.
    public var expectedWindowCount: Int?
    /// Allowed window durations; a window outside throws. `nil` skips the check.
    public var windowDurationRange: ClosedRange<Seconds>?
    public var inferencesPerWindow: Int
    /// Leading windows left out of the results (caches and clocks settle).
    public var warmUpWindows: Int
    public var idle: IdleSubtraction

    public init(detection: MarkerWindowDetection = MarkerWindowDetection(), expectedWindowCount: Int? = nil,
                windowDurationRange: ClosedRange<Seconds>? = nil, inferencesPerWindow: Int = 1,
                warmUpWindows: Int = 0, idle: IdleSubtraction = .none) {
        self.detection = detection
        self.expectedWindowCount = expectedWindowCount
        self.windowDurationRange = windowDurationRange
        self.inferencesPerWindow = inferencesPerWindow
        self.warmUpWindows = warmUpWindows
        self.idle = idle
    }
}

/// Energy of one window.
public struct WindowEnergy: Sendable, Equatable {
    public var window: MarkerWindow
    /// ∫ V·I dt over the window.
    public var grossEnergy: Joules
    /// Gross energy minus idle current × supply × duration (equal to gross without idle subtraction).
    public var netEnergy: Joules
    /// Net energy ÷ inferences in the window.
    public var energyPerInference: Joules
    public var meanCurrent: Amperes
    public var isWarmUp: Bool
}

/// The result of analysing one trace.
public struct EnergyReport: Sendable, Equatable {
    /// Every window found, warm-up included, in time order.
    public var windows: [WindowEnergy]
    /// The idle current that was subtracted, if any.
    public var idleCurrent: Amperes?
    /// Energy per inference of the windows after warm-up, in time order.
    public var energyPerInference: [Joules] { windows.filter { !$0.isWarmUp }.map(\.energyPerInference) }
    /// Durations of the windows after warm-up ÷ inferences per window.
    public var latencyPerInference: [Seconds]
}

/// Marker windows → ∫ V·I dt → energy per inference, with the checks a measurement needs.
///
/// Integration: the trapezoidal rule over the marked samples, extended by half a sample period at both ends
/// (the true edges lie on average halfway between samples). This equals `V · Δt · Σ I[k]` over the marked samples.
public struct EnergyAnalysis: Sendable {
    public var options: EnergyAnalysisOptions

    public init(_ options: EnergyAnalysisOptions = EnergyAnalysisOptions()) { self.options = options }

    public func analyse(_ trace: Trace) throws(TraceAnalysisError) -> EnergyReport {
        guard options.inferencesPerWindow >= 1 else {
            throw .invalidOption("inferences per window is \(options.inferencesPerWindow); it must be at least 1")
        }
        guard options.warmUpWindows >= 0 else { throw .invalidOption("warm-up windows must be ≥ 0") }
        let windows = try options.detection.windows(in: trace)
        if let expected = options.expectedWindowCount, expected != windows.count {
            throw .windowCountMismatch(expected: expected, found: windows.count)
        }
        guard windows.count > options.warmUpWindows else {
            throw .noWindowsAfterWarmUp(found: windows.count, warmUp: options.warmUpWindows)
        }
        for (index, window) in windows.enumerated() {
            if let range = options.windowDurationRange {
                if window.duration < range.lowerBound {
                    throw .windowTooShort(index: index, duration: window.duration, minimum: range.lowerBound)
                }
                if window.duration > range.upperBound {
                    throw .windowTooLong(index: index, duration: window.duration, maximum: range.upperBound)
                }
            }
            let lost = trace.lostSampleCount(in: window.samples)
            if lost > 0 { throw .lostSamplesInWindow(index: index, lost: lost, start: window.start) }
        }
        let idle: Amperes?
        switch options.idle {
        case .none: idle = nil
        case let .fixed(current): idle = current
        case let .measured(guardBand): idle = try Self.idleCurrent(trace, windows: windows, guardBand: guardBand)
        }
        let inferences = Double(options.inferencesPerWindow)
        var results: [WindowEnergy] = []
        var latencies: [Seconds] = []
        for (index, window) in windows.enumerated() {
            let gross = Self.energy(of: window, in: trace)
            let net = idle.map { gross - trace.supplyVoltage * $0 * window.duration } ?? gross
            let isWarmUp = index < options.warmUpWindows
            results.append(WindowEnergy(
                window: window, grossEnergy: gross, netEnergy: net, energyPerInference: net / inferences,
                meanCurrent: Amperes(gross.value / (trace.supplyVoltage.value * window.duration.value)), isWarmUp: isWarmUp))
            if !isWarmUp { latencies.append(window.duration / inferences) }
        }
        return EnergyReport(windows: results, idleCurrent: idle, latencyPerInference: latencies)
    }

    /// ∫ V·I dt over a window (see the type's note on the integration rule).
    public static func energy(of window: MarkerWindow, in trace: Trace) -> Joules {
        var sum = 0.0
        for index in window.samples { sum += trace.currentsAmperes[index] }
        return Joules(trace.supplyVoltage.value * trace.samplePeriod.value * sum)
    }

    /// Median current of the valid samples outside the windows and their guard bands.
    public static func idleCurrent(_ trace: Trace, windows: [MarkerWindow], guardBand: Seconds) throws(TraceAnalysisError) -> Amperes {
        let guardSamples = max(0, Int((guardBand.value / trace.samplePeriod.value).rounded(.up)))
        var excluded = [Bool](repeating: false, count: trace.sampleCount)
        for window in windows {
            let lower = max(0, window.samples.lowerBound - guardSamples)
            let upper = min(trace.sampleCount, window.samples.upperBound + guardSamples)
            for index in lower..<upper { excluded[index] = true }
        }
        var idle: [Double] = []
        for index in 0..<trace.sampleCount where !excluded[index] && !trace.currentsAmperes[index].isNaN {
            idle.append(trace.currentsAmperes[index])
        }
        guard let median = try? Statistics.median(idle) else { throw .noIdleSamples }
        return Amperes(median)
    }
}
