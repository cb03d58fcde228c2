import PowerMeter
import XCTest

final class StatisticsTests: XCTestCase {
    func testMedianOddAndEven() throws {
        XCTAssertEqual(try Statistics.median([5, 1, 3]), 3)
        XCTAssertEqual(try Statistics.median([4, 1, 3, 2]), 2.5)
        XCTAssertThrowsError(try Statistics.median([])) { XCTAssertEqual($0 as? StatisticsError, .empty) }
        XCTAssertThrowsError(try Statistics.median([1, .nan])) { XCTAssertEqual($0 as? StatisticsError, .nonFinite) }
    }

    func testBootstrapIntervalIsSeededAndBracketsTheMedian() throws {
        let values = [10.2, 9.8, 10.1, 10.0, 9.9, 10.4, 9.7, 10.3, 10.05, 9.95].map { Joules.microjoules($0) }
        let first = try Estimate.median(of: values)
        let again = try Estimate.median(of: values)
        XCTAssertEqual(first, again)
        XCTAssertEqual(first.median.microjoules, 10.025, accuracy: 1e-12)
        XCTAssertLessThanOrEqual(first.lower, first.median)
        XCTAssertGreaterThanOrEqual(first.upper, first.median)
        // Bootstrap medians of these values can only be medians of resamples: within [9.7, 10.4].
        XCTAssertGreaterThanOrEqual(first.lower.microjoules, 9.7)
        XCTAssertLessThanOrEqual(first.upper.microjoules, 10.4)
        XCTAssertLessThan(first.upper - first.lower, Joules.microjoules(0.7))
        let reseeded = try Estimate.median(of: values, bootstrap: .init(seed: 99))
        XCTAssertEqual(reseeded.median, first.median)
    }

    func testTooFewValuesFail() {
        XCTAssertThrowsError(try Estimate.median(of: [Joules(1), Joules(2)])) { error in
            XCTAssertEqual(error as? StatisticsError, .tooFewValues(found: 2, minimum: 5))
        }
    }

    func testInterleavedScheduleAndSplit() throws {
        let comparison = InterleavedComparison(pairs: 3)
        XCTAssertEqual(comparison.schedule, [.baseline, .candidate, .baseline, .candidate, .baseline, .candidate])
        let (baseline, candidate) = try comparison.split([1, 2, 3, 4, 5, 6])
        XCTAssertEqual(baseline, [1, 3, 5])
        XCTAssertEqual(candidate, [2, 4, 6])
        XCTAssertThrowsError(try comparison.split([1, 2, 3]))
    }

    func testDecisionRules() {
        let estimate = Estimate(median: Ratio(0.58), lower: Ratio(0.55), upper: Ratio(0.62), confidenceLevel: 0.95,
                                resamples: 1000, values: [])
        XCTAssertTrue(Budget(limit: Ratio(0.6), rule: .medianAtMost).evaluate(estimate).passed)
        XCTAssertFalse(Budget(limit: Ratio(0.6), rule: .upperBoundAtMost).evaluate(estimate).passed)
        XCTAssertEqual(Budget(limit: Ratio(0.6)).evaluate(estimate).decidingValue, Ratio(0.62))
    }

    /// The acceptance test of issue 5: on the simulated meter with 5 % noise, a true energy ratio of 0.55
    /// passes "ratio ≤ 0.6 by its upper 95 % bound" in at least 99 of 100 seeded repetitions, and 0.65 in none.
    ///
    /// "5 % noise": every window's power is scaled by a Gaussian factor with σ = 5 % (window-to-window
    /// variation), and every sample carries another 5 % (which mostly averages out within a window).
    /// Size, chosen to keep the run at seconds: 30 interleaved pairs per repetition, 2 kS/s, baseline windows
    /// of 20 ms (40 samples; candidates 22 or 26 samples exactly), 1000 bootstrap resamples. Expected margin: σ of a median of 30 ≈ 1.25 · 5 % / √30
    /// ≈ 1.1 %, of the ratio ≈ 1.6 %, so the upper bound sits ≈ 3.2 % above the median; 0.55 → ≈ 0.568
    /// (fails only if its median exceeds ≈ 0.582, ~3.6 σ), 0.65 would need a median ≤ 0.582 (~6 σ).
    func testRatioDecisionOnTheSimulatedMeter() async throws {
        let budget = Budget(limit: Ratio(0.6), rule: .upperBoundAtMost)
        var passes: [Double: Int] = [:]
        for trueRatio in [0.55, 0.65] {
            for repetition in 0..<100 {
                let estimate = try await measureRatio(trueRatio: trueRatio, seed: UInt64(repetition) &+ 1000)
                if budget.evaluate(estimate).passed { passes[trueRatio, default: 0] += 1 }
            }
        }
        print("ratio ≤ 0.6 by upper 95 % bound: true 0.55 passed \(passes[0.55, default: 0])/100, true 0.65 passed \(passes[0.65, default: 0])/100")
        XCTAssertGreaterThanOrEqual(passes[0.55, default: 0], 99)
        XCTAssertEqual(passes[0.65, default: 0], 0)
    }

    private func measureRatio(trueRatio: Double, seed: UInt64) async throws -> Estimate<Ratio> {
        let pairs = 30
        let configuration = SimulatedMeter.Configuration(
            imperfections: .init(sampleNoise: 0.05, windowNoise: 0.05), seed: seed,
            samplePeriod: .microseconds(500), idleGap: .milliseconds(1))
        let meter = SimulatedMeter(configuration: configuration)
        let baselineCycles: UInt64 = 2_500_000  // 20 ms at 125 MHz
        let candidateCycles = UInt64((Double(baselineCycles) * trueRatio).rounded())
        let comparison = InterleavedComparison(pairs: pairs)
        try await meter.start()
        for arm in comparison.schedule {
            try await meter.noteBusyWindow(BusyWindow(cycles: arm == .baseline ? baselineCycles : candidateCycles))
        }
        let trace = try await meter.stop()
        let report = try EnergyAnalysis(.init(expectedWindowCount: 2 * pairs)).analyse(trace)
        let (baseline, candidate) = try comparison.split(report.energyPerInference)
        return try InterleavedComparison.ratioOfMedians(
            baseline: baseline, candidate: candidate, bootstrap: .init(resamples: 1000, seed: seed))
    }
}
