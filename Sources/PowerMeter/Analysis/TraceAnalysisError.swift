/// Why a trace could not be turned into energy figures. Every case says which window and what to check.
public enum TraceAnalysisError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyTrace
    case invalidOption(String)
    /// The marker was already high when the trace began, or still high when it ended.
    case truncatedWindow(atStart: Bool)
    case windowCountMismatch(expected: Int, found: Int)
    case windowTooShort(index: Int, duration: Seconds, minimum: Seconds)
    case windowTooLong(index: Int, duration: Seconds, maximum: Seconds)
    case lostSamplesInWindow(index: Int, lost: Int, start: Seconds)
    /// Fewer windows than warm-up windows plus one.
    case noWindowsAfterWarmUp(found: Int, warmUp: Int)
    /// Idle current was to be measured, but no sample lies outside the windows and their guard bands.
    case noIdleSamples

    public var description: String {
        switch self {
        case .emptyTrace: "the trace has no samples: did the meter record anything?"
        case let .invalidOption(detail): "invalid analysis option: \(detail)"
        case let .truncatedWindow(atStart):
            atStart
                ? "the marker was already high when the trace began: start the meter before the first window."
                : "the marker was still high when the trace ended: stop the meter after the last window."
        case let .windowCountMismatch(expected, found):
            "found \(found) marker windows, expected \(expected): check the marker wiring (pin), the hold-off against noisy edges, and that the firmware toggles the marker GPIO once per window."
        case let .windowTooShort(index, duration, minimum):
            "window \(index) lasts \(duration.milliseconds) ms, shorter than \(minimum.milliseconds) ms: a glitch on the marker line, or a hold-off too short."
        case let .windowTooLong(index, duration, maximum):
            "window \(index) lasts \(duration.milliseconds) ms, longer than \(maximum.milliseconds) ms: two windows merged (missed falling edge) or the board hung."
        case let .lostSamplesInWindow(index, lost, start):
            "window \(index) (at \(start.value) s) contains \(lost) lost samples: its energy would be wrong. Re-run; if it recurs, fix the meter's USB link."
        case let .noWindowsAfterWarmUp(found, warmUp):
            "only \(found) windows, but \(warmUp) are warm-up: nothing left to measure."
        case .noIdleSamples:
            "cannot measure the idle current: no samples outside the windows. Leave idle time between windows or give a fixed idle current."
        }
    }
}
