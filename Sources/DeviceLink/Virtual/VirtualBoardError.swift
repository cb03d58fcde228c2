/// Why the virtual board (firmware under QEMU) could not be started.
public enum VirtualBoardError: Error, Equatable, Sendable, CustomStringConvertible {
    /// qemu-system-arm, make or the ARM toolchain is not installed.
    case toolMissing(name: String)
    /// The repository (with firmware/Makefile) is not where it was expected.
    case repositoryNotFound(path: String)
    /// `make -C firmware` failed; `output` is its last lines.
    case firmwareBuildFailed(command: String, output: String)
    case launchFailed(executable: String, reason: String)
    /// QEMU exited before the host could connect; `output` is what it printed.
    case emulatorExited(status: Int32, output: String)
    /// QEMU's serial socket did not accept a connection in time.
    case connectTimedOut(socketPath: String, seconds: Double)

    public var description: String {
        switch self {
        case let .toolMissing(name):
            "\(name) is not installed: run ci/install-deps (Debian: qemu-system-arm, gcc-arm-none-eabi, libnewlib-arm-none-eabi, make)."
        case let .repositoryNotFound(path):
            "no TinyHIL checkout at \(path) (firmware/Makefile missing): pass the repository URL to VirtualBoard."
        case let .firmwareBuildFailed(command, output):
            "building the firmware failed (\(command)):\n\(output)"
        case let .launchFailed(executable, reason): "cannot start \(executable): \(reason)."
        case let .emulatorExited(status, output):
            "QEMU exited (status \(status)) before the host connected:\n\(output)"
        case let .connectTimedOut(path, seconds):
            "QEMU's serial socket \(path) did not accept a connection within \(seconds) s: the machine may be overloaded; retry."
        }
    }
}
