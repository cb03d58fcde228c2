#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An exclusive, process-wide lock on one board, so two test processes never share it.
///
/// `flock` on `<lock dir>/<key>.lock` for every key of the board's identity (``BoardIdentity``: the USB serial
/// number, the resolved device path, the resolved address), so every spelling of one board meets at least one
/// common lock file. The lock directory is this user's own (see ``LockFile``). The holder writes its PID into
/// each file so a refused caller can name it. The kernel releases the lock when the holder exits, even after a
/// crash. Held until `release()` or deinit.
public final class BoardLock: Sendable {
    /// The first key's lock file.
    public let path: String
    /// Every lock file held, one per identity key.
    public let paths: [String]
    private let files: [LockFile]

    /// The directory lock files live in: `$XDG_RUNTIME_DIR/tinyhil-locks`, else `/tmp/tinyhil-locks-<uid>`.
    /// Created with mode 0700; refused unless it is a real directory of this user that others cannot write.
    public static var directory: String {
        if let runtime = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return runtime + "/tinyhil-locks"
        }
        return "/tmp/tinyhil-locks-\(getuid())"
    }

    /// Takes the lock for `key` or throws `DeviceError.boardBusy` naming the holder. Never waits.
    public static func acquire(key: String, endpoint: String) throws(DeviceError) -> BoardLock {
        try acquire(keys: [key], endpoint: endpoint)
    }

    /// Takes the locks of all `keys` (all or none) or throws `DeviceError.boardBusy` naming the holder.
    /// Never waits.
    public static func acquire(keys: [String], endpoint: String) throws(DeviceError) -> BoardLock {
        let names = Array(Set(keys.map(fileName(forKey:)))).sorted()
        guard !names.isEmpty else { throw .lockFailed(path: directory, errno: EINVAL) }
        var held: [LockFile] = []
        for name in names {
            let outcome: LockFile.Outcome
            do {
                outcome = try LockFile.acquire(directory: directory, name: name, wait: .never)
            } catch {
                held.forEach { $0.release() }
                if case let .systemCallFailed(path, _, code) = error { throw .lockFailed(path: path, errno: code) }
                throw .lockUnsafe(error)
            }
            switch outcome {
            case let .acquired(file): held.append(file)
            case let .busy(holder, path):
                held.forEach { $0.release() }
                throw .boardBusy(endpoint: endpoint, holderPID: holder, lockPath: path)
            }
        }
        return BoardLock(files: held)
    }

    /// `<key>.lock` with every character other than letters, digits, `-` and `.` replaced by `_`.
    static func fileName(forKey key: String) -> String {
        let safe = String(key.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") ? $0 : "_" })
        return (safe.hasPrefix(".") ? "_" + safe.dropFirst() : safe) + ".lock"
    }

    private init(files: [LockFile]) {
        self.files = files
        self.paths = files.map(\.path)
        self.path = paths[0]
    }

    /// Releases the locks now (deinit does it otherwise). Safe to call twice.
    public func release() { files.forEach { $0.release() } }
}
