#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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

    /// Runs git in `directory` (`git -C`: its working directory), with repository hooks that run programs
    /// (`core.fsmonitor`) disabled, in a process group of its own that is killed whole after `timeoutSeconds`
    /// (an alias or helper git started dies with it). Output goes to a private temporary file, so a long output
    /// cannot stall git on a full pipe. Nil on any failure or timeout.
    static func git(_ arguments: [String], in directory: URL, timeoutSeconds: Double = gitTimeoutSeconds) -> String? {
        guard let git = executable(named: "git") else { return nil }
        let outputPath = NSTemporaryDirectory() + "tinyhil-git-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).out"
        defer { unlink(outputPath) }
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_OPTIONAL_LOCKS"] = "0"  // `git status` must not take the index lock of a running git
        let argv = [git, "-c", "core.fsmonitor=false", "-C", directory.path] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnvironment: [UnsafeMutablePointer<CChar>?] = envp.map { strdup($0) } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, git, &actions, &attributes, cArguments, cEnvironment) == 0 else { return nil }

        var status: Int32 = 0
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeoutSeconds * 1000))
        var exited = false
        while !exited {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno != EINTR) {
                exited = true
            } else if ContinuousClock.now >= deadline {
                kill(-pid, SIGKILL)  // git and anything it started
                _ = waitpid(pid, &status, 0)
                return nil
            } else {
                usleep(5_000)
            }
        }
        kill(-pid, SIGKILL)  // helpers git left behind in its group
        guard status == 0, let data = FileManager.default.contents(atPath: outputPath) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `name` on PATH, found once per name.
    private static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }
}
