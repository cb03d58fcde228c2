import DeviceLink
import Foundation
import Inference
import XCTest

/// Protocol v2 against the real firmware under QEMU (mps2-an385): an input larger than one frame (the
/// visual-wake-words-sized fixture), two model slots, bounded windows and PROFILE's marker mode.
final class VirtualBoardV2Tests: XCTestCase {
    /// fixtures/models/vww_int8: 96x96x3 int8 input (27,648 bytes, over three 8 KiB frames). Expected outputs: the
    /// TFLite Micro reference outputs recorded by fixtures/make_fixtures.py (stage vww), and the host engine.
    func testVisualWakeWordsSizedModelIsBitExactThroughChunks() async throws {
        try requireFirmwareSources()
        let model = try FixtureModel.named("vww_int8")
        XCTAssertGreaterThanOrEqual(model.inputs[0].count, 96 * 96 * 3)
        let host = try Interpreter(model: EngineModel(bytes: model.bytes))
        try await VirtualBoard.withBoard { board in
            let device = board.device
            let hello = try await device.hello()
            XCTAssertGreaterThan(model.inputs[0].count, Int(hello.maxPayloadBytes), "the fixture must need chunks")
            let info = try await device.load(model.bytes)
            XCTAssertEqual(info.inputBytes, model.inputs[0].count)
            XCTAssertEqual(Int(info.stagingBytes), info.inputBytes, "the board must be able to stage the input")
            for (index, input) in model.inputs.enumerated() {
                let reply = try await device.infer(input)
                print("vww_int8 input \(index): \(reply.counter) instructions")
                XCTAssertEqual(reply.output, model.referenceOutputs[index], "vww_int8 input \(index) vs TFLM")
                XCTAssertEqual(reply.output, try host.run(input: input), "vww_int8 input \(index) vs host engine")
            }
            let single = try await device.infer(model.inputs[0])
            let window = try await device.runWindow(inferences: 2, input: model.inputs[0])
            XCTAssertEqual(window.inferencesRun, 2)
            XCTAssertEqual(window.stopReason, .complete)
            XCTAssertGreaterThanOrEqual(window.counterTotal, 2 * single.counter)
            let profile = try await device.profile(model.inputs[1], markerMode: .perOperator)
            XCTAssertEqual(profile.markerMode, .perOperator)
            XCTAssertEqual(profile.operators.count, Int(info.operatorCount))
            let after = try await device.hello()
            XCTAssertEqual(after.bootCount, hello.bootCount, "no reboot along the way")
        }
    }

    /// Two slots: load both models once, then alternate SELECT and inference; each slot keeps giving its own
    /// model's TFLM outputs, with no further upload.
    func testTwoSlotsAlternateWithoutReupload() async throws {
        try requireFirmwareSources()
        let baseline = try FixtureModel.named("lenet_int8")
        let candidate = try FixtureModel.named("lenet_channel_pruned_int8")
        try await VirtualBoard.withBoard { board in
            let device = board.device
            let hello = try await device.hello()
            XCTAssertEqual(hello.slotCount, 2)
            let a = try await device.load(baseline.bytes, slot: 0)
            let b = try await device.load(candidate.bytes, slot: 1)
            XCTAssertEqual(a.slot, 0)
            XCTAssertEqual(b.slot, 1)
            let uploaded = await device.statistics.bytesWritten
            for round in 0..<3 {
                let selectedA = try await device.select(slot: 0)
                XCTAssertEqual(selectedA.modelCRC32, CRC32.checksum(baseline.bytes))
                let outA = try await device.infer(baseline.inputs[round])
                XCTAssertEqual(outA.output, baseline.referenceOutputs[round], "slot 0 round \(round)")
                let windowA = try await device.runWindow(inferences: 1, input: baseline.inputs[round])
                XCTAssertEqual(windowA.inferencesRun, 1)
                try await device.select(slot: 1)
                let outB = try await device.infer(candidate.inputs[round])
                XCTAssertEqual(outB.output, candidate.referenceOutputs[round], "slot 1 round \(round)")
            }
            let afterRounds = await device.statistics.bytesWritten
            XCTAssertLessThan(afterRounds - uploaded, baseline.bytes.count / 4, "alternating must not re-upload")
            let now = try await device.hello()
            XCTAssertEqual(now.selectedSlot, 1)
            XCTAssertEqual(now.bootCount, hello.bootCount)
        }
    }

    func testWindowLimitIsTypedAndTheBoardStaysUp() async throws {
        try requireFirmwareSources()
        let model = try FixtureModel.named("lenet_int8")
        try await VirtualBoard.withBoard { board in
            let device = board.device
            let hello = try await device.hello()
            try await device.load(model.bytes)
            do {
                _ = try await device.runWindow(inferences: Int(hello.maxWindowInferences) + 1, input: model.inputs[0])
                XCTFail("a window over max_window_inferences was accepted")
            } catch let error as DeviceError {
                XCTAssertEqual(
                    error, .windowTooLong(requestedInferences: Int(hello.maxWindowInferences) + 1,
                                          maximumInferences: Int(hello.maxWindowInferences)))
            }
            let after = try await device.hello()
            XCTAssertEqual(after.bootCount, hello.bootCount)
            XCTAssertNotEqual(after.bootReason, .watchdog)
        }
    }

    /// RESET 2 on a board without a USB bootloader (QEMU's mps2-an385: HELLO flags bit 2 clear) is a typed error,
    /// and the board neither reboots nor forgets its model.
    func testResetIntoBootloaderIsRefusedWhereThereIsNone() async throws {
        try requireFirmwareSources()
        let model = try FixtureModel.named("lenet_int8")
        try await VirtualBoard.withBoard { board in
            let device = board.device
            let hello = try await device.hello()
            XCTAssertFalse(hello.hasUSBBootloader)
            try await device.load(model.bytes)
            do {
                try await device.reset(.bootloader)
                XCTFail("RESET 2 was accepted by a board without a USB bootloader")
            } catch let error as DeviceError {
                guard case let .badState(_, message) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains("no USB bootloader"), message)
            }
            let after = try await device.hello()
            XCTAssertEqual(after.bootCount, hello.bootCount)
            let reply = try await device.infer(model.inputs[0])
            XCTAssertEqual(reply.output, model.referenceOutputs[0], "the model loaded before RESET 2 still runs, bit-exact with TFLM")
        }
    }
}
