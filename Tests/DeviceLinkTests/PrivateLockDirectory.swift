import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Points `BoardLock.directory` at a fresh private directory (`XDG_RUNTIME_DIR`) for the duration of `body`, so
/// lock tests neither see nor disturb the locks of other test processes on the machine.
func withPrivateLockDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-runtime-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: false,
                                            attributes: [.posixPermissions: 0o700])
    let previous = getenv("XDG_RUNTIME_DIR").map { String(cString: $0) }
    setenv("XDG_RUNTIME_DIR", runtime, 1)
    defer {
        if let previous { setenv("XDG_RUNTIME_DIR", previous, 1) } else { unsetenv("XDG_RUNTIME_DIR") }
        try? FileManager.default.removeItem(atPath: runtime)
    }
    return try body(runtime + "/tinyhil-locks")
}

/// A fresh temporary directory, removed by the caller.
func makeScratchDirectory(_ label: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-\(label)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false,
                                            attributes: [.posixPermissions: 0o700])
    return path
}
