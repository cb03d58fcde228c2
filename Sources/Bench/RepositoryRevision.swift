import DeviceLink
import Foundation

/// The git commit of the repository under test, recorded with every result.
public enum RepositoryRevision {
    /// How long one `git` call may take before it is killed and the revision counts as unknown.
    public static let gitTimeoutSeconds: Double = 10

    /// The revision of the repository under test, looked up once per process: `$TINYHIL_REPOSITORY_COMMIT`,
    /// `$GITHUB_SHA`, or git's HEAD (with `-dirty` when tracked files changed) of `$TINYHIL_REPOSITORY`, else of
    /// the TinyHIL checkout this code was built from. Never the current directory: that may be any repository,
    /// with hooks and configuration of its own. Nil when none is available.
    public static func current() -> String? { processRevision }

    private static let processRevision: String? = current(in: FirmwareBuild.defaultRepository)

    /// The revision of the repository at `directory` (environment overrides first, as in ``current()``).
    public static func current(in directory: URL) -> String? {
        let environment = ProcessInfo.processInfo.environment
        for key in ["TINYHIL_REPOSITORY_COMMIT", "GITHUB_SHA"] {
            if let value = environment[key], !value.isEmpty { return value }
        }
        guard let head = git(["rev-parse", "--verify", "HEAD"], in: directory), !head.isEmpty else { return nil }
        let dirty = git(["status", "--porcelain", "--untracked-files=no"], in: directory).map { !$0.isEmpty } ?? false
        return dirty ? head + "-dirty" : head
    }

    /// Runs git in `directory` (its working directory and `-C`), with repository hooks that run programs
    /// (`core.fsmonitor`) disabled, killed after `gitTimeoutSeconds`. Nil on any failure or timeout.
    static func git(_ arguments: [String], in directory: URL, timeoutSeconds: Double = gitTimeoutSeconds) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "core.fsmonitor=false", "-C", directory.path] + arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_OPTIONAL_LOCKS"] = "0"  // `git status` must not take the index lock of a running git
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do { try process.run() } catch { return nil }
        // Read while git runs, so a long output cannot fill the pipe and stall it.
        let collected = CollectedOutput()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            collected.set(output.fileHandleForReading.readDataToEndOfFile())
            drained.signal()
        }
        if exited.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
            return nil
        }
        // A program git started may still hold the pipe open; do not wait for it past the same limit.
        guard drained.wait(timeout: .now() + timeoutSeconds) == .success else { return nil }
        guard process.terminationReason == .exit, process.terminationStatus == 0 else { return nil }
        return String(decoding: collected.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Bytes handed from the reading thread to the caller.
private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = Data()
    var data: Data { lock.withLock { bytes } }
    func set(_ data: Data) { lock.withLock { bytes = data } }
}
