import Foundation
import TinyHILTestSupport
import XCTest

@testable import DeviceLink

#if canImport(Glibc)
import Glibc
#endif

/// The RFC 2217 transport against a real ser2net (Debian package `ser2net`, installed by `ci/install-deps`), started
/// per test on a loopback port and bridging to a pseudo-terminal the test owns, so the test sees the exact bytes and
/// the termios settings ser2net applied.
final class RFC2217Ser2netTests: XCTestCase {
    func testBinaryPayloadWithFFRoundTripsThroughSer2net() async throws {
        let line = try TestSerialLine()
        let server = try Ser2netServer(accepter: "telnet(rfc2217)", devicePath: line.path, initialSettings: "9600n81")
        defer { server.stop() }
        let transport = try await RFC2217Transport.connect(host: "127.0.0.1", port: server.port)
        // Connect set 115200 8N1 (from 9600 in the configuration): visible on the pty.
        XCTAssertEqual(try line.outputSpeed(), speed_t(B115200))
        let payload: [UInt8] = Array(0...255) + [0xFF, 0xFF, 0xFF, 0x00, 0xFF] + Array((0...255).reversed())
        try await transport.write(payload)
        let atDevice = try await line.device.readExactly(payload.count)
        XCTAssertEqual(atDevice, payload)
        try await line.device.write(payload)
        let atClient = try await transport.readExactly(payload.count)
        XCTAssertEqual(atClient, payload)
        await transport.close()
    }

    func testBaudRateAndStopBitsChangedMidSessionShowOnThePty() async throws {
        let line = try TestSerialLine()
        let server = try Ser2netServer(accepter: "telnet(rfc2217)", devicePath: line.path, initialSettings: "115200n81")
        defer { server.stop() }
        let transport = try await RFC2217Transport.connect(host: "127.0.0.1", port: server.port)
        XCTAssertEqual(try line.outputSpeed(), speed_t(B115200))
        XCTAssertEqual(try line.controlFlags() & tcflag_t(CSTOPB), 0)
        try await transport.write([1, 2, 3])
        let received1 = try await line.device.readExactly(3)
        XCTAssertEqual(received1, [1, 2, 3])

        try await transport.setBaudRate(bitsPerSecond: 9600)
        XCTAssertEqual(try line.outputSpeed(), speed_t(B9600))
        XCTAssertEqual(try line.inputSpeed(), speed_t(B9600))
        try await transport.setStopBits(.two)
        XCTAssertNotEqual(try line.controlFlags() & tcflag_t(CSTOPB), 0)
        // Data size and parity are confirmed by ser2net; a Linux pty forces CS8 without parity, so they cannot be
        // seen in its termios (a real UART would show them).
        try await transport.setDataBits(7)
        try await transport.setParity(.even)
        try await transport.purge(.both)
        try await transport.setBaudRate(bitsPerSecond: 57600)
        XCTAssertEqual(try line.outputSpeed(), speed_t(B57600))
        // The session still carries data after the changes.
        try await transport.write([0xFF, 4])
        let received2 = try await line.device.readExactly(2)
        XCTAssertEqual(received2, [0xFF, 4])
        try await line.device.write([5, 0xFF])
        let received3 = try await transport.readExactly(2)
        XCTAssertEqual(received3, [5, 0xFF])
        await transport.close()
    }

    func testControlLineThePtyCannotSetIsUnconfirmedWithinTheTimeout() async throws {
        // ser2net answers SET-CONTROL only when the port takes it; a pty has no DTR, so no answer comes.
        let line = try TestSerialLine()
        let server = try Ser2netServer(accepter: "telnet(rfc2217)", devicePath: line.path)
        defer { server.stop() }
        let transport = try await RFC2217Transport.connect(host: "127.0.0.1", port: server.port, answerTimeout: .milliseconds(500))
        let start = ContinuousClock.now
        do {
            try await transport.setDataTerminalReady(true)
            XCTFail("a pty confirmed DTR")
        } catch {
            guard case .noAnswer = error else { return XCTFail("\(error)") }
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(3))
        await transport.close()
    }

    func testKilledServerMidReadIsClosedNotAHang() async throws {
        let line = try TestSerialLine()
        let server = try Ser2netServer(accepter: "telnet(rfc2217)", devicePath: line.path)
        defer { server.stop() }
        let transport = try await RFC2217Transport.connect(host: "127.0.0.1", port: server.port)
        let reader = Task { try await transport.read(maxBytes: 16, timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        server.kill()
        do {
            let bytes = try await reader.value
            XCTFail("read returned \(bytes) after the server died")
        } catch let error as TransportError {
            XCTAssertEqual(error, .closed(endpoint: "rfc2217://127.0.0.1:\(server.port)"))
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
        await transport.close()
    }

    func testPlainTelnetAccepterRefusesComPortOption() async throws {
        let line = try TestSerialLine()
        let server = try Ser2netServer(accepter: "telnet", devicePath: line.path)
        defer { server.stop() }
        let start = ContinuousClock.now
        do {
            _ = try await RFC2217Transport.connect(host: "127.0.0.1", port: server.port, answerTimeout: .seconds(5))
            XCTFail("a telnet accepter without rfc2217 was accepted")
        } catch {
            XCTAssertEqual(
                error,
                .optionRefused(endpoint: "rfc2217://127.0.0.1:\(server.port)", option: "COM-PORT-OPTION", answer: "DONT COM-PORT-OPTION"))
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(3))
    }

    func testRawAccepterGivesNoAnswerWithinTheTimeout() async throws {
        let line = try TestSerialLine()
        let server = try Ser2netServer(accepter: "", devicePath: line.path)
        defer { server.stop() }
        let start = ContinuousClock.now
        do {
            _ = try await RFC2217Transport.connect(host: "127.0.0.1", port: server.port, answerTimeout: .milliseconds(800))
            XCTFail("a raw TCP accepter was accepted")
        } catch {
            guard case .noAnswer = error else { return XCTFail("\(error)") }
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(3))
    }

    func testDeviceEndpointOpensRFC2217() async throws {
        let line = try TestSerialLine()
        let server = try Ser2netServer(accepter: "telnet(rfc2217)", devicePath: line.path)
        defer { server.stop() }
        let transport = try await DeviceEndpoint.parse("rfc2217://127.0.0.1:\(server.port)").openTransport()
        XCTAssertEqual(transport.endpoint, "rfc2217://127.0.0.1:\(server.port)")
        try await transport.write([0xFF])
        let received4 = try await line.device.readExactly(1)
        XCTAssertEqual(received4, [0xFF])
        await transport.close()
    }

    func testVirtualBoardAnswersHelloThroughSer2net() async throws {
        // QEMU's UART socket ↔ (relay) ↔ pty ↔ ser2net ↔ RFC 2217 ↔ Device.
        let uartBox = UARTBox()
        let board = try await VirtualBoard.start(wrapTransport: { uart in
            uartBox.uart = uart
            return uart
        })
        let direct = try await board.device.hello()
        let uart = try XCTUnwrap(uartBox.uart)
        let line = try TestSerialLine()
        let ptyMaster = line.device
        let toPty = Task { await relayBytes(from: uart, to: ptyMaster) }
        let fromPty = Task { await relayBytes(from: ptyMaster, to: uart) }
        let server = try Ser2netServer(accepter: "telnet(rfc2217)", devicePath: line.path)
        do {
            let transport = try await RFC2217Transport.connect(host: "127.0.0.1", port: server.port)
            let device = Device(transport: transport)
            let remote = try await device.hello()
            XCTAssertEqual(remote.firmwareVersion, direct.firmwareVersion)
            XCTAssertEqual(remote.bootCount, direct.bootCount)
            XCTAssertEqual(remote.cpuHz, direct.cpuHz)
            await device.close()
        } catch {
            XCTFail("\(error)")
        }
        server.stop()
        toPty.cancel()
        fromPty.cancel()
        await board.shutdown()
        await line.device.close()
    }
}

/// Copies bytes from one transport to the other until cancelled or either end closes.
private func relayBytes<Source: Transport, Destination: Transport>(from source: Source, to destination: Destination) async {
    while !Task.isCancelled {
        guard let bytes = try? await source.read(maxBytes: 4096, timeout: .milliseconds(100)) else { return }
        if !bytes.isEmpty { try? await destination.write(bytes) }
    }
}

/// Holds QEMU's UART connection handed out by `VirtualBoard.start(wrapTransport:)`.
private final class UARTBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: SocketTransport?
    var uart: SocketTransport? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

/// A pseudo-terminal standing in for a serial port: ser2net opens `path`; the test is the "device" on the master
/// side, and keeps one slave descriptor open itself (so the master does not hang up between ser2net's opens, and to
/// read the termios ser2net set).
final class TestSerialLine: @unchecked Sendable {
    let path: String
    let device: PseudoTerminalTransport
    private let slave: Int32

    init() throws {
        let (master, path) = try openPseudoTerminal()
        self.path = path
        slave = open(path, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw TransportError.openFailed(endpoint: path, reason: String(cString: strerror(errno))) }
        device = try PseudoTerminalTransport(adopting: master, endpoint: "pty master of \(path)")
    }

    deinit { Glibc.close(slave) }

    private func settings() throws -> termios {
        var settings = termios()
        guard tcgetattr(slave, &settings) == 0 else { throw TransportError.ioFailed(endpoint: path, operation: "tcgetattr", errno: errno) }
        return settings
    }

    func outputSpeed() throws -> speed_t {
        var current = try settings()
        return cfgetospeed(&current)
    }

    func inputSpeed() throws -> speed_t {
        var current = try settings()
        return cfgetispeed(&current)
    }

    func controlFlags() throws -> tcflag_t { try settings().c_cflag }
}

/// One ser2net process serving one connection on a free loopback port, configured by a YAML file in a temporary
/// directory. Killed (SIGKILL: ser2net ignores SIGTERM in the foreground) by `stop()` or deinit.
final class Ser2netServer: @unchecked Sendable {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "ser2net is not installed (Debian package ser2net): run ci/install-deps, which installs it"
        }
    }

    let port: UInt16
    private let process = Process()
    private let directory: URL

    /// `accepter` is the gensio layer before `tcp`, e.g. `telnet(rfc2217)`, `telnet`, or "" for raw TCP.
    init(accepter: String, devicePath: String, initialSettings: String = "115200n81", timeout: Duration = .seconds(10)) throws {
        let executable = try Self.executable()
        port = try Self.freeLoopbackPort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-ser2net-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stack = accepter.isEmpty ? "tcp" : "\(accepter),tcp"
        let configuration = """
            %YAML 1.1
            ---
            connection: &bench
              accepter: \(stack),127.0.0.1,\(port)
              connector: serialdev,\(devicePath),\(initialSettings),local
              options:
                mdns: false

            """
        let configurationFile = directory.appendingPathComponent("ser2net.yaml")
        try configuration.write(to: configurationFile, atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("ser2net.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        // -n: foreground; -u: no UUCP lock files (the pty is ours); -c: our configuration only.
        process.arguments = ["-n", "-u", "-c", configurationFile.path]
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = process.standardOutput
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while !Self.isListening(port: port) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                stop()
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw TransportError.openFailed(endpoint: "ser2net on port \(port)", reason: "not listening: \(output)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    deinit { stop() }

    /// Kills ser2net at once (its connections drop without a Telnet goodbye).
    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }

    func stop() {
        kill()
        if process.processIdentifier > 0 { process.waitForExit() }
        try? FileManager.default.removeItem(at: directory)
    }

    static func executable() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/local/sbin"] {
            let candidate = directory + "/ser2net"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        // In CI a missing server is a setup failure, not a reason to skip.
        if ProcessInfo.processInfo.environment["CI"] == "true" { throw Missing() }
        throw XCTSkip(Missing().description)
    }

    /// A port the kernel just handed out on 127.0.0.1 (released again, for ser2net to bind).
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

    /// True when a socket listens on 127.0.0.1:`port` (from /proc/net/tcp, without connecting: a probe connection
    /// would make ser2net open and close the serial device).
    static func isListening(port: UInt16) -> Bool {
        guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return false }
        let local = String(format: "0100007F:%04X", port)
        return table.split(separator: "\n").contains { row in
            let fields = row.split(separator: " ")
            return fields.count > 3 && fields[1] == local && fields[3] == "0A"
        }
    }
}

extension Transport {
    /// Reads until `count` bytes arrived; fails after `timeout` without enough.
    func readExactly(_ count: Int, timeout: Duration = .seconds(5)) async throws -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        var bytes: [UInt8] = []
        while bytes.count < count {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else {
                throw ShortRead(endpoint: endpoint, expected: count, received: bytes)
            }
            bytes += try await read(maxBytes: count - bytes.count, timeout: remaining)
        }
        return bytes
    }
}

/// `readExactly` gave up: fewer bytes arrived than expected.
struct ShortRead: Error, CustomStringConvertible {
    var endpoint: String
    var expected: Int
    var received: [UInt8]
    var description: String { "\(endpoint): only \(received.count) of \(expected) bytes arrived: \(received)" }
}
