import Foundation
import XCTest

@testable import DeviceLink

#if canImport(Glibc)
import Glibc
#endif

final class TransportTests: XCTestCase {
    func testInProcessPairDeliversAndTimesOut() async throws {
        let (a, b) = InProcessTransport.pair()
        try await a.write([1, 2, 3])
        let first = try await b.read(maxBytes: 2, timeout: .seconds(1))
        let second = try await b.read(maxBytes: 10, timeout: .seconds(1))
        let none = try await b.read(maxBytes: 10, timeout: .milliseconds(20))
        XCTAssertEqual(first, [1, 2])
        XCTAssertEqual(second, [3])
        XCTAssertEqual(none, [])
        await a.close()
        await assertClosed { try await b.read(maxBytes: 1, timeout: .seconds(1)) }
    }

    func testPseudoTerminalRawModeTimeoutAndHangup() async throws {
        let (master, path) = try openPseudoTerminal()
        let host = try PseudoTerminalTransport(path: path)
        let board = try PseudoTerminalTransport(adopting: master, endpoint: "pty master")
        // Raw mode: 0x00, 0x0A, 0x0D, 0x03 (^C), 0x11 (XON) pass unchanged.
        let bytes: [UInt8] = [0x00, 0x0A, 0x0D, 0x03, 0x11, 0x13, 0xFF]
        try await host.write(bytes)
        var received: [UInt8] = []
        while received.count < bytes.count { received += try await board.read(maxBytes: 64, timeout: .seconds(2)) }
        XCTAssertEqual(received, bytes)
        let none = try await host.read(maxBytes: 8, timeout: .milliseconds(30))
        XCTAssertEqual(none, [])
        await board.close()
        await assertClosed { try await host.read(maxBytes: 1, timeout: .seconds(2)) }
        await host.close()
        await host.close()  // twice is fine
    }

    func testUnixSocketEchoAndPeerClose() async throws {
        let path = NSTemporaryDirectory() + "tinyhil-test-\(getpid()).sock"
        let listener = try UnixListener(path: path)
        defer { listener.close() }
        async let accepted = listener.acceptOne()
        let client = try await SocketTransport.connect(unixPath: path)
        let serverFD = try await accepted
        let server = try SocketTransport(adopting: serverFD, endpoint: "server")
        try await client.write(Array(0...255))
        var received: [UInt8] = []
        while received.count < 256 { received += try await server.read(maxBytes: 1000, timeout: .seconds(2)) }
        XCTAssertEqual(received, Array(0...255))
        await server.close()
        await assertClosed { try await client.read(maxBytes: 1, timeout: .seconds(2)) }
        await client.close()
    }

    func testTCPConnectRefusedIsOpenFailed() async {
        do {
            _ = try await SocketTransport.connect(host: "127.0.0.1", port: 1, timeout: .seconds(1))
            XCTFail("connected to port 1")
        } catch {
            guard case .openFailed = error else { return XCTFail("\(error)") }
        }
    }

    func testReadIsInterruptedByClose() async throws {
        let (a, _) = InProcessTransport.pair()
        let path = NSTemporaryDirectory() + "tinyhil-test-close-\(getpid()).sock"
        let listener = try UnixListener(path: path)
        defer { listener.close() }
        async let accepted = listener.acceptOne()
        let client = try await SocketTransport.connect(unixPath: path)
        _ = try await accepted
        let reader = Task { try await client.read(maxBytes: 1, timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(50))
        let start = ContinuousClock.now
        await client.close()
        do {
            _ = try await reader.value
            XCTFail("read returned after close")
        } catch {}
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
        await a.close()
    }

    private func assertClosed(_ body: () async throws -> [UInt8], file: StaticString = #filePath, line: UInt = #line) async {
        do {
            let bytes = try await body()
            XCTFail("expected .closed, got \(bytes)", file: file, line: line)
        } catch let error as TransportError {
            guard case .closed = error else { return XCTFail("\(error)", file: file, line: line) }
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }
}

/// Opens a pty pair through /dev/ptmx; returns the master descriptor and the slave's path.
func openPseudoTerminal() throws -> (Int32, String) {
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    guard master >= 0 else { throw TransportError.openFailed(endpoint: "/dev/ptmx", reason: "open") }
    var unlock: Int32 = 0
    var number: UInt32 = 0
    guard ioctl(master, 0x4004_5431 /* TIOCSPTLCK */, &unlock) == 0, ioctl(master, 0x8004_5430 /* TIOCGPTN */, &number) == 0 else {
        throw TransportError.openFailed(endpoint: "/dev/ptmx", reason: "ioctl")
    }
    return (master, "/dev/pts/\(number)")
}

/// A listening Unix-domain socket for transport tests.
final class UnixListener: @unchecked Sendable {
    let fd: Int32
    let path: String

    init(path: String) throws {
        self.path = path
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(fd, 4) == 0 else { throw TransportError.openFailed(endpoint: path, reason: "bind/listen") }
    }

    func acceptOne() async throws -> Int32 {
        let fd = self.fd
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: accept(fd, nil, nil)) }
        }
    }

    func close() {
        Glibc.close(fd)
        unlink(path)
    }
}
