import Bench
import DeviceLink
import Foundation
import Glibc
import PowerMeter
import XCTest

/// A labgrid farm on loopback for the tests: a real `labgrid-coordinator` (gRPC, labgrid 26) on a free port, a real
/// `labgrid-exporter` exporting each virtual board's serial line as a `RawSerialPort` (the exporter starts ser2net
/// with an RFC 2217 accepter on it when the place is acquired), and one place per board. Each board is the firmware
/// under QEMU (`VirtualBoard`) whose UART is relayed to a pseudo-terminal. `stop()` ends every process.
final class LabgridFarm: @unchecked Sendable {
    struct Tools {
        var client: String
        var coordinator: String
        var exporter: String
    }

    /// labgrid's programs (the pinned `.venv-tinyhil` of ci/python-env, or `TINYHIL_LABGRID_CLIENT`'s folder), or a
    /// skip — a failure under CI=true, where ci/install-deps must have installed them.
    static func tools() throws -> Tools {
        let missing: String
        do {
            let client = try LabgridClient.locate()
            let folder = (client as NSString).deletingLastPathComponent
            let coordinator = folder + "/labgrid-coordinator", exporter = folder + "/labgrid-exporter"
            if FileManager.default.isExecutableFile(atPath: coordinator), FileManager.default.isExecutableFile(atPath: exporter) {
                if ChildProcess.find("ser2net") != nil || FileManager.default.isExecutableFile(atPath: "/usr/sbin/ser2net") {
                    return Tools(client: client, coordinator: coordinator, exporter: exporter)
                }
                missing = "ser2net is not installed (Debian package ser2net; ci/install-deps installs it)"
            } else {
                missing = "labgrid-coordinator/labgrid-exporter not beside \(client)"
            }
        } catch {
            missing = "\(error)"
        }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            throw LabgridError.clientFailed(command: "labgrid tests", status: -1, output: "under CI=true labgrid must be installed: \(missing)")
        }
        throw XCTSkip("labgrid is not installed here (\(missing)); ci/python-env installs the pinned labgrid")
    }

    let tools: Tools
    let address: String
    let directory: String
    let boards: [PseudoTerminalBoard]
    /// With `start(meter: true)`: the simulated PPK2 behind place-1's `meter` resource.
    private(set) var meter: PseudoTerminalPPK2?
    private let coordinator: ChildProcess
    private var exporter: ChildProcess?

    /// The client for this farm's coordinator.
    var client: LabgridClient { LabgridClient(executable: tools.client, coordinator: address, commandTimeout: .seconds(20)) }

    /// Starts the coordinator, `boardCount` virtual boards, the exporter (groups `pico-1`…, each with a `board`
    /// resource, and `extraExport` YAML appended) and places `place-1`… matching `tinyhil-farm/pico-N/*`.
    /// With `meter`, group pico-1 also exports a `meter`: a pseudo-terminal served by the PPK2 simulator.
    static func start(
        boardCount: Int, meter: Bool = false, extraExport: String = "", extraPlaces: [String: String] = [:]
    ) async throws -> LabgridFarm {
        let tools = try tools()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-labgrid-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let port = try freeLoopbackPort()
        let address = "127.0.0.1:\(port)"
        // The coordinator keeps places.yaml in its working directory: the temporary one.
        let coordinator = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "cd \"$1\" && shift && exec \"$@\"", "sh", directory, tools.coordinator, "-l", address],
            outputPath: directory + "/coordinator.log", lifeline: true)
        var boards: [PseudoTerminalBoard] = []
        let farm: LabgridFarm
        do {
            for _ in 0..<boardCount { boards.append(try await PseudoTerminalBoard.start()) }
            farm = LabgridFarm(tools: tools, address: address, directory: directory, boards: boards, coordinator: coordinator)
        } catch {
            coordinator.terminate()
            for board in boards { await board.stop() }
            throw error
        }
        do {
            try await farm.waitFor("the coordinator") { try await farm.client.runRaw(["-x", address, "places"]).exitStatus == 0 }
            var export = ""
            for (index, board) in boards.enumerated() {
                export += "pico-\(index + 1):\n  board:\n    cls: RawSerialPort\n    port: \(board.path)\n    speed: 115200\n"
                if meter && index == 0 {
                    let ppk2 = try PseudoTerminalPPK2()
                    farm.meter = ppk2
                    export += "  meter:\n    cls: RawSerialPort\n    port: \(ppk2.path)\n    speed: 115200\n"
                }
            }
            export += extraExport
            try export.write(toFile: directory + "/exporter.yaml", atomically: true, encoding: .utf8)
            farm.exporter = try ChildProcess(
                executable: "/bin/sh",
                arguments: ["-c", "cd \"$1\" && shift && exec \"$@\"", "sh", directory, tools.exporter, "-c", address,
                            "-n", "tinyhil-farm", "--hostname", "127.0.0.1", directory + "/exporter.yaml"],
                outputPath: directory + "/exporter.log", lifeline: true)
            try await farm.waitFor("the exporter's resources") {
                let listed = try await farm.client.runRaw(["-x", address, "resources"]).output
                return (1...max(boardCount, 1)).allSatisfy { boardCount == 0 || listed.contains("tinyhil-farm/pico-\($0)/") }
                    && (extraExport.isEmpty || listed.contains("tinyhil-farm/spare/"))
            }
            var places: [String: String] = [:]
            for index in 0..<boardCount { places["place-\(index + 1)"] = "tinyhil-farm/pico-\(index + 1)/*" }
            places.merge(extraPlaces) { $1 }
            for (place, match) in places.sorted(by: { $0.key < $1.key }) {
                _ = try await farm.client.run(place: place, ["create"])
                _ = try await farm.client.run(place: place, ["add-match", match])
            }
        } catch {
            await farm.stop()
            throw error
        }
        return farm
    }

    private init(tools: Tools, address: String, directory: String, boards: [PseudoTerminalBoard], coordinator: ChildProcess) {
        self.tools = tools
        self.address = address
        self.directory = directory
        self.boards = boards
        self.coordinator = coordinator
    }

    /// Who holds `place` (`acquired:` of `labgrid-client show`), nil when nobody.
    func holder(of place: String) async throws -> String? {
        let shown = try await client.run(place: place, ["show"])
        guard let line = shown.split(separator: "\n").first(where: { $0.contains("acquired:") }) else { return nil }
        let value = line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return value == "None" ? nil : value
    }

    /// Polls `condition` every 200 ms for up to `seconds`.
    func waitFor(_ what: String, seconds: Double = 30, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        let logs = ["coordinator.log", "exporter.log"].compactMap { try? String(contentsOfFile: directory + "/" + $0, encoding: .utf8) }
        throw LabgridError.clientFailed(command: "waiting for \(what)", status: -1, output: "not within \(seconds) s; logs: \(logs.joined(separator: "\n").suffix(2000))")
    }

    func stop() async {
        exporter?.terminate(grace: .seconds(3))  // SIGTERM: the exporter stops its ser2net processes
        exporter = nil
        coordinator.terminate(grace: .seconds(2))
        for board in boards { await board.stop() }
        await meter?.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func freeLoopbackPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TransportError.openFailed(endpoint: "127.0.0.1:0", reason: "bind") }
        return UInt16(bigEndian: address.sin_port)
    }
}

/// The virtual board (QEMU) with its UART relayed to a pseudo-terminal: `path` is the serial port an exporter
/// serves. The relay keeps one slave descriptor open so the master does not hang up between ser2net's opens.
final class PseudoTerminalBoard: @unchecked Sendable {
    let path: String
    private let board: VirtualBoard
    private let master: PseudoTerminalTransport
    private let slave: Int32
    private let relays: [Task<Void, Never>]

    static func start() async throws -> PseudoTerminalBoard {
        let box = UARTBox()
        let board = try await VirtualBoard.start(wrapTransport: { uart in
            box.set(uart)
            return uart
        })
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431 /* TIOCSPTLCK */, &unlock) == 0,
              ioctl(master, 0x8004_5430 /* TIOCGPTN */, &number) == 0 else {
            await board.close()
            throw TransportError.openFailed(endpoint: "/dev/ptmx", reason: "open/ioctl")
        }
        let path = "/dev/pts/\(number)"
        let slave = open(path, O_RDWR | O_NOCTTY)
        let transport = try PseudoTerminalTransport(adopting: master, endpoint: "pty master of \(path)")
        guard let uart = box.get() else { throw TransportError.openFailed(endpoint: "virtual board", reason: "no UART") }
        // From now on the board is reached through the pty only: this process never talks to it directly.
        let relays = [
            Task { await relay(from: uart, to: transport) },
            Task { await relay(from: transport, to: uart) },
        ]
        return PseudoTerminalBoard(path: path, board: board, master: transport, slave: slave, relays: relays)
    }

    private init(path: String, board: VirtualBoard, master: PseudoTerminalTransport, slave: Int32, relays: [Task<Void, Never>]) {
        self.path = path
        self.board = board
        self.master = master
        self.slave = slave
        self.relays = relays
    }

    func stop() async {
        for relay in relays { relay.cancel() }
        await board.close()
        await master.close()
        Glibc.close(slave)
    }
}

private final class UARTBox: @unchecked Sendable {
    private let lock = NSLock()
    private var uart: SocketTransport?
    func set(_ value: SocketTransport) { lock.withLock { uart = value } }
    func get() -> SocketTransport? { lock.withLock { uart } }
}

private func relay<Source: Transport, Destination: Transport>(from source: Source, to destination: Destination) async {
    while !Task.isCancelled {
        guard let bytes = try? await source.read(maxBytes: 4096, timeout: .milliseconds(100)) else { return }
        if !bytes.isEmpty { try? await destination.write(bytes) }
    }
}

/// The PPK2 simulator (PowerMeter's `PPK2Simulator`, idle current, no marker) on the master side of a
/// pseudo-terminal whose slave `path` an exporter serves as the place's `meter`.
final class PseudoTerminalPPK2: @unchecked Sendable {
    let path: String
    let simulator: PPK2Simulator
    private let master: PseudoTerminalTransport
    private let slave: Int32
    private let serving: Task<Void, Never>

    init() throws {
        let fd = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard fd >= 0, ioctl(fd, 0x4004_5431 /* TIOCSPTLCK */, &unlock) == 0, ioctl(fd, 0x8004_5430 /* TIOCGPTN */, &number) == 0 else {
            throw TransportError.openFailed(endpoint: "/dev/ptmx", reason: "open/ioctl")
        }
        path = "/dev/pts/\(number)"
        slave = open(path, O_RDWR | O_NOCTTY)
        master = try PseudoTerminalTransport(adopting: fd, endpoint: "pty master of \(path)")
        // A raw line: the PPK2 protocol is binary (no echo, no line editing on the slave side).
        var settings = termios()
        tcgetattr(slave, &settings)
        cfmakeraw(&settings)
        tcsetattr(slave, TCSANOW, &settings)
        let simulator = PPK2Simulator(
            transport: master, calibration: .uncalibrated,
            script: PPK2Script(segments: [.init(samples: 1000, current: .milliamperes(5))]))
        self.simulator = simulator
        serving = Task { await simulator.run() }
    }

    func stop() async {
        serving.cancel()
        await master.close()
        Glibc.close(slave)
    }
}
