import Bench
import Foundation
import XCTest

/// The one regression rule (`tinyhil history` and `assertNoRegression`), on hand-computed readings.
final class RegressionRuleTests: XCTestCase {
    func testLowerIsBetterMetricsRegressWhenTheNewLowerBoundPassesTheLimit() {
        let previous = MetricReading(value: 100, low: 98, high: 102)
        // Limit 100 × 1.05 = 105: lower bound 107 is beyond it.
        let worse = RegressionRule.fivePercent.judge(.energy, previous: previous,
                                                     current: MetricReading(value: 110, low: 107, high: 113))
        XCTAssertTrue(worse.isRegression)
        XCTAssertTrue(worse.isSignificant)
        XCTAssertEqual(worse.limit, 105, accuracy: 1e-9)
        XCTAssertEqual(worse.change ?? 0, 0.10, accuracy: 1e-9)
        // Lower bound 103 ≤ 105: a significant change (intervals apart, 4 % ≥ 1 %) but within tolerance.
        let slightly = RegressionRule.fivePercent.judge(.energy, previous: previous,
                                                        current: MetricReading(value: 104, low: 103, high: 106))
        XCTAssertFalse(slightly.isRegression)
        XCTAssertTrue(slightly.isSignificant)
    }

    func testAccuracyRegressesDownwardsAndHistoryFlagsItByTheSameRule() {
        func row(_ accuracy: Double, _ version: String, minutesAgo: Double) -> StoredResult {
            StoredResult(recordedAt: Date(timeIntervalSinceNow: -60 * minutesAgo), kind: .accuracy, modelName: "m",
                         modelSHA256: "s", boardID: "b", meterID: "none", firmwareVersion: version,
                         firmwareBuildID: version, harnessVersion: "t", accuracy: accuracy, accuracySamples: 1000)
        }
        // 90 % → 80 % of 1000: Wilson upper bound ≈ 82.4 % < 90 × 0.95 = 85.5 %. 90 % → 89 %: upper ≈ 90.9 %, fine.
        let dropped = FirmwareHistory(modelName: "m", metric: .accuracy, results: [row(0.9, "1.0", minutesAgo: 2), row(0.8, "1.1", minutesAgo: 1)])
        XCTAssertEqual(dropped.points.map(\.isRegression), [false, true])
        let steady = FirmwareHistory(modelName: "m", metric: .accuracy, results: [row(0.9, "1.0", minutesAgo: 2), row(0.89, "1.1", minutesAgo: 1)])
        XCTAssertEqual(steady.points.map(\.isRegression), [false, false])
        // An accuracy *rise* is never a regression.
        let rose = FirmwareHistory(modelName: "m", metric: .accuracy, results: [row(0.8, "1.0", minutesAgo: 2), row(0.9, "1.1", minutesAgo: 1)])
        XCTAssertEqual(rose.points.map(\.isRegression), [false, false])
        XCTAssertTrue(rose.points[1].isSignificant)
    }
}
