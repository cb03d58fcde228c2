import PowerMeter
import XCTest

/// Integration against synthetic traces whose energy is known in closed form.
final class EnergyAnalysisTests: XCTestCase {
    let period = Seconds.microseconds(10)
    let supply = Volts(3.3)

    /// Builds a trace from (samples, current(t) in A, marker) segments; t is the sample's time stamp.
    private func trace(_ segments: [(Int, (Double) -> Double, Bool)]) -> Trace {
        var currents: [Double] = [], markers: [Bool] = []
        for (count, current, marker) in segments {
            for _ in 0..<count {
                currents.append(current(Double(currents.count) * period.value))
                markers.append(marker)
            }
        }
        return Trace(samplePeriod: period, supplyVoltage: supply, currentsAmperes: currents, markers: markers)
    }

    func testRampWindowMatchesClosedFormIntegral() throws {
        // Idle 1000 samples at 10 mA, then a window of 5000 samples whose current rises linearly
        // I(t) = 0.02 + 0.5·t A, then idle. The window covers [t_s − Δ/2, t_e + Δ/2] with t_s = 1000·Δ = 0.01 s,
        // t_e = 5999·Δ = 0.05999 s, i.e. [0.009995, 0.059995] s, T = 0.05 s.
        // ∫ V·I dt = 3.3 · (0.02·T + 0.25·(0.059995² − 0.009995²)) = 3.3 · (0.001 + 0.25 · 0.05 · 0.06999)
        //          = 3.3 · 0.001874875 = 6.1870875e-3 J.
        let ramp = trace([(1000, { _ in 0.01 }, false), (5000, { 0.02 + 0.5 * $0 }, true), (1000, { _ in 0.01 }, false)])
        let report = try EnergyAnalysis(.init(expectedWindowCount: 1)).analyse(ramp)
        let energy = report.windows[0].grossEnergy.value
        XCTAssertEqual(energy, 6.1870875e-3, accuracy: 6.1870875e-3 * 0.005)
        XCTAssertEqual(report.windows[0].window.duration.value, 0.05, accuracy: 1e-12)
    }

    func testSineOnTopOfConstantIntegratesToTheConstantPart() throws {
        // I(t) = 30 mA + 10 mA · sin(2π · 1 kHz · t) over 20 ms (20 whole periods): ∫ = 3.3 · 0.03 · 0.02 = 1.98 mJ.
        // 4 windows of 10 inferences each, 1 warm-up: energy per inference 0.198 mJ.
        var segments: [(Int, (Double) -> Double, Bool)] = [(500, { _ in 0.005 }, false)]
        for _ in 0..<4 {
            segments.append((2000, { 0.03 + 0.01 * sin(2 * Double.pi * 1000 * $0) }, true))
            segments.append((500, { _ in 0.005 }, false))
        }
        let report = try EnergyAnalysis(.init(expectedWindowCount: 4, inferencesPerWindow: 10, warmUpWindows: 1))
            .analyse(trace(segments))
        XCTAssertEqual(report.energyPerInference.count, 3)
        for energy in report.energyPerInference { XCTAssertEqual(energy.millijoules, 0.198, accuracy: 0.198 * 0.005) }
        for latency in report.latencyPerInference { XCTAssertEqual(latency.milliseconds, 2, accuracy: 1e-9) }
    }

    func testIdleSubtraction() throws {
        // Window 3000 samples at 34.85 mA, idle 20 mA: net = 3.3 · (0.03485 − 0.020) · 0.03 s = 1.47015 mJ.
        let t = trace([(1000, { _ in 0.020 }, false), (3000, { _ in 0.03485 }, true), (1000, { _ in 0.020 }, false)])
        let fixed = try EnergyAnalysis(.init(idle: .fixed(.milliamperes(20)))).analyse(t)
        XCTAssertEqual(fixed.windows[0].netEnergy.millijoules, 1.47015, accuracy: 1e-9)
        let measured = try EnergyAnalysis(.init(idle: .measured(guardBand: .microseconds(100)))).analyse(t)
        XCTAssertEqual(measured.idleCurrent?.milliamperes ?? 0, 20, accuracy: 1e-12)
        XCTAssertEqual(measured.windows[0].netEnergy.millijoules, 1.47015, accuracy: 1e-9)
        XCTAssertEqual(measured.windows[0].grossEnergy.millijoules, 3.3 * 0.03485 * 0.03 * 1000, accuracy: 1e-9)
    }

    func testHoldOffIgnoresGlitchesAndCountIsChecked() throws {
        // Two real windows (400 samples each); the first has a 2-sample dip, the idle part a 1-sample spike.
        let t = trace([
            (100, { _ in 0.01 }, false), (200, { _ in 0.03 }, true), (2, { _ in 0.03 }, false), (198, { _ in 0.03 }, true),
            (100, { _ in 0.01 }, false), (1, { _ in 0.01 }, true), (100, { _ in 0.01 }, false),
            (400, { _ in 0.03 }, true), (100, { _ in 0.01 }, false),
        ])
        let debounced = EnergyAnalysisOptions(detection: .init(holdOff: .microseconds(50)), expectedWindowCount: 2)
        let report = try EnergyAnalysis(debounced).analyse(t)
        XCTAssertEqual(report.windows.map(\.window.samples.count), [400, 400])

        let raw = EnergyAnalysisOptions(expectedWindowCount: 2)
        XCTAssertThrowsError(try EnergyAnalysis(raw).analyse(t)) { error in
            XCTAssertEqual(error as? TraceAnalysisError, .windowCountMismatch(expected: 2, found: 4))
        }
    }

    func testWindowLengthOutOfRangeFails() {
        let t = trace([(100, { _ in 0.01 }, false), (300, { _ in 0.03 }, true), (100, { _ in 0.01 }, false),
                       (1000, { _ in 0.03 }, true), (100, { _ in 0.01 }, false)])
        let options = EnergyAnalysisOptions(windowDurationRange: Seconds.milliseconds(2)...Seconds.milliseconds(5))
        XCTAssertThrowsError(try EnergyAnalysis(options).analyse(t)) { error in
            guard case let .windowTooLong(index, duration, _) = error as? TraceAnalysisError else { return XCTFail("\(error)") }
            XCTAssertEqual(index, 1)
            XCTAssertEqual(duration.milliseconds, 10, accuracy: 1e-9)
        }
    }

    func testLostSamplesInsideAWindowFail() {
        var t = trace([(100, { _ in 0.01 }, false), (300, { _ in 0.03 }, true), (100, { _ in 0.01 }, false)])
        t.currentsAmperes[250] = .nan
        t.lostSampleRanges = [250..<251]
        XCTAssertThrowsError(try EnergyAnalysis().analyse(t)) { error in
            guard case .lostSamplesInWindow(0, 1, _) = error as? TraceAnalysisError else { return XCTFail("\(error)") }
        }
        // Outside the window they are harmless.
        t.currentsAmperes[250] = 0.03
        t.currentsAmperes[450] = .nan
        t.lostSampleRanges = [450..<451]
        XCTAssertNoThrow(try EnergyAnalysis().analyse(t))
    }

    func testTruncatedWindowsFailUnlessDiscarded() throws {
        let t = trace([(100, { _ in 0.03 }, true), (100, { _ in 0.01 }, false), (100, { _ in 0.03 }, true),
                       (100, { _ in 0.01 }, false), (100, { _ in 0.03 }, true)])
        XCTAssertThrowsError(try EnergyAnalysis().analyse(t)) { error in
            XCTAssertEqual(error as? TraceAnalysisError, .truncatedWindow(atStart: true))
        }
        let options = EnergyAnalysisOptions(detection: .init(truncatedWindows: .discard), expectedWindowCount: 1)
        let report = try EnergyAnalysis(options).analyse(t)
        XCTAssertEqual(report.windows[0].window.samples, 200..<300)
    }

    func testWarmUpLeavingNothingFails() {
        let t = trace([(100, { _ in 0.01 }, false), (100, { _ in 0.03 }, true), (100, { _ in 0.01 }, false)])
        XCTAssertThrowsError(try EnergyAnalysis(.init(warmUpWindows: 1)).analyse(t)) { error in
            XCTAssertEqual(error as? TraceAnalysisError, .noWindowsAfterWarmUp(found: 1, warmUp: 1))
        }
    }
}
