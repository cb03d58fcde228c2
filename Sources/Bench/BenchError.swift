import DeviceLink
import PowerMeter

/// Why a bench could not measure, with what to do about it.
public enum BenchError: Error, CustomStringConvertible, Sendable {
    case modelUnreadable(path: String, reason: String)
    case device(DeviceError)
    case meter(PowerMeterError)
    case analysis(TraceAnalysisError)
    case statistics(StatisticsError)
    case configuration(path: String, line: Int?, reason: String)
    /// A bench file's key has a bad value, is unknown or is missing; `key` is its path (`boards.pico-2.marker_pin`).
    case configurationEntry(path: String, line: Int?, key: String, reason: String)
    case invalidRequest(String)
    case hostEngine(String)
    /// `--bench` named a board kind TinyHIL plans but does not offer yet (e.g. `pico-emulated`).
    case boardNotAvailable(name: String, reason: String)
    /// A real board runs other firmware than this checkout builds (`FirmwarePolicy.check`).
    case firmwareMismatch(FirmwareMismatch)
    /// `FirmwarePolicy.reflash` found a stale board and could not flash it.
    case reflashFailed(FirmwareMismatch, reason: String)
    /// A `labgrid:PLACE` bench: the coordinator, the place or its resources.
    case labgrid(LabgridError)

    public var description: String {
        switch self {
        case let .modelUnreadable(path, reason): "cannot read model \(path): \(reason)"
        case let .device(error): "board: \(error)"
        case let .meter(error): "power meter: \(error)"
        case let .analysis(error): "trace analysis: \(error)"
        case let .statistics(error): "statistics: \(error)"
        case let .configuration(path, line, reason):
            "bench configuration \(path)\(line.map { ":\($0)" } ?? ""): \(reason)"
        case let .configurationEntry(path, line, key, reason):
            "bench configuration \(path)\(line.map { ":\($0)" } ?? ""), key '\(key)': \(reason)"
        case let .invalidRequest(reason): reason
        case let .hostEngine(reason): "host engine: \(reason)"
        case let .boardNotAvailable(name, reason): "bench '\(name)': \(reason)"
        case let .firmwareMismatch(mismatch): "\(mismatch)"
        case let .labgrid(error): "\(error)"
        case let .reflashFailed(mismatch, reason):
            "the board at \(mismatch.endpoint) runs \(mismatch.reported), not this checkout's "
                + "\(mismatch.expected.map { "\($0)" } ?? "firmware"), and reflashing it failed: \(reason)"
        }
    }
}
