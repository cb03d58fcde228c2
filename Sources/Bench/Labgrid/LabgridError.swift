/// Why a labgrid place could not be used, with what to do about it. Every case is reached within a bounded time
/// (`LabgridClient.commandTimeout`, `--wait`).
public enum LabgridError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `labgrid-client` was not found: `TINYHIL_LABGRID_CLIENT`, PATH, beside `TINYHIL_PYTHON`, `.venv-tinyhil/bin`.
    case clientNotFound(searched: [String])
    /// The coordinator did not answer (`-x` / `LG_COORDINATOR` / labgrid's default 127.0.0.1:20408).
    case coordinatorUnreachable(address: String, detail: String)
    /// No place of that name (or alias) on the coordinator.
    case unknownPlace(place: String, coordinator: String)
    /// The place is acquired by someone else, or by this user in another run (or left acquired by a killed one).
    case placeHeld(place: String, holder: String)
    /// `--wait SECONDS` ran out while the place stayed acquired by another.
    case waitExpired(place: String, holder: String, waitedSeconds: Double)
    /// The place's resources are not all available (exporter down, resource unplugged).
    case resourcesUnavailable(place: String, detail: String)
    /// The acquired place has no NetworkSerialPort named `board`.
    case noBoardResource(place: String, found: [String])
    /// `labgrid-client` ran longer than it may.
    case clientTimedOut(command: String, seconds: Double)
    /// `labgrid-client` failed in a way not listed above.
    case clientFailed(command: String, status: Int32, output: String)
    /// The place's environment (`labgrid-client env`) could not be read.
    case unreadableEnvironment(place: String, reason: String)

    public var description: String {
        switch self {
        case let .clientNotFound(searched):
            "labgrid-client not found (looked at \(searched.joined(separator: ", "))): run ci/python-env (installs the "
                + "pinned labgrid into .venv-tinyhil) or set TINYHIL_LABGRID_CLIENT to the labgrid-client to use"
        case let .coordinatorUnreachable(address, detail):
            "the labgrid coordinator at \(address) does not answer (\(detail)): start labgrid-coordinator there, or point "
                + "LG_COORDINATOR / 'coordinator:' in the bench file at the right host:port"
        case let .unknownPlace(place, coordinator):
            "the labgrid coordinator at \(coordinator) has no place '\(place)': list them with "
                + "`labgrid-client -x \(coordinator) places`, or create it (docs/bench-farm.md)"
        case let .placeHeld(place, holder):
            "labgrid place '\(place)' is acquired by \(holder): wait for that run (or give --wait SECONDS); if no run "
                + "holds it any more, `labgrid-client -p \(place) release` (same user) or `release --kick` frees it"
        case let .waitExpired(place, holder, waited):
            "labgrid place '\(place)' stayed acquired by \(holder) for the \(Int(waited)) s of --wait: try later, or ask "
                + "its holder to release it"
        case let .resourcesUnavailable(place, detail):
            "labgrid place '\(place)' cannot be acquired, its resources are not all available (\(detail)): check that "
                + "the exporter of its boards runs and reaches the coordinator (`labgrid-client resources`)"
        case let .noBoardResource(place, found):
            "labgrid place '\(place)' has no NetworkSerialPort named 'board' (found: "
                + "\(found.isEmpty ? "no resources" : found.joined(separator: ", "))): name the board's serial port "
                + "'board' in the exporter, or `labgrid-client -p \(place) add-named-match EXPORTER/GROUP/NetworkSerialPort/NAME board`"
        case let .clientTimedOut(command, seconds):
            "`\(command)` did not finish within \(Int(seconds)) s (coordinator overloaded or unreachable?)"
        case let .clientFailed(command, status, output):
            "`\(command)` failed (status \(status)): \(output)"
        case let .unreadableEnvironment(place, reason):
            "cannot read labgrid place '\(place)''s resources (labgrid-client env): \(reason)"
        }
    }
}
