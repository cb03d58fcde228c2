/// Why flashing a board (`tinyhil flash`, `FirmwarePolicy.reflash`) failed, with what to do about it.
public enum FlashError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No mounted RPI-RP2 drive within the wait: the board is not in BOOTSEL mode (or the drive is not mounted).
    case noDriveFound(searched: [String], waitedSeconds: Double)
    /// `path` has no INFO_UF2.TXT: not a UF2 bootloader drive.
    case notABootloaderDrive(path: String)
    /// The drive's INFO_UF2.TXT names another chip (an RP2350, a SAMD21, ...).
    case notAnRP2040Drive(path: String, info: String)
    /// Several RPI-RP2 drives are mounted: which one is ambiguous.
    case severalDrives([String])
    /// The UF2 could not be written to the drive.
    case writeFailed(path: String, reason: String)
    /// The image to flash is missing or not a UF2 for the RP2040.
    case imageUnusable(path: String, reason: String)
    /// After flashing, the board did not answer HELLO at `endpoint` in time (`lastProblem`: what the last try saw).
    case boardDidNotReturn(endpoint: String, waitedSeconds: Double, lastProblem: String)
    /// After flashing, the board at `endpoint` answered, but with other firmware than was flashed.
    case wrongFirmwareAnswered(endpoint: String, reported: FirmwareIdentity, expected: FirmwareIdentity)
    /// `openocd` is not installed (or not at the given path).
    case openOCDMissing(tried: String)
    /// openocd exited with an error; `output` is its last lines (stderr and stdout).
    case openOCDFailed(command: String, status: Int32, output: String)
    /// openocd did not finish within the wait and was stopped.
    case openOCDTimedOut(command: String, seconds: Double, output: String)
    /// The firmware could not be built or its identity read.
    case firmware(FirmwareIdentityError)

    public var description: String {
        switch self {
        case let .noDriveFound(searched, seconds):
            "no RPI-RP2 drive appeared within \(seconds) s (looked in \(searched.isEmpty ? "no mounted filesystem" : searched.joined(separator: ", "))): "
                + "hold the Pico's BOOTSEL button while plugging it in, make sure the drive is mounted (udisksctl mount, or your desktop), "
                + "or pass its mount point with --drive; with a debug probe use --via openocd."
        case let .notABootloaderDrive(path):
            "\(path) has no INFO_UF2.TXT: it is not a UF2 bootloader drive. Pass the RPI-RP2 drive's mount point with --drive."
        case let .notAnRP2040Drive(path, info):
            "\(path) is a UF2 drive of another chip (INFO_UF2.TXT: \(info.split(whereSeparator: \.isNewline).joined(separator: "; "))); "
                + "TinyHIL's Pico firmware needs an RP2040 (Board-ID: RPI-RP2)."
        case let .severalDrives(paths):
            "several RPI-RP2 drives are mounted (\(paths.joined(separator: ", "))): pass the one to flash with --drive."
        case let .writeFailed(path, reason):
            "cannot write the UF2 to \(path): \(reason). Check that the drive is mounted writable and not full; re-enter BOOTSEL and retry."
        case let .imageUnusable(path, reason):
            "cannot flash \(path): \(reason). Rebuild it with make -C firmware board=pico."
        case let .boardDidNotReturn(endpoint, seconds, problem):
            "the board did not answer HELLO at \(endpoint) within \(seconds) s after flashing (last try: \(problem)). Check the UART "
                + "wiring (GP0/GP1 to the debug probe), that the port is right (--bench), and that the board left BOOTSEL."
        case let .wrongFirmwareAnswered(endpoint, reported, expected):
            "after flashing, the board at \(endpoint) runs firmware \(reported), not the flashed \(expected): another board may be "
                + "on that port, or the copy did not take; check --bench and flash again."
        case let .openOCDMissing(tried):
            "openocd is not installed (\(tried)): install it (Debian: apt-get install openocd) or flash through BOOTSEL (--via bootsel)."
        case let .openOCDFailed(command, status, output):
            "openocd failed (status \(status)): \(command)\n\(output)\nCheck the debug probe's USB connection and SWD wiring "
                + "(SWCLK, SWDIO, GND), or flash through BOOTSEL (--via bootsel)."
        case let .openOCDTimedOut(command, seconds, output):
            "openocd did not finish within \(seconds) s and was stopped: \(command)\n\(output)"
        case let .firmware(error): "\(error)"
        }
    }
}
