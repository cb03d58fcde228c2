import DeviceLink
import Foundation

/// labgrid's command-line client (`labgrid-client`, PyPI `labgrid`, pinned in ci/python-requirements.txt), run as a
/// subprocess with a time limit: the one way TinyHIL talks to a labgrid coordinator.
public struct LabgridClient: Sendable {
    /// The `labgrid-client` program.
    public var executable: String
    /// `host:port` of the coordinator; nil: `LG_COORDINATOR`, else labgrid's default (127.0.0.1:20408).
    public var coordinator: String?
    /// Longest one `labgrid-client` command may take (an unreachable coordinator fails in about a second).
    public var commandTimeout: Duration

    public init(executable: String, coordinator: String? = nil, commandTimeout: Duration = .seconds(30)) {
        self.executable = executable
        self.coordinator = coordinator
        self.commandTimeout = commandTimeout
    }

    /// labgrid's own default coordinator address.
    public static let defaultCoordinator = "127.0.0.1:20408"

    /// The client found by ``locate(environment:currentDirectory:)``.
    public static func located(
        coordinator: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(LabgridError) -> LabgridClient {
        LabgridClient(executable: try locate(environment: environment), coordinator: coordinator)
    }

    /// `TINYHIL_LABGRID_CLIENT`; else `labgrid-client` on PATH; else beside `TINYHIL_PYTHON`; else
    /// `.venv-tinyhil/bin/labgrid-client` in `currentDirectory` (where ci/python-env installs it).
    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(LabgridError) -> String {
        var searched: [String] = []
        if let named = environment["TINYHIL_LABGRID_CLIENT"], !named.isEmpty {
            guard let found = ChildProcess.find(named) else { throw .clientNotFound(searched: ["TINYHIL_LABGRID_CLIENT=\(named)"]) }
            return found
        }
        searched.append("PATH")
        if let found = ChildProcess.find("labgrid-client") { return found }
        if let python = environment["TINYHIL_PYTHON"], !python.isEmpty {
            let candidate = (python as NSString).deletingLastPathComponent + "/labgrid-client"
            searched.append(candidate)
            if let found = ChildProcess.find(candidate) { return found }
        }
        let venv = currentDirectory + "/.venv-tinyhil/bin/labgrid-client"
        searched.append(venv)
        if let found = ChildProcess.find(venv) { return found }
        throw .clientNotFound(searched: searched)
    }

    /// The address the client talks to (for messages).
    public var coordinatorAddress: String {
        if let coordinator { return coordinator }
        if let address = ProcessInfo.processInfo.environment["LG_COORDINATOR"], !address.isEmpty { return address }
        return Self.defaultCoordinator
    }

    /// The arguments that select the coordinator and `place`, then `command`.
    public func arguments(place: String, _ command: [String]) -> [String] {
        (coordinator.map { ["-x", $0] } ?? []) + ["-p", place] + command
    }

    /// What a finished command printed and how it ended.
    public struct Outcome: Sendable {
        public var exitStatus: Int32
        public var output: String
        public init(exitStatus: Int32, output: String) {
            self.exitStatus = exitStatus
            self.output = output
        }
    }

    /// Runs `labgrid-client … -p place COMMAND`; errors the client reports about the coordinator or the place
    /// become their ``LabgridError`` case, any other failure `clientFailed`.
    public func run(place: String, _ command: [String]) async throws(LabgridError) -> String {
        let outcome = try await runRaw(arguments(place: place, command))
        if outcome.exitStatus == 0 { return outcome.output }
        throw classify(outcome, place: place, command: command)
    }

    /// Runs the client with `arguments`, bounded by `commandTimeout`; stdout and stderr together.
    public func runRaw(_ arguments: [String]) async throws(LabgridError) -> Outcome {
        let logPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("tinyhil-labgrid-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: logPath) }
        let commandText = ([executable] + arguments).joined(separator: " ")
        let child: ChildProcess
        do { child = try ChildProcess(executable: executable, arguments: arguments, outputPath: logPath) } catch {
            throw .clientFailed(command: commandText, status: -1, output: "\(error)")
        }
        let deadline = ContinuousClock.now + commandTimeout
        var status = child.exitCode
        while status == nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
            status = child.exitCode
        }
        guard let status else {
            child.terminate(grace: .milliseconds(500))
            let seconds = Double(commandTimeout.components.seconds)
            throw .clientTimedOut(command: commandText, seconds: seconds)
        }
        let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        return Outcome(exitStatus: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output: output)
    }

    /// The ``LabgridError`` a failed command's output describes (labgrid 26's messages).
    public func classify(_ outcome: Outcome, place: String, command: [String]) -> LabgridError {
        let text = outcome.output
        let lines = text.split(separator: "\n").map(String.init)
        let errorLine = lines.last { $0.contains("Error:") }.map { $0.trimmingCharacters(in: .whitespaces) }
            ?? lines.last ?? ""
        if text.contains("Could not connect to coordinator") || text.contains("coordinator is unavailable") {
            let detail = lines.first { $0.contains("coordinator is unavailable") }?
                .components(separatedBy: "coordinator is unavailable: ").last ?? errorLine
            return .coordinatorUnreachable(address: coordinatorAddress, detail: detail)
        }
        if text.contains("matches nothing") { return .unknownPlace(place: place, coordinator: coordinatorAddress) }
        if let range = text.range(of: "is already acquired by ") {
            let holder = text[range.upperBound...].prefix { !$0.isWhitespace }
            return .placeHeld(place: place, holder: String(holder.hasSuffix(".") ? holder.dropLast() : holder))
        }
        if text.contains("You have already acquired place") {
            return .placeHeld(place: place, holder: "this user (another run, or one that ended without releasing it)")
        }
        if text.contains("has no matching remote resource") || text.contains("not available") {
            return .resourcesUnavailable(place: place, detail: errorLine)
        }
        return .clientFailed(command: "labgrid-client " + arguments(place: place, command).joined(separator: " "),
                             status: outcome.exitStatus, output: errorLine)
    }
}
