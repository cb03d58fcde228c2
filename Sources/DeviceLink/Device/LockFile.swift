#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Why a lock file could not be opened or taken. Every case names the path and what to do.
public enum LockFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The lock directory is not a directory this user owns and alone can write (a symlink, someone else's, or
    /// open to others): another user could plant files in it.
    case unsafeDirectory(path: String, problem: String)
    /// The lock file exists but is not a regular file of this user with one link.
    case unsafeFile(path: String, problem: String)
    /// A system call failed.
    case systemCallFailed(path: String, call: String, errno: Int32)
    /// Another process held the lock for the whole wait.
    case heldTooLong(path: String, holderPID: Int32?, waitedSeconds: Double)

    public var description: String {
        switch self {
        case let .unsafeDirectory(path, problem):
            "the lock directory \(path) is unsafe: \(problem). Remove it (it is recreated with mode 0700) or set "
                + "XDG_RUNTIME_DIR to a directory only you can write."
        case let .unsafeFile(path, problem):
            "the lock file \(path) is unsafe: \(problem). Remove it; it is recreated on the next run."
        case let .systemCallFailed(path, call, code):
            "\(call) on \(path) failed: \(String(cString: strerror(code))) (errno \(code))."
        case let .heldTooLong(path, pid, seconds):
            "\(pid.map { "process \($0)" } ?? "another process") held \(path) for all of \(seconds) s; "
                + "check whether it hangs (stop it) or wait longer."
        }
    }
}

/// A lock file in a directory that only this user can write, taken with `flock`.
///
/// The directory is created with mode 0700 when missing and is then checked through a descriptor opened with
/// `O_DIRECTORY | O_NOFOLLOW`: it must be a real directory (not a symlink), owned by this user, with no group or
/// other permissions. The file is opened relative to that descriptor with `O_NOFOLLOW | O_CLOEXEC` and must be a
/// regular file of this user with a single link, so a planted symlink or hard link is refused before anything
/// is written. The holder writes its PID into the file (only after it holds the lock), so a refused caller can
/// name it. The kernel drops the lock when the descriptor closes, including when the holder crashes.
final class LockFile: @unchecked Sendable {
    let path: String
    private let mutex = NSLock()
    private var fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { release() }

    /// Closes the descriptor, dropping the lock. Safe to call twice.
    func release() {
        mutex.withLock {
            guard fd >= 0 else { return }
            POSIX.close(fd)
            fd = -1
        }
    }

    /// How a caller waits for a lock another process holds.
    enum Wait: Sendable, Equatable {
        /// Fail at once.
        case never
        /// Poll until the lock is free or `seconds` have passed.
        case upTo(seconds: Double)
    }

    /// Outcome of `acquire` when the lock is held elsewhere and the wait ran out.
    enum Outcome {
        case acquired(LockFile)
        case busy(holderPID: Int32?, path: String)
    }

    /// Opens `<directory>/<name>` safely and takes an exclusive flock on it, waiting as `wait` says.
    static func acquire(directory: String, name: String, wait: Wait) throws(LockFileError) -> Outcome {
        let directoryFD = try openOwnedDirectory(directory)
        defer { POSIX.close(directoryFD) }
        let path = "\(directory)/\(name)"
        let fd = openat(directoryFD, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { throw .unsafeFile(path: path, problem: "it is a symbolic link") }
            throw .systemCallFailed(path: path, call: "open", errno: code)
        }
        do {
            try checkOwnedRegularFile(fd: fd, path: path)
        } catch {
            POSIX.close(fd)
            throw error
        }
        let deadline: ContinuousClock.Instant? = switch wait {
        case .never: nil
        case let .upTo(seconds): .now + .milliseconds(Int64(max(0, seconds) * 1000))
        }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                POSIX.close(fd)
                throw .systemCallFailed(path: path, call: "flock", errno: code)
            }
            guard let deadline, ContinuousClock.now < deadline else {
                let holder = readHolderPID(fd: fd)
                POSIX.close(fd)
                return .busy(holderPID: holder, path: path)
            }
            usleep(50_000)
        }
        // Only the holder writes, and only through the descriptor checked above.
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return .acquired(LockFile(path: path, fd: fd))
    }

    /// Creates `path` with mode 0700 if missing and returns a descriptor of it once it is proven to be this
    /// user's own directory (not a symlink, no group/other permissions).
    static func openOwnedDirectory(_ path: String) throws(LockFileError) -> Int32 {
        if mkdir(path, 0o700) != 0, errno != EEXIST {
            throw .systemCallFailed(path: path, call: "mkdir", errno: errno)
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw .systemCallFailed(path: path, call: "lstat", errno: errno) }
        if info.st_mode & S_IFMT == S_IFLNK { throw .unsafeDirectory(path: path, problem: "it is a symbolic link") }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { throw .unsafeDirectory(path: path, problem: "it is a symbolic link") }
            if code == ENOTDIR { throw .unsafeDirectory(path: path, problem: "it is not a directory") }
            throw .systemCallFailed(path: path, call: "open", errno: code)
        }
        // Checked on the descriptor: what is checked is what is used, even if the name is swapped meanwhile.
        guard fstat(fd, &info) == 0 else {
            let code = errno
            POSIX.close(fd)
            throw .systemCallFailed(path: path, call: "fstat", errno: code)
        }
        let problem: String? =
            if info.st_mode & S_IFMT != S_IFDIR { "it is not a directory" }
            else if info.st_uid != getuid() { "it belongs to user \(info.st_uid), not to you (user \(getuid()))" }
            else if info.st_mode & 0o077 != 0 {
                "its mode is \(String(info.st_mode & 0o777, radix: 8)); others may write into it (want 700)"
            } else { nil }
        if let problem {
            POSIX.close(fd)
            throw .unsafeDirectory(path: path, problem: problem)
        }
        return fd
    }

    private static func checkOwnedRegularFile(fd: Int32, path: String) throws(LockFileError) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .systemCallFailed(path: path, call: "fstat", errno: errno) }
        if info.st_mode & S_IFMT != S_IFREG { throw .unsafeFile(path: path, problem: "it is not a regular file") }
        if info.st_uid != getuid() { throw .unsafeFile(path: path, problem: "it belongs to user \(info.st_uid)") }
        if info.st_nlink != 1 { throw .unsafeFile(path: path, problem: "it has \(info.st_nlink) hard links") }
    }

    private static func readHolderPID(fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
