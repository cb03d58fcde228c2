#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A spawned program in its own process group, so terminating it leaves nothing behind. Terminated (SIGTERM, then
/// SIGKILL after a grace period) and reaped by `terminate()` or, at the latest, by deinit.
package final class ChildProcess: @unchecked Sendable {
    package let pid: pid_t
    package let executable: String
    private let lock = NSLock()
    private var exitStatus: Int32?
    /// Write end of the child's stdin pipe (parent side), or -1.
    private var lifelineFD: Int32 = -1

    /// Starts `executable` (a path) with `arguments`; stdout and stderr go to `outputPath`.
    /// stdin is /dev/null, or with `lifeline` a pipe that only this process holds open: the child sees end-of-file
    /// on stdin when this process exits, however it exits.
    package init(executable: String, arguments: [String], outputPath: String, lifeline: Bool = false) throws(VirtualBoardError) {
        self.executable = executable
        var pipeFDs: [Int32] = [-1, -1]
        if lifeline {
            guard pipe(&pipeFDs) == 0 else { throw .launchFailed(executable: executable, reason: "pipe: \(POSIX.errorText)") }
            for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        defer { if pipeFDs[0] >= 0 { POSIX.close(pipeFDs[0]) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        // The spawning (dispatch) thread blocks most signals and the runtime ignores SIGPIPE; a child inherits both,
        // which would make QEMU deaf to SIGTERM and sh's `wait` miss SIGCHLD. Start it with a clean slate.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGCHLD, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if lifeline {
            posix_spawn_file_actions_adddup2(&actions, pipeFDs[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard status == 0 else {
            if pipeFDs[1] >= 0 { POSIX.close(pipeFDs[1]) }
            throw .launchFailed(executable: executable, reason: String(cString: strerror(status)))
        }
        pid = child
        lifelineFD = pipeFDs[1]
    }

    deinit { terminate(grace: .milliseconds(500)) }

    /// Exit status once the process has ended (reaps it), nil while it runs.
    package var exitCode: Int32? {
        lock.withLock {
            if exitStatus == nil { reap(blocking: false) }
            return exitStatus
        }
    }

    /// Blocks until the process ends; returns its raw wait status (0 = exited with 0).
    package func waitUntilExit() -> Int32 {
        lock.withLock {
            reap(blocking: true)
            return exitStatus ?? -1
        }
    }

    /// Sends SIGTERM to the whole process group, waits up to `grace`, then SIGKILL (at once when `grace` is zero);
    /// always reaps. Idempotent.
    package func terminate(grace: Duration = .seconds(2)) {
        lock.withLock {
            reap(blocking: false)
            if exitStatus != nil {
                kill(-pid, SIGKILL)  // helpers left in the group
                if lifelineFD >= 0 {
                    POSIX.close(lifelineFD)
                    lifelineFD = -1
                }
                return
            }
            if grace > .zero { kill(-pid, SIGTERM) }
            let deadline = ContinuousClock.now + grace
            while ContinuousClock.now < deadline {
                reap(blocking: false)
                if exitStatus != nil { break }
                usleep(10_000)
            }
            if exitStatus == nil {
                kill(-pid, SIGKILL)
                reap(blocking: true)
            }
            kill(-pid, SIGKILL)  // anything the program itself started in its group
            if lifelineFD >= 0 {
                POSIX.close(lifelineFD)
                lifelineFD = -1
            }
        }
    }

    /// Caller holds `lock`.
    private func reap(blocking: Bool) {
        guard exitStatus == nil else { return }
        var status: Int32 = 0
        let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
        if result == pid {
            exitStatus = status
        } else if result < 0 && errno == ECHILD {
            exitStatus = -1
        }
    }

    /// Finds `name` on PATH (nil when absent).
    package static func find(_ name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
