import PowerMeter
import XCTest

final class SimulatedMeterTests: XCTestCase {
    func testBusyWindowEnergyFollowsThePowerModel() async throws {
        // 12.5 M instructions × 1.4 cycles/instruction ÷ 125 MHz = 0.14 s busy; at 115 mW that is 16.1 mJ per
        // window, 1.61 mJ per inference at 10 inferences per window. With 5 % per-sample noise the error stays
        // far below 0.5 % (σ of the mean ≈ 5 % / √14000 ≈ 0.04 %).
        let meter = SimulatedMeter(configuration: .init(imperfections: .init(sampleNoise: 0.05), seed: 42))
        try await meter.start()
        for _ in 0..<3 { try await meter.noteBusyWindow(BusyWindow(instructions: 12_500_000, inferences: 10)) }
        let trace = try await meter.stop()
        let report = try EnergyAnalysis(.init(expectedWindowCount: 3, inferencesPerWindow: 10)).analyse(trace)
        for window in report.windows {
            XCTAssertEqual(window.window.duration.value, 0.14, accuracy: 1e-9)
            XCTAssertEqual(window.energyPerInference.millijoules, 1.61, accuracy: 1.61 * 0.005)
        }
        // Idle 20 mA between windows, measured back: 20 mA within noise.
        let idle = try EnergyAnalysis.idleCurrent(trace, windows: report.windows.map(\.window), guardBand: .zero)
        XCTAssertEqual(idle.milliamperes, 20, accuracy: 0.2)
    }

    func testReportEstimatesOverWindowsAfterWarmUp() async throws {
        // 1 warm-up window of 4 ms, then 6 windows of 2 ms, 2 inferences each, no noise:
        // energy per inference = 0.115 W · 2 ms ÷ 2 = 115 µJ, latency 1 ms; the interval collapses onto it.
        let meter = SimulatedMeter(configuration: .init(samplePeriod: .microseconds(100)))
        try await meter.start()
        try await meter.noteBusyWindow(BusyWindow(duration: .milliseconds(4), inferences: 2))
        for _ in 0..<6 { try await meter.noteBusyWindow(BusyWindow(duration: .milliseconds(2), inferences: 2)) }
        let report = try EnergyAnalysis(.init(expectedWindowCount: 7, inferencesPerWindow: 2, warmUpWindows: 1))
            .analyse(try await meter.stop())
        let energy = try report.energyPerInferenceEstimate()
        XCTAssertEqual(energy.values.count, 6)
        XCTAssertEqual(energy.median.microjoules, 115, accuracy: 1e-9)
        XCTAssertEqual(energy.lower.microjoules, 115, accuracy: 1e-9)
        XCTAssertEqual(energy.upper.microjoules, 115, accuracy: 1e-9)
        XCTAssertEqual(try report.latencyPerInferenceEstimate().median.milliseconds, 1, accuracy: 1e-9)
    }

    func testSameSeedSameTraceOtherSeedOtherTrace() async throws {
        func record(seed: UInt64) async throws -> Trace {
            let noisy = SimulatedImperfections(sampleNoise: 0.05, windowNoise: 0.05, driftPerSecond: 0.01, spikeProbability: 0.001)
            let meter = SimulatedMeter(configuration: .init(imperfections: noisy, seed: seed))
            try await meter.start()
            try await meter.noteBusyWindow(BusyWindow(cycles: 1_000_000))
            try await meter.noteBusyWindow(BusyWindow(duration: .milliseconds(3)))
            return try await meter.stop()
        }
        let first = try await record(seed: 7), again = try await record(seed: 7), other = try await record(seed: 8)
        XCTAssertEqual(first, again)
        XCTAssertNotEqual(first.currentsAmperes, other.currentsAmperes)
        // Timeline: 1 ms idle, 8 ms busy (1 M cycles at 125 MHz), 1 ms idle, 3 ms busy, 1 ms idle = 14 ms.
        XCTAssertEqual(first.sampleCount, 1400)
        XCTAssertEqual(first.markers.filter { $0 }.count, 1100)
    }

    func testIdleBeforeAWindowFollowsTheBoardsReport() async throws {
        let meter = SimulatedMeter(configuration: .init(samplePeriod: .microseconds(100)))
        try await meter.start()
        try await meter.noteBusyWindow(BusyWindow(.duration(.milliseconds(2)), idleBefore: .milliseconds(5)))
        try await meter.noteBusyWindow(BusyWindow(.duration(.milliseconds(2)), idleBefore: .zero))
        let trace = try await meter.stop()
        // 5 ms idle (50 samples), 2 ms busy (20), no gap, 2 ms busy (20), 1 ms closing idle (10): one merged window.
        XCTAssertEqual(trace.sampleCount, 100)
        XCTAssertEqual(trace.markers.firstIndex(of: true), 50)
        XCTAssertEqual(trace.markers.lastIndex(of: true), 89)
    }

    func testRejectsUnusableWindowsAndMisuse() async throws {
        let meter = SimulatedMeter()
        do {
            try await meter.noteBusyWindow(BusyWindow(cycles: 10))
            XCTFail("accepted a window before start()")
        } catch {
            XCTAssertEqual(error, .notRecording(meter: "simulated meter"))
        }
        try await meter.start()
        do {
            try await meter.noteBusyWindow(BusyWindow(instructions: 0))
            XCTFail("accepted an empty window")
        } catch {
            guard case .invalidBusyWindow = error else { return XCTFail("\(error)") }
        }
        do {
            try await meter.start()
            XCTFail("started twice")
        } catch {
            XCTAssertEqual(error, .alreadyRecording(meter: "simulated meter"))
        }
    }
}
