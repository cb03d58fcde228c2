#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An exclusive, process-wide lock on one board, so two test processes never share it.
///
/// `flock` on `<runtime dir>/tinyhil-locks/<key>.lock`, where the key is the board's USB serial number or its
/// endpoint. The holder writes its PID into the file so a refused caller can name it. The kernel releases the lock
/// when the holder exits, even after a crash. Held until `release()` or deinit.
public final class BoardLock: Sendable {
    public let path: String
    private let descriptor: LockDescriptor

    /// The directory lock files live in: `$XDG_RUNTIME_DIR/tinyhil-locks`, else `/tmp/tinyhil-locks-<uid>`.
    public static var directory: String {
        if let runtime = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return runtime + "/tinyhil-locks"
        }
        return "/tmp/tinyhil-locks-\(getuid())"
    }

    /// Takes the lock for `key` or throws `DeviceError.boardBusy` naming the holder. Never waits.
    public static func acquire(key: String, endpoint: String) throws(DeviceError) -> BoardLock {
        let directory = Self.directory
        mkdir(directory, 0o700)
        let safeKey = String(key.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
        let path = "\(directory)/\(safeKey).lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .lockFailed(path: path, errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = Self.readPID(fd: fd)
            POSIX.close(fd)
            throw .boardBusy(endpoint: endpoint, holderPID: holder, lockPath: path)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return BoardLock(path: path, descriptor: LockDescriptor(fd: fd))
    }

    private init(path: String, descriptor: LockDescriptor) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Releases the lock now (deinit does it otherwise). Safe to call twice.
    public func release() { descriptor.release() }

    private static func readPID(fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// The lock file's descriptor; closing it drops the flock.
private final class LockDescriptor: @unchecked Sendable {
    private let lock = NSLock()
    private var fd: Int32

    init(fd: Int32) { self.fd = fd }

    func release() {
        lock.withLock {
            guard fd >= 0 else { return }
            POSIX.close(fd)
            fd = -1
        }
    }

    deinit { release() }
}
