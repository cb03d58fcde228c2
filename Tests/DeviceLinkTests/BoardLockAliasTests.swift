import Foundation
import XCTest

@testable import DeviceLink

#if canImport(Glibc)
import Glibc
#endif

/// Every spelling of one board takes the same lock (issue 14 item 4); different boards do not.
final class BoardLockAliasTests: XCTestCase {
    private func endpoint(_ text: String) throws -> DeviceEndpoint { try DeviceEndpoint.parse(text) }

    /// Locks `first`, then expects `second` to be refused as busy (same board) and released afterwards.
    private func assertSameBoard(_ first: String, _ second: String, ports: [SerialPortInfo] = [],
                                 file: StaticString = #filePath, line: UInt = #line) throws {
        let a = BoardIdentity.of(try endpoint(first), ports: ports)
        let b = BoardIdentity.of(try endpoint(second), ports: ports)
        XCTAssertTrue(a.overlaps(b), "\(first) \(a.keys) and \(second) \(b.keys) share no key", file: file, line: line)
        let held = try BoardLock.acquire(keys: a.keys, endpoint: first)
        XCTAssertThrowsError(try BoardLock.acquire(keys: b.keys, endpoint: second), file: file, line: line) { error in
            guard case let .boardBusy(endpoint, pid, _)? = error as? DeviceError else {
                return XCTFail("\(error)", file: file, line: line)
            }
            XCTAssertEqual(endpoint, second, file: file, line: line)
            XCTAssertEqual(pid, getpid(), file: file, line: line)
        }
        held.release()
        try BoardLock.acquire(keys: b.keys, endpoint: second).release()
    }

    private func assertDifferentBoards(_ first: String, _ second: String, ports: [SerialPortInfo] = [],
                                       file: StaticString = #filePath, line: UInt = #line) throws {
        let a = BoardIdentity.of(try endpoint(first), ports: ports)
        let b = BoardIdentity.of(try endpoint(second), ports: ports)
        XCTAssertFalse(a.overlaps(b), "\(first) \(a.keys) and \(second) \(b.keys) share a key", file: file, line: line)
        let held = try BoardLock.acquire(keys: a.keys, endpoint: first)
        XCTAssertNoThrow(try BoardLock.acquire(keys: b.keys, endpoint: second).release(), file: file, line: line)
        held.release()
    }

    func testLoopbackSpellingsOfOnePortAreOneBoard() throws {
        try withPrivateLockDirectory { _ in
            let port = Int.random(in: 20_000...60_000)
            let spellings = ["tcp://localhost:\(port)", "tcp://127.0.0.1:\(port)", "tcp://LOCALHOST:\(port)",
                             "tcp://[::1]:\(port)", "tcp://127.0.0.2:\(port)", "tcp://0.0.0.0:\(port)",
                             "rfc2217://localhost:\(port)"]
            for first in spellings {
                for second in spellings where second != first { try assertSameBoard(first, second) }
            }
            try assertDifferentBoards("tcp://localhost:\(port)", "tcp://localhost:\(port + 1)")
        }
    }

    func testThisMachinesOwnAddressIsTheLocalBoard() throws {
        // A server listening on all interfaces answers on the host's own addresses as on loopback.
        let local = BoardIdentity.localAddresses().filter { !BoardIdentity.isLoopbackOrUnspecified($0) }
        guard let address = local.sorted().first else { throw XCTSkip("no non-loopback interface") }
        let host = address.contains(":") ? "[\(address)]" : address
        try withPrivateLockDirectory { _ in try assertSameBoard("tcp://127.0.0.1:4242", "tcp://\(host):4242") }
    }

    func testRemoteAddressesAreKeyedNumerically() {
        // A numeric remote address resolves to itself, without DNS.
        XCTAssertEqual(BoardIdentity.of(.tcp(host: "192.0.2.7", port: 5000)).keys, ["tcp-192.0.2.7-5000"])
        XCTAssertFalse(BoardIdentity.of(.tcp(host: "192.0.2.7", port: 5000))
            .overlaps(BoardIdentity.of(.tcp(host: "192.0.2.8", port: 5000))))
    }

    func testSymlinkChainsAndTheirTargetAreOneBoard() throws {
        let scratch = try makeScratchDirectory("devices")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // A stand-in for /dev/ttyACM0 and udev's /dev/serial/by-id/… link (relative, two levels up), plus a
        // link to the link and a path with `..` in it.
        let device = scratch + "/ttyACM0"
        FileManager.default.createFile(atPath: device, contents: nil)
        try FileManager.default.createDirectory(atPath: scratch + "/serial/by-id", withIntermediateDirectories: true)
        let byID = scratch + "/serial/by-id/usb-Raspberry_Pi_Pico_E6614103E7452D2F-if00"
        try FileManager.default.createSymbolicLink(atPath: byID, withDestinationPath: "../../ttyACM0")
        let linkToLink = scratch + "/pico"
        try FileManager.default.createSymbolicLink(atPath: linkToLink, withDestinationPath: byID)
        let dotted = scratch + "/serial/../ttyACM0"
        let other = scratch + "/ttyACM1"
        FileManager.default.createFile(atPath: other, contents: nil)
        try withPrivateLockDirectory { _ in
            for (first, second) in [(device, byID), (byID, device), (linkToLink, device), (dotted, byID),
                                    (byID, "pty:\(device)")] {
                try assertSameBoard(first, second)
            }
            try assertDifferentBoards(device, other)
            try assertDifferentBoards(byID, other)
        }
    }

    func testUSBSerialNumberAndItsPortAreOneBoard() throws {
        let scratch = try makeScratchDirectory("devices")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let device = scratch + "/ttyACM0"
        FileManager.default.createFile(atPath: device, contents: nil)
        let link = scratch + "/by-id-link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: device)
        let ports = [SerialPortInfo(path: device, usbVendorID: 0x2E8A, usbProductID: 0x000A, usbSerialNumber: "E6614103E7452D2F")]
        try withPrivateLockDirectory { _ in
            try assertSameBoard("serial:E6614103E7452D2F", device, ports: ports)
            try assertSameBoard("serial:E6614103E7452D2F", link, ports: ports)
            try assertSameBoard(link, "serial:E6614103E7452D2F", ports: ports)
            try assertDifferentBoards("serial:E6614103E7452D2F", "serial:0000000000000000", ports: ports)
        }
    }

    func testEndpointOpenUsesTheCanonicalKeys() throws {
        XCTAssertEqual(try endpoint("tcp://localhost:7000").lockKeys(), try endpoint("tcp://127.0.0.1:7000").lockKeys())
        XCTAssertEqual(try endpoint("tcp://localhost:7000").lockKey(), "tcp-local-7000")
    }
}
