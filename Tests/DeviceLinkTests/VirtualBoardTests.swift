import DeviceLink
import Foundation
import Inference
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Runs the firmware under QEMU through the real protocol. Each test starts its own board (about a second).
final class VirtualBoardTests: XCTestCase {
    /// Bit-exact outputs on every fixture model: INFER on a few inputs, INFER_BATCH (full outputs and top-1) on more.
    /// Expected values: the TFLite Micro reference outputs stored with the fixtures (X.tflm_outputs.npy), and the
    /// host engine (`Inference.Interpreter`) on the same inputs.
    func testOutputsEqualTFLMReferenceOnEveryFixtureModel() async throws {
        try requireFirmwareSources()
        let models = try FixtureModel.all()
        XCTAssertFalse(models.isEmpty, "no fixture models found")
        try await VirtualBoard.withBoard { board in
            let device = board.device
            for model in models {
                let info = try await device.load(model.bytes)
                XCTAssertEqual(info.outputBytes, model.referenceOutputs[0].count, model.name)
                let host = try Interpreter(model: EngineModel(bytes: model.bytes))
                for index in 0..<min(2, model.inputs.count) {
                    let start = ContinuousClock.now
                    let reply = try await device.infer(model.inputs[index])
                    print("\(model.name): \(reply.counter) instructions per inference, \(ContinuousClock.now - start) wall time under QEMU")
                    XCTAssertEqual(reply.output, model.referenceOutputs[index], "\(model.name) INFER input \(index) vs TFLM")
                    XCTAssertEqual(reply.output, try host.run(input: model.inputs[index]), "\(model.name) INFER input \(index) vs host engine")
                    XCTAssertGreaterThan(reply.counter, 0)
                }
                let count = min(12, model.inputs.count)
                let batch = try await device.inferBatch(Array(model.inputs[0..<count]))
                XCTAssertEqual(batch.count, count)
                for (index, result) in batch.enumerated() {
                    guard case .fullOutput(_, let output) = result else { return XCTFail("mode 0 gave \(result)") }
                    XCTAssertEqual(output, model.referenceOutputs[index], "\(model.name) INFER_BATCH input \(index) vs TFLM")
                    XCTAssertEqual(output, try host.run(input: model.inputs[index]), "\(model.name) INFER_BATCH input \(index) vs host engine")
                }
                let top = try await device.inferBatch(Array(model.inputs[0..<min(4, count)]), mode: .top1)
                for (index, result) in top.enumerated() {
                    guard case .top1(_, let topIndex, _) = result else { return XCTFail("mode 1 gave \(result)") }
                    XCTAssertEqual(Int(topIndex), Self.argmax(model.referenceOutputs[index], type: info.outputs[0].type), "\(model.name) top-1 \(index)")
                }
            }
        }
    }

    func testHelloProfileMarkerAndWindow() async throws {
        try requireFirmwareSources()
        let model = try FixtureModel.named("lenet_int8")
        try await VirtualBoard.withBoard { board in
            let device = board.device
            let hello = try await device.hello()
            XCTAssertEqual(hello.boardName, "mps2-an385")
            XCTAssertEqual(hello.counterUnit, .instructions)
            XCTAssertGreaterThanOrEqual(hello.maxPayloadBytes, 1024)
            let info = try await device.load(model.bytes)
            let single = try await device.infer(model.inputs[0])
            let profile = try await device.profile(model.inputs[0])
            XCTAssertEqual(profile.operators.count, Int(info.operatorCount))
            XCTAssertEqual(profile.totalCounter, single.counter, "PROFILE's total is an unhooked inference (docs/protocol.md §7)")
            XCTAssertLessThanOrEqual(profile.operators.reduce(0) { $0 + $1.counter }, profile.totalCounter)
            let table = OperatorProfile(reply: profile, unit: hello.counterUnit).table { "op\($0)" }
            XCTAssertTrue(table.contains("instructions"))
            let high = try await device.marker(true)
            XCTAssertTrue(high)
            let window = try await device.runWindow(inferences: 3, input: model.inputs[0])
            XCTAssertGreaterThanOrEqual(window.counterTotal, 3 * single.counter)
            XCTAssertLessThan(window.counterTotal, 4 * single.counter)
            let again = try await device.infer(model.inputs[0])
            XCTAssertEqual(again.counter, single.counter, "-icount makes counts repeatable")
        }
    }

    func testModelTooLargeForTheBoardIsRefusedBeforeUpload() async throws {
        try requireFirmwareSources()
        try await VirtualBoard.withBoard { board in
            let device = board.device
            let hello = try await device.hello()
            let requestsBefore = await device.statistics.requests
            let oversized = [UInt8](repeating: 0x5A, count: Int(hello.modelCapacityBytes) + 1)
            do throws(DeviceError) {
                try await device.load(oversized)
                XCTFail("a model larger than the board's capacity was accepted")
            } catch {
                XCTAssertEqual(
                    error,
                    .modelTooLarge(
                        modelBytes: oversized.count, capacityBytes: Int(hello.modelCapacityBytes),
                        board: "board 'mps2-an385' at \(device.endpoint)"))
                XCTAssertTrue(error.description.contains("\(oversized.count)"), error.description)
                XCTAssertTrue(error.description.contains("\(hello.modelCapacityBytes)"), error.description)
            }
            let requestsAfter = await device.statistics.requests
            XCTAssertEqual(requestsAfter, requestsBefore, "nothing was sent")
        }
    }

    func testLoadErrorsAreTyped() async throws {
        try requireFirmwareSources()
        let model = try FixtureModel.named("lenet_int8")
        try await VirtualBoard.withBoard { board in
            let device = board.device
            // Garbage that is not a FlatBuffer model.
            do throws(DeviceError) {
                try await device.load((0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 37) })
                XCTFail("garbage accepted as a model")
            } catch {
                guard case .modelInvalid = error else { return XCTFail("\(error)") }
            }
            // A model whose first operator code is replaced by one the engine lacks (LSTM, builtin 16).
            let patched = try XCTUnwrap(OperatorCodePatch.replacingFirstOperatorCode(in: model.bytes, with: 16))
            do throws(DeviceError) {
                try await device.load(patched)
                XCTFail("a model with LSTM was accepted")
            } catch {
                guard case .unsupportedOperator(_, let code, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(code, 16)
            }
            let afterFailure = await device.model
            XCTAssertNil(afterFailure, "a failed load leaves no model")
            // The board still works afterwards.
            try await device.load(model.bytes)
            let reply = try await device.infer(model.inputs[0])
            XCTAssertEqual(reply.output, model.referenceOutputs[0])
        }
    }

    /// Payload bytes / wire bytes of bulk transfers, counted on the socket.
    func testBulkTransfersCarryAtLeast90PercentPayload() async throws {
        try requireFirmwareSources()
        let model = try FixtureModel.named("lenet_int8")
        let counter = CountingBox()
        let board = try await VirtualBoard.start { socket in
            let counting = ByteCountingTransport(wrapping: socket)
            counter.set(counting)
            return counting
        }
        do {
            let device = board.device
            let counting = try XCTUnwrap(counter.get())
            let before = counting.totals
            try await device.load(model.bytes)
            let afterLoad = counting.totals
            let loadWire = afterLoad.writtenBytes - before.writtenBytes
            let loadEfficiency = Double(model.bytes.count) / Double(loadWire)
            let inputs = Array(repeating: model.inputs, count: 4).flatMap { $0 }.prefix(40)
            _ = try await device.inferBatch(Array(inputs))
            let afterBatch = counting.totals
            let inputWire = afterBatch.writtenBytes - afterLoad.writtenBytes
            let outputWire = afterBatch.readBytes - afterLoad.readBytes
            let inputEfficiency = Double(inputs.count * model.inputs[0].count) / Double(inputWire)
            let outputEfficiency = Double(inputs.count * model.referenceOutputs[0].count) / Double(outputWire)
            print(String(
                format: "wire efficiency: LOAD %.1f %% (%d model bytes in %d wire bytes); INFER_BATCH inputs %.1f %% (%d wire bytes), outputs %.1f %% (%d wire bytes; 10-byte outputs ride with an 8-byte counter each)",
                loadEfficiency * 100, model.bytes.count, loadWire, inputEfficiency * 100, inputWire, outputEfficiency * 100, outputWire))
            XCTAssertGreaterThanOrEqual(loadEfficiency, 0.90)
            XCTAssertGreaterThanOrEqual(inputEfficiency, 0.90)
        } catch {
            await board.close()
            throw error
        }
        await board.close()
    }

    /// A test body that throws must still leave no QEMU behind.
    func testNoEmulatorRemainsAfterAThrowingTest() async throws {
        try requireFirmwareSources()
        struct Planned: Error {}
        let pids = PIDBox()
        do {
            try await VirtualBoard.withBoard { board in
                pids.set(board.emulatorPID)
                XCTAssertEqual(kill(board.emulatorPID, 0), 0, "QEMU runs during the test")
                throw Planned()
            }
        } catch is Planned {}
        let pid = try XCTUnwrap(pids.get())
        XCTAssertEqual(kill(pid, 0), -1)
        XCTAssertEqual(errno, ESRCH, "QEMU \(pid) still exists")
        // The watchdog shell's helper is killed with the group; init reaps it a moment later.
        try await Self.waitUntilGone(processGroup: pid)

        // Dropping the last reference without shutdown: deinit stops QEMU.
        var board: VirtualBoard? = try await VirtualBoard.start()
        let second = try XCTUnwrap(board?.emulatorPID)
        board = nil
        XCTAssertNil(board)
        try await Self.waitUntilGone(processGroup: second)
    }

    /// Fails unless every process of the group has gone (zombies reaped) within 5 s.
    static func waitUntilGone(processGroup: Int32, file: StaticString = #filePath, line: UInt = #line) async throws {
        for _ in 0..<100 {
            if kill(-processGroup, 0) == -1 && errno == ESRCH { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTFail("process group \(processGroup) (QEMU and its watchdog) still exists", file: file, line: line)
    }

    static func argmax(_ output: [UInt8], type: UInt8) -> Int {
        switch type {
        case 0:  // FLOAT32
            let values = stride(from: 0, to: output.count, by: 4).map {
                Float(bitPattern: UInt32(output[$0]) | UInt32(output[$0 + 1]) << 8 | UInt32(output[$0 + 2]) << 16 | UInt32(output[$0 + 3]) << 24)
            }
            return values.indices.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) } ?? 0
        case 3:  // UINT8
            return output.indices.max { output[$0] < output[$1] || (output[$0] == output[$1] && $0 > $1) } ?? 0
        default:  // INT8
            let values = output.map { Int8(bitPattern: $0) }
            return values.indices.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) } ?? 0
        }
    }
}

final class CountingBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: ByteCountingTransport?
    func set(_ transport: ByteCountingTransport) { lock.withLock { value = transport } }
    func get() -> ByteCountingTransport? { lock.withLock { value } }
}

final class PIDBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int32?
    func set(_ pid: Int32) { lock.withLock { value = pid } }
    func get() -> Int32? { lock.withLock { value } }
}
