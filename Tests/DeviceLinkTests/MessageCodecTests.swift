import XCTest

@testable import DeviceLink

final class MessageCodecTests: XCTestCase {
    func testRequestsRoundTrip() throws {
        let requests: [Request] = [
            .hello(hostProtocolVersion: 2),
            .loadBegin(modelBytes: 123_456, modelCRC32: 0xDEAD_BEEF, storage: .flash, slot: 1),
            .loadChunk(offset: 1020, bytes: [1, 0, 2, 0]),
            .loadEnd,
            .infer(input: [9, 8, 7]),
            .inferBatch(mode: .top1, inputs: [[1, 2], [3, 4], [5, 6]]),
            .profile(input: [0, 0, 1]),
            .profile(input: [], markerMode: .perOperator),
            .inputChunk(offset: 8188, bytes: [1, 2, 3]),
            .outputChunk(offset: 70_000, count: 8188),
            .select(slot: 1),
            .setBaud(1_000_000),
            .marker(level: 1),
            .reset(.reboot),
            .runWindow(inferences: 100, input: [4, 4]),
        ]
        for request in requests {
            let parsed = try Request(type: request.type.rawValue, payload: request.payload, inputBytes: 2)
            XCTAssertEqual(parsed, request)
        }
        // Hand-assembled payloads (little-endian) pin the byte layout independently of the encoder.
        XCTAssertEqual(
            Request.loadBegin(modelBytes: 0x0403_0201, modelCRC32: 0x0807_0605, storage: .ram).payload,
            [1, 2, 3, 4, 5, 6, 7, 8, 0, 0])
        XCTAssertEqual(
            Request.loadBegin(modelBytes: 1, modelCRC32: 2, storage: .flash, slot: 1).payload,
            [1, 0, 0, 0, 2, 0, 0, 0, 1, 1])
        XCTAssertEqual(Request.profile(input: [9, 8], markerMode: .perOperator).payload, [1, 9, 8])
        XCTAssertEqual(Request.inputChunk(offset: 0x0102, bytes: [0xEE]).payload, [2, 1, 0, 0, 0xEE])
        XCTAssertEqual(Request.outputChunk(offset: 0x0003_0201, count: 0x0504).payload, [1, 2, 3, 0, 4, 5])
        XCTAssertEqual(Request.select(slot: 1).payload, [1])
        XCTAssertEqual(Request.setBaud(1_000_000).payload, [0x40, 0x42, 0x0F, 0x00])
        XCTAssertEqual(Request.inferBatch(mode: .fullOutput, inputs: [[0xAA], [0xBB]]).payload, [0, 2, 0, 0xAA, 0xBB])
        XCTAssertEqual(Request.runWindow(inferences: 258, input: [7]).payload, [2, 1, 0, 0, 7])
    }

    func testHelloReplyParsesHandAssembledPayload() throws {
        var payload: [UInt8] = [2, 1, 0x00, 0x04, 4, 0x02]  // version, instructions, max_payload 1024, 4 outstanding, marker
        payload += [0x80, 0xF0, 0xFA, 0x02]  // cpu_hz 50_000_000
        payload += [0x00, 0x00, 0x40, 0x00]  // ram 4 MiB
        payload += [0x00, 0x00, 0x10, 0x00]  // model capacity 1 MiB
        payload += [0x00, 0x00, 0x08, 0x00]  // arena capacity 512 KiB
        payload += [3, 0, 0, 0, 7, 0, 0, 0]  // dropped 3, boot 7
        payload += [5] + Array("1.0.0".utf8) + [1] + Array("x".utf8) + [3] + Array("an3".utf8) + [5] + Array("0.1.0".utf8)
        payload += [2, 3, 0, 25, 0]  // CONV_2D (3), SOFTMAX (25)
        payload += [2, 1, 1]  // v2: 2 slots, slot 1 selected, boot reason watchdog
        payload += [0x40, 0x42, 0x0F, 0x00, 0xC0, 0x27, 0x09, 0x00, 0xD0, 0x07, 0x00, 0x00]  // 1e6, 600000 ms, 2000 ms
        let hello = try HelloReply(payload: payload)
        XCTAssertEqual(hello.counterUnit, .instructions)
        XCTAssertEqual(hello.maxPayloadBytes, 1024)
        XCTAssertEqual(hello.maxOutstanding, 4)
        XCTAssertTrue(hello.hasMarkerGPIO)
        XCTAssertFalse(hello.storesModelsInFlash)
        XCTAssertEqual(hello.cpuHz, 50_000_000)
        XCTAssertEqual(hello.ramBytes, 4 << 20)
        XCTAssertEqual(hello.modelCapacityBytes, 1 << 20)
        XCTAssertEqual(hello.arenaCapacityBytes, 512 << 10)
        XCTAssertEqual(hello.framesDropped, 3)
        XCTAssertEqual(hello.bootCount, 7)
        XCTAssertEqual(hello.boardName, "an3")
        XCTAssertEqual(hello.supportedOperators, [3, 25])
        XCTAssertEqual(hello.slotCount, 2)
        XCTAssertEqual(hello.selectedSlot, 1)
        XCTAssertEqual(hello.bootReason, .watchdog)
        XCTAssertEqual(hello.maxWindowInferences, 1_000_000)
        XCTAssertEqual(hello.maxWindowMilliseconds, 600_000)
        XCTAssertEqual(hello.baudConfirmMilliseconds, 2000)
        XCTAssertEqual(hello.payload, payload)
        XCTAssertThrowsError(try HelloReply(payload: Array(payload.dropLast(18)))) { error in
            guard case .truncatedPayload(_, let field, _, _) = error as? ProtocolError else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue(field.contains("supported op"))
        }
    }

    func testRepliesRoundTrip() throws {
        let info = ModelInfo(
            modelCRC32: 1, arenaHeadBytes: 2, arenaUsedBytes: 3, operatorCount: 4,
            inputs: [BoardTensorDescription(type: 9, dims: [1, 28, 28, 1], scale: 0.5, zeroPoint: -128, bytes: 784)],
            outputs: [BoardTensorDescription(type: 9, dims: [1, 10], scale: 0.25, zeroPoint: 3, bytes: 10)],
            slot: 1, stagingBytes: 784)
        XCTAssertEqual(try ModelInfo(payload: info.payload), info)
        XCTAssertEqual(Array(info.payload.suffix(5)), [1, 0x10, 0x03, 0, 0])  // v2: slot 1, staging 784
        XCTAssertEqual(info.inputBytes, 784)
        let infer = InferReply(counter: 1 << 40, micros: 99, output: [1, 2, 3])
        XCTAssertEqual(try InferReply(payload: infer.payload), infer)
        let full = InferBatchReply(results: [.fullOutput(counter: 5, output: [1, 2]), .fullOutput(counter: 6, output: [3, 4])])
        XCTAssertEqual(try InferBatchReply(payload: full.payload, mode: .fullOutput, outputBytes: 2), full)
        let top = InferBatchReply(results: [.top1(counter: 5, index: 3, value: -7)])
        XCTAssertEqual(try InferBatchReply(payload: top.payload, mode: .top1, outputBytes: 10), top)
        XCTAssertEqual(top.payload.count, InferBatchReply.payloadBytes(count: 1, mode: .top1, outputBytes: 10))
        // v2: the top-1 index is a u32 (an output of more than 65,535 elements keeps its index).
        let wide = InferBatchReply(results: [.top1(counter: 0, index: 70_000, value: 1)])
        XCTAssertEqual(Array(wide.payload[10..<14]), [0x70, 0x11, 0x01, 0x00])
        XCTAssertEqual(try InferBatchReply(payload: wide.payload, mode: .top1, outputBytes: 1), wide)
        let profile = ProfileReply(operators: [OperatorCount(builtinCode: 3, counter: 10)], totalCounter: 12)
        XCTAssertEqual(try ProfileReply(payload: profile.payload), profile)
        let marked = ProfileReply(operators: [], totalCounter: 1, markerMode: .perOperator)
        XCTAssertEqual(marked.payload, [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1])
        XCTAssertEqual(try RunWindowReply(payload: RunWindowReply(counterTotal: 7, microsTotal: 8).payload).counterTotal, 7)
        let stopped = RunWindowReply(counterTotal: 1, microsTotal: 2, inferencesRun: 3, stopReason: .interrupted)
        XCTAssertEqual(Array(stopped.payload.suffix(5)), [3, 0, 0, 0, 1])
        XCTAssertEqual(try RunWindowReply(payload: stopped.payload), stopped)
        XCTAssertEqual(try OutputChunkReply(payload: [5, 0, 0, 0, 9, 9]), OutputChunkReply(offset: 5, bytes: [9, 9]))
        XCTAssertEqual(try InputChunkReply(payload: [0, 1, 0, 0]).bytesStaged, 256)
        XCTAssertEqual(try SetBaudReply(payload: SetBaudReply(baud: 921_600, confirmMilliseconds: 2000).payload).baud, 921_600)
        let error = ErrorReply(code: .modelTooLarge, needed: 5, available: 4, message: "too big")
        XCTAssertEqual(try ErrorReply(payload: error.payload), error)
        XCTAssertEqual(Array(error.payload.prefix(2)), [4, 0])
    }

    func testTrailingUnknownFieldsAreIgnored() throws {
        // §5: receivers ignore trailing bytes they do not know.
        let reply = MarkerReply(level: 1)
        XCTAssertEqual(try MarkerReply(payload: reply.payload + [0xEE, 0xFF]), reply)
    }
}
