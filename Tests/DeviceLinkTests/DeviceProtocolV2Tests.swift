import DeviceLink
import Foundation
import TinyHILTestSupport
import XCTest

/// Protocol v2 on the host: chunked inputs and outputs, model slots, duplicate suppression by CRC, version
/// mismatch with a v1 board, and timeouts bounded by max_payload.
final class DeviceProtocolV2Tests: XCTestCase {
    private func makeBoard(_ options: FakeBoard.Options = .init(), timeouts: DeviceTimeouts = .init(command: .milliseconds(300), perInference: .milliseconds(300)))
        -> (Device, FakeBoard, Task<Void, Never>)
    {
        let (host, boardEnd) = InProcessTransport.pair()
        let board = FakeBoard(transport: boardEnd, options: options)
        let task = Task { await board.run() }
        return (Device(transport: host, timeouts: timeouts), board, task)
    }

    func testInputAndOutputLargerThanOneFrameAreChunked() async throws {
        // 3000-byte input and 2500-byte output against 1024-byte frames.
        let (device, board, task) = makeBoard(.init(inputBytes: 3000, outputBytes: 2500))
        defer { task.cancel() }
        try await device.load(Array(repeating: 7, count: 300))
        let input = (0..<3000).map { UInt8(truncatingIfNeeded: $0 * 31 + 5) }
        let reply = try await device.infer(input)
        XCTAssertEqual(reply.output, Array(input.reversed().prefix(2500)))
        let executed = await board.executed
        XCTAssertEqual(executed.filter { $0 == .inputChunk }.count, 3, "3000 bytes in chunks of 1020")
        XCTAssertEqual(executed.filter { $0 == .outputChunk }.count, 3, "2500 bytes in chunks of 1020")
        // INFER_BATCH falls back to one chunked INFER per input, top-1 computed from the full output.
        let inputs = [input, input.map { $0 &+ 1 }]
        let results = try await device.inferBatch(inputs, mode: .top1)
        for (index, result) in results.enumerated() {
            let output = board.fakeOutput(inputs[index]).map { Int8(bitPattern: $0) }
            let best = output.indices.min { output[$0] > output[$1] || (output[$0] == output[$1] && $0 < $1) }!
            XCTAssertEqual(result, .top1(counter: 1000, index: UInt32(best), value: Int32(output[best])))
        }
        await device.close()
    }

    func testTwoSlotsAreSelectedWithoutReupload() async throws {
        let (device, board, task) = makeBoard()
        defer { task.cancel() }
        let baseline = [UInt8](repeating: 1, count: 250)
        let candidate = [UInt8](repeating: 2, count: 150)
        let first = try await device.load(baseline, slot: 0)
        let second = try await device.load(candidate, slot: 1)
        XCTAssertEqual(first.slot, 0)
        XCTAssertEqual(second.slot, 1)
        let chunksAfterLoads = await board.executed.filter { $0 == .loadChunk }.count
        for _ in 0..<3 {
            let a = try await device.select(slot: 0)
            XCTAssertEqual(a.modelCRC32, CRC32.checksum(baseline))
            _ = try await device.infer([UInt8](repeating: 3, count: 16))
            let b = try await device.select(slot: 1)
            XCTAssertEqual(b.modelCRC32, CRC32.checksum(candidate))
        }
        let chunksAfterSelects = await board.executed.filter { $0 == .loadChunk }.count
        XCTAssertEqual(chunksAfterSelects, chunksAfterLoads, "SELECT must not upload again")
        do {
            _ = try await device.select(slot: 2)
            XCTFail("slot 2 of a 2-slot board was accepted")
        } catch {
            guard case .badState = error else { return XCTFail("\(error)") }
        }
        await device.close()
    }

    func testBaudSwitchHoldsWhenTheBoardFollowsAndFallsBackWhenItDoesNot() async throws {
        for switches in [true, false] {
            let line = SimulatedSerialLine()
            let (host, boardEnd) = InProcessTransport.pair()
            let board = FakeBoard(transport: boardEnd, options: .init(line: line, switchesBaud: switches))
            let task = Task { await board.run() }
            let device = Device(
                transport: RatedTransport(inner: host, line: line),
                timeouts: .init(command: .milliseconds(300), attempts: 2))
            try await device.hello()
            let rate = try await device.switchBaudRate(to: 1_000_000)
            XCTAssertEqual(rate, switches ? 1_000_000 : 115_200, "board switches: \(switches)")
            let hostBaud = await line.hostBaud
            XCTAssertEqual(hostBaud, rate)
            let level = try await device.marker(true)  // the link works at the rate in use
            XCTAssertTrue(level)
            await device.close()
            task.cancel()
        }
    }

    func testVersionOneBoardGetsATypedMismatchNotAnAnswer() async throws {
        let (device, _, task) = makeBoard(.init(protocolVersion: 1))
        defer { task.cancel() }
        do {
            try await device.hello()
            XCTFail("a version 1 board was accepted")
        } catch {
            XCTAssertEqual(error, .versionMismatch(boardProtocolVersion: 1, hostProtocolVersion: 2))
        }
        await device.close()
    }

    func testRetriedSequenceWithAnotherPayloadIsANewRequest() async throws {
        // The fake board keys its duplicate suppression on (sequence, type, CRC); a host session that reuses a
        // sequence number for another payload must get the new request executed.
        let (host, boardEnd) = InProcessTransport.pair()
        let board = FakeBoard(transport: boardEnd)
        let task = Task { await board.run() }
        defer { task.cancel() }
        var decoder = FrameDecoder()
        func call(_ request: Request, sequence: UInt16) async throws -> Frame {
            try await host.write(Frame(type: request.type.rawValue, sequence: sequence, payload: request.payload).wireBytes)
            while true {
                if let frame = decoder.nextFrame() { return frame }
                decoder.append(try await host.read(maxBytes: 4096, timeout: .seconds(5)))
            }
        }
        let high = try await call(.marker(level: 1), sequence: 40)
        let repeated = try await call(.marker(level: 1), sequence: 40)
        let changed = try await call(.marker(level: 0), sequence: 40)
        XCTAssertEqual(high.payload, [1])
        XCTAssertEqual(repeated.payload, [1])
        XCTAssertEqual(changed.payload, [0], "same sequence and type, other CRC: executed, not replayed")
        let markers = await board.executed.filter { $0 == .marker }.count
        XCTAssertEqual(markers, 2)
        await host.close()
    }

    func testTimeoutsStayBoundedWhenABoardClaimsHugeOutputs() async throws {
        // LOAD_END claims a 4 GiB output; every INFER reply is dropped. The timeout must be bounded by max_payload,
        // not scaled by the claimed size (which would wait about 12 days at 250 ms per KiB).
        // Requests: 1 HELLO, 2 LOAD_BEGIN, 3 LOAD_CHUNK (50 bytes), 4 LOAD_END, 5 INFER (its reply is dropped).
        let options = FakeBoard.Options(dropReplyNumbers: [5], announcedOutputBytes: 0xFFFF_FFF0)
        let (device, _, task) = makeBoard(
            options, timeouts: .init(command: .milliseconds(200), perInference: .milliseconds(200), attempts: 1))
        defer { task.cancel() }
        let info = try await device.load(Array(repeating: 9, count: 50))
        XCTAssertEqual(info.outputBytes, 0xFFFF_FFF0)
        let started = ContinuousClock.now
        do {
            _ = try await device.infer([UInt8](repeating: 1, count: 16))
            XCTFail("a dropped reply was not noticed")
        } catch {
            guard case let .timedOut(command, _, seconds, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(command, "INFER")
            // 0.2 s command + 0.2 s per inference + 250 ms per KiB of (16 + at most 1024 + 64) bytes ≈ 0.67 s.
            XCTAssertLessThan(seconds, 1.0)
        }
        XCTAssertLessThan(started.duration(to: .now), .seconds(30))
        await device.close()
    }
}
