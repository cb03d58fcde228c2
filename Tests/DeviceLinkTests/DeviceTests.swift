import DeviceLink
import Foundation
import TinyHILTestSupport
import XCTest

final class DeviceTests: XCTestCase {
    private func makeBoard(_ options: FakeBoard.Options = .init(), timeouts: DeviceTimeouts = .init(command: .milliseconds(300), perInference: .milliseconds(300)))
        -> (Device, FakeBoard, Task<Void, Never>)
    {
        let (host, boardEnd) = InProcessTransport.pair()
        let board = FakeBoard(transport: boardEnd, options: options)
        let task = Task { await board.run() }
        return (Device(transport: host, timeouts: timeouts), board, task)
    }

    func testModelTooLargeIsRefusedBeforeUploadWithBothSizes() async throws {
        let (device, board, task) = makeBoard(.init(modelCapacityBytes: 1000))
        defer { task.cancel() }
        try await device.hello()
        do {
            try await device.load([UInt8](repeating: 1, count: 1001))
            XCTFail("a 1001-byte model was accepted by a 1000-byte board")
        } catch {
            XCTAssertEqual(error, .modelTooLarge(modelBytes: 1001, capacityBytes: 1000, board: "board 'fake-board' at in-process-a"))
            XCTAssertTrue(error.description.contains("1001") && error.description.contains("1000"), error.description)
        }
        let executed = await board.executed
        XCTAssertEqual(executed, [.hello], "nothing but HELLO may reach the board")
        await device.close()
    }

    func testLoadInferAndBatchAgainstFakeBoard() async throws {
        let (device, board, task) = makeBoard()
        defer { task.cancel() }
        let model = (0..<950).map { UInt8($0 % 251) }
        let info = try await device.load(model)
        XCTAssertEqual(info.modelCRC32, CRC32.checksum(model))
        XCTAssertEqual(info.inputBytes, 16)
        let input = (0..<16).map { UInt8($0 * 3) }
        let reply = try await device.infer(input)
        XCTAssertEqual(reply.output, [45, 42, 39, 36])
        let inputs = (0..<200).map { seed in (0..<16).map { UInt8(truncatingIfNeeded: seed * 7 + $0) } }
        let results = try await device.inferBatch(inputs)
        XCTAssertEqual(results.count, 200)
        for (index, result) in results.enumerated() {
            XCTAssertEqual(result, .fullOutput(counter: 1000, output: board.fakeOutput(inputs[index])))
        }
        let executed = await board.executed
        XCTAssertEqual(executed.filter { $0 == .loadChunk }.count, 10, "950 bytes in 100-byte chunks")
        XCTAssertGreaterThan(executed.filter { $0 == .inferBatch }.count, 1, "200 inputs need several frames")
        await device.close()
    }

    func testLostRepliesAreRetriedWithoutExecutingTwice() async throws {
        // The board drops its reply to the 2nd frame it receives (MARKER); the host re-sends with the same sequence.
        let (device, board, task) = makeBoard(.init(dropReplyNumbers: [2]))
        defer { task.cancel() }
        try await device.hello()
        let level = try await device.marker(true)
        XCTAssertTrue(level)
        let executed = await board.executed
        XCTAssertEqual(executed, [.hello, .marker], "the retry was answered from the duplicate-suppression cache")
        let statistics = await device.statistics
        XCTAssertEqual(statistics.retries, 1)
        await device.close()
    }

    func testSilentBoardTimesOutWithTypedError() async throws {
        let (host, _) = InProcessTransport.pair()
        let device = Device(transport: host, timeouts: .init(command: .milliseconds(50), attempts: 2))
        let start = ContinuousClock.now
        do {
            try await device.hello()
            XCTFail("no board answered")
        } catch {
            guard case .timedOut(let command, _, _, let attempts) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(command, "HELLO")
            XCTAssertEqual(attempts, 2)
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))
    }

    func testVanishedBoardIsTyped() async throws {
        let (host, boardEnd) = InProcessTransport.pair()
        let device = Device(transport: host)
        await boardEnd.close()
        do {
            try await device.hello()
            XCTFail("closed transport answered")
        } catch {
            XCTAssertEqual(error, .boardVanished(endpoint: host.endpoint))
        }
    }

    func testRebootIsDetectedThroughBootCount() async throws {
        let (device, board, task) = makeBoard()
        defer { task.cancel() }
        try await device.load(Array(repeating: 1, count: 10))
        await board.reboot()
        do {
            _ = try await device.infer(Array(repeating: 0, count: 16))
            XCTFail("inference after a reboot succeeded")
        } catch {
            XCTAssertEqual(error, .boardRebooted(endpoint: device.endpoint, previousBootCount: 1, bootCount: 2))
        }
        do {
            _ = try await device.infer(Array(repeating: 0, count: 16))
            XCTFail("no model after reboot")
        } catch {
            XCTAssertEqual(error, .noModelLoaded)
        }
        await device.close()
    }

    func testInputSizeIsCheckedBeforeSending() async throws {
        let (device, _, task) = makeBoard()
        defer { task.cancel() }
        try await device.load(Array(repeating: 1, count: 10))
        do {
            _ = try await device.infer([1, 2, 3])
            XCTFail("wrong input size accepted")
        } catch {
            XCTAssertEqual(error, .inputSizeMismatch(expectedBytes: 16, gotBytes: 3))
        }
        await device.close()
    }

    func testBoardLockIsExclusiveAndNamesTheHolder() throws {
        let key = "test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let first = try BoardLock.acquire(key: key, endpoint: "bench A")
        XCTAssertThrowsError(try BoardLock.acquire(key: key, endpoint: "bench A")) { error in
            guard case .boardBusy(let endpoint, let pid, _) = error as? DeviceError else { return XCTFail("\(error)") }
            XCTAssertEqual(endpoint, "bench A")
            XCTAssertEqual(pid, getpid())
        }
        first.release()
        let second = try BoardLock.acquire(key: key, endpoint: "bench A")
        second.release()
        try? FileManager.default.removeItem(atPath: first.path)
    }

    func testUSBIdentitiesAreClassified() {
        XCTAssertEqual(SerialPortInfo(path: "/dev/ttyACM0", usbVendorID: 0x2E8A, usbProductID: 0x000A).likelyKind, .raspberryPiBoard)
        XCTAssertEqual(SerialPortInfo(path: "/dev/ttyACM1", usbVendorID: 0x1915, usbProductID: 0xC00A).likelyKind, .nordicPPK2)
        XCTAssertEqual(SerialPortInfo(path: "/dev/ttyUSB0", usbVendorID: 0x10C4, usbProductID: 0xEA60).likelyKind, .usbUARTBridge(chip: "Silicon Labs CP210x"))
        XCTAssertEqual(SerialPortInfo(path: "/dev/ttyS0").likelyKind, .other)
        XCTAssertTrue(SerialPortKind.raspberryPiBoard.isLikelyBoard)
        XCTAssertFalse(SerialPortKind.nordicPPK2.isLikelyBoard)
    }

    func testEndpointParsing() throws {
        XCTAssertEqual(try DeviceEndpoint.parse("virtual"), .virtual)
        XCTAssertEqual(try DeviceEndpoint.parse("/dev/ttyACM0"), .serialPath("/dev/ttyACM0"))
        XCTAssertEqual(try DeviceEndpoint.parse("/dev/pts/4"), .pseudoTerminal(path: "/dev/pts/4"))
        XCTAssertEqual(try DeviceEndpoint.parse("serial:E6614103"), .serialNumber("E6614103"))
        XCTAssertEqual(try DeviceEndpoint.parse("tcp://127.0.0.1:5555"), .tcp(host: "127.0.0.1", port: 5555))
        XCTAssertEqual(try DeviceEndpoint.parse("tcp://[::1]:80"), .tcp(host: "::1", port: 80))
        XCTAssertEqual(try DeviceEndpoint.parse("unix:/tmp/x.sock"), .unixSocket(path: "/tmp/x.sock"))
        XCTAssertThrowsError(try DeviceEndpoint.parse("tcp://host"))
        XCTAssertThrowsError(try DeviceEndpoint.parse("COM3"))
    }
}
