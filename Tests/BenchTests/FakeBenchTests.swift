import Bench
import DeviceLink
import Foundation
import PowerMeter
import TinyHILTestSupport
import XCTest

/// Bench logic on the in-process FakeBoard (no QEMU). The fake's documented cost model — one inference counts
/// 100 instructions per byte of the loaded model — makes every expected value computable by hand.
final class FakeBenchTests: XCTestCase {
    /// Synthetic "models": the fake stores the bytes without parsing them.
    private let large = ModelUnderTest(name: "large", bytes: [UInt8](repeating: 7, count: 1000))
    private let small = ModelUnderTest(name: "small", bytes: [UInt8](repeating: 9, count: 400))

    /// 1000 bytes → 100 000 instructions × 1.4 cycles ÷ 125 MHz = 1.12 ms at 115 mW = 128.8 µJ per inference
    /// (the simulated Pico power model's constants, docs/power-model.md).
    func testEnergyOfAWindowTheMeterObservedItselfFollowsTheBoardsCounter() async throws {
        let measurement = try await FakeBench.with { bench, _ in
            try await bench.measure(large, windows: 5, inferencesPerWindow: 5, warmUpWindows: 1)
        }
        XCTAssertEqual(measurement.energyPerInference.median.microjoules, 128.8, accuracy: 128.8 * 0.005)
        XCTAssertEqual(measurement.latencyPerInference.median.value * 1e3, 1.12, accuracy: 1.12 * 0.005)
        XCTAssertEqual(measurement.counterPerInference, 100_000)
        XCTAssertEqual(measurement.provenance.boardID, "fake-board")
    }

    /// 400 vs 1000 bytes: the ratio is 0.4. Schedule for 6 pairs, 3 per switch, switching by upload: warm-up loads
    /// large then small, then L L L S S S L L L S S S — four more uploads, six in all; a model the board holds is
    /// never re-sent.
    func testComparisonRatioAndUploadsFollowTheSchedule() async throws {
        let (comparison, loads) = try await FakeBench.with { bench, firmware in
            let comparison = try await bench.compare(baseline: large, candidate: small, pairs: 6, inferencesPerWindow: 2,
                                                     windowsPerSwitch: 3, switching: .upload)
            return (comparison, await firmware.executed.filter { $0 == .loadBegin }.count)
        }
        XCTAssertEqual(comparison.energyRatio.median.value, 0.4, accuracy: 0.4 * 0.005)
        XCTAssertEqual(loads, 6)
    }

    /// The fake has two slots, so by default each model is uploaded once (baseline → slot 0, candidate → slot 1) and
    /// the windows alternate strictly, each preceded by a SELECT of the other slot: after the two loads and their
    /// warm-up windows the board executes exactly (SELECT, RUN_WINDOW) × 12 for 6 pairs. Same ratio as re-uploading.
    func testComparisonOnATwoSlotBoardUploadsOnceAndSelectsBeforeEveryWindow() async throws {
        let (comparison, executed) = try await FakeBench.with { bench, firmware in
            let comparison = try await bench.compare(baseline: large, candidate: small, pairs: 6, inferencesPerWindow: 2)
            return (comparison, await firmware.executed)
        }
        XCTAssertEqual(comparison.energyRatio.median.value, 0.4, accuracy: 0.4 * 0.005)
        XCTAssertEqual(executed.filter { $0 == .loadBegin }.count, 2)
        let lastLoad = try XCTUnwrap(executed.lastIndex(of: .loadEnd))
        let afterWarmUp = Array(executed[(lastLoad + 2)...])  // the candidate's warm-up window follows its LOAD_END
        XCTAssertEqual(afterWarmUp, Array(repeating: [MessageType.select, .runWindow], count: 12).flatMap { $0 })
        XCTAssertEqual(comparison.baseline.counterPerInference, 100_000)
        XCTAssertEqual(comparison.candidate.counterPerInference, 40_000)
        XCTAssertEqual(comparison.baseline.windows, 6)
    }

    /// The device alone knows which model the board holds, and forgets it when the boot count changes: after a
    /// reboot the next measurement fails with `boardRebooted` (never a silently wrong number), the one after uploads
    /// the model again.
    func testARebootedBoardIsNoticedAndTheModelUploadedAgain() async throws {
        try await FakeBench.with { bench, firmware in
            _ = try await bench.measure(large, windows: 5, inferencesPerWindow: 1, warmUpWindows: 0)
            await firmware.reboot()
            do {
                _ = try await bench.measure(large, windows: 5, inferencesPerWindow: 1, warmUpWindows: 0)
                XCTFail("a reboot must not go unnoticed")
            } catch let BenchError.device(error) {
                guard case .boardRebooted = error else { return XCTFail("\(error)") }
            }
            let again = try await bench.measure(large, windows: 5, inferencesPerWindow: 1, warmUpWindows: 0)
            XCTAssertEqual(again.counterPerInference, 100_000)
            let sizes = await firmware.loadedModelSizes
            XCTAssertEqual(sizes, [1000, 1000])
        }
    }

    /// The scoped API closes the board when the body throws.
    func testTheScopedBenchClosesItsBoardWhenTheBodyThrows() async throws {
        struct Planned: Error {}
        let board = try await InProcessBoard.start()
        let meter = SimulatedMeter()
        await meter.watch(board.device)
        do {
            try await Bench.with(board: board, meter: meter) { _ in throw Planned() }
            XCTFail("the error must come through")
        } catch is Planned {}
        XCTAssertTrue(board.isClosed)
    }

    /// PROFILE on the fake: 3/4 of one inference's 100 000 instructions to CONV_2D, the rest to FULLY_CONNECTED.
    func testProfileSplitsOneInferenceOverTheOperators() async throws {
        let board = try await InProcessBoard.start()
        let info = try await board.device.load(large.bytes)
        let reply = try await board.device.profile([UInt8](repeating: 0, count: info.inputBytes))
        await board.close()
        XCTAssertEqual(reply.operators.map(\.builtinCode), [3, 9])
        XCTAssertEqual(reply.operators.map(\.counter), [75_000, 25_000])
        XCTAssertEqual(reply.totalCounter, 100_000)
    }
}
