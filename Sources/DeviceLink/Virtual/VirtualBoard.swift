#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The virtual bench's board: the TinyHIL firmware for `mps2-an385` under
/// `qemu-system-arm -M mps2-an385 -icount shift=0` (deterministic instruction counts), its UART0 on a Unix socket
/// that QEMU serves in wait mode (the guest starts only once the host is connected, so nothing is lost).
///
/// QEMU ends with the board: `close()` (the `Board` lifecycle). Closing only `device` leaves QEMU running until
/// `close()`; a board dropped without `close()` is stopped by deinit, and QEMU's watchdog kills it when this process
/// ends however it ends. QEMU runs in its own process group, which is killed as a whole.
public final class VirtualBoard: Board {
    /// The connected board (HELLO already answered).
    public let device: Device
    /// Results from the virtual board are filed under this identifier.
    public let boardID = "virtual-mps2-an385"
    /// QEMU's serial socket; `connect()` opens another connection after the first one closed.
    public let socketPath: String
    /// QEMU's process id (for diagnostics and tests).
    public let emulatorPID: Int32
    private let process: ChildProcess
    private let directory: String

    private init(device: Device, socketPath: String, process: ChildProcess, directory: String) {
        self.device = device
        self.socketPath = socketPath
        self.process = process
        self.emulatorPID = process.pid
        self.directory = directory
    }

    deinit {
        process.terminate(grace: .zero)
        Self.removeDirectory(directory)
    }

    /// Builds the firmware if stale, starts QEMU, connects and says HELLO.
    /// - Parameters:
    ///   - repository: the TinyHIL checkout holding `firmware/` (default: the one this file was compiled from).
    ///   - lockKey: when set, an exclusive `BoardLock` under this key is held for the board's lifetime.
    ///   - wrapTransport: lets tests put a `ByteCountingTransport` or `FaultInjectingTransport` on the link.
    public static func start(
        repository: URL = FirmwareBuild.defaultRepository, timeouts: DeviceTimeouts = .standard,
        startupTimeout: Duration = .seconds(20), lockKey: String? = nil, firmwareVersion: String? = nil,
        wrapTransport: (@Sendable (SocketTransport) -> any Transport)? = nil
    ) async throws -> VirtualBoard {
        guard let qemu = ChildProcess.find("qemu-system-arm") else { throw VirtualBoardError.toolMissing(name: "qemu-system-arm") }
        let elf = try await FirmwareBuild.ensureBuilt(repository: repository, firmwareVersion: firmwareVersion)
        let lock = try lockKey.map { key throws(DeviceError) in try BoardLock.acquire(key: key, endpoint: "virtual board") }
        var template = Array("/tmp/tinyhil-vb-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw VirtualBoardError.launchFailed(executable: qemu, reason: "mkdtemp: \(POSIX.errorText)")
        }
        let directory = String(cString: made)
        let socketPath = directory + "/uart.sock"
        let outputPath = directory + "/qemu.log"
        let process: ChildProcess
        do {
            // QEMU (which ignores SIGTERM while -icount keeps its vCPU busy, so it is killed with SIGKILL; it has no
            // state worth saving) runs under a small sh watchdog that kills it when this process's end of the stdin pipe closes,
            // so even a crashed or killed test process leaves no emulator behind; sh exits with QEMU's status.
            let watchdog = "exec 3<&0; \"$@\" </dev/null & q=$!; { read _ <&3; kill -9 $q 2>/dev/null; } & wait $q"
            process = try ChildProcess(
                executable: "/bin/sh",
                arguments: [
                    "-c", watchdog, "tinyhil-qemu", qemu,
                    "-M", "mps2-an385", "-icount", "shift=0", "-nographic", "-monitor", "none",
                    "-serial", "unix:\(socketPath),server=on,wait=on", "-kernel", elf.path,
                ], outputPath: outputPath, lifeline: true)
        } catch {
            removeDirectory(directory)
            throw error
        }
        do {
            let transport = try await connect(socketPath: socketPath, process: process, outputPath: outputPath, timeout: startupTimeout)
            let device = Device(transport: wrapTransport?(transport) ?? transport, lock: lock, timeouts: timeouts)
            let board = VirtualBoard(device: device, socketPath: socketPath, process: process, directory: directory)
            try await closingOnFailure(board.close) { () async throws(DeviceError) in _ = try await device.hello() }
            return board
        } catch {
            process.terminate(grace: .zero)
            removeDirectory(directory)
            lock?.release()
            throw error
        }
    }

    /// Starts a board, runs `body` and shuts the board down whatever happens (also when `body` throws).
    public static func withBoard<T: Sendable>(
        repository: URL = FirmwareBuild.defaultRepository, timeouts: DeviceTimeouts = .standard,
        _ body: (VirtualBoard) async throws -> T
    ) async throws -> T {
        let board = try await start(repository: repository, timeouts: timeouts)
        return try await closing(board.close) { try await body(board) }
    }

    /// Opens another connection to the running board's UART (after a previous connection closed; QEMU accepts one
    /// client at a time).
    public func connect(timeout: Duration = .seconds(5)) async throws -> SocketTransport {
        try await Self.connect(socketPath: socketPath, process: process, outputPath: directory + "/qemu.log", timeout: timeout)
    }

    /// True while QEMU runs.
    public var isRunning: Bool { process.exitCode == nil }

    /// Closes the device and stops QEMU. Safe to call twice.
    public func close() async {
        await device.close()
        let process = self.process
        await runBlocking { () throws(Never) in process.terminate(grace: .zero) }
    }

    @available(*, deprecated, renamed: "close()")
    public func shutdown() async { await close() }

    private static func connect(socketPath: String, process: ChildProcess, outputPath: String, timeout: Duration)
        async throws -> SocketTransport
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = process.exitCode {
                let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
                throw VirtualBoardError.emulatorExited(status: status, output: output)
            }
            if FileManager.default.fileExists(atPath: socketPath),
                let transport = try? await SocketTransport.connect(unixPath: socketPath, timeout: .seconds(1))
            {
                return transport
            }
            if ContinuousClock.now >= deadline {
                throw VirtualBoardError.connectTimedOut(socketPath: socketPath, seconds: Device.seconds(timeout))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private static func removeDirectory(_ directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
