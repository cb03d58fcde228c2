@testable import Bench
import Foundation
import HILTesting
import PowerMeter
import TinyHILTestSupport
import XCTest

/// `assertNoRegression` on results made by hand (no bench needed): the previous firmware's result is written to a
/// fresh store, the current one is passed in, and the issues the assertion reports are collected.
final class RegressionAssertionTests: XCTestCase {
    private func freshStore() throws -> ResultStore {
        try ResultStore(path: FileManager.default.temporaryDirectory
            .appendingPathComponent("tinyhil-regression-assert-\(UUID().uuidString).sqlite").path)
    }

    private func provenance(firmware: String) -> Provenance {
        Provenance(boardID: "test-board", boardName: "test", meterID: "none", firmwareVersion: firmware,
                   firmwareBuildID: "build-\(firmware)", counterUnit: .instructions)
    }

    private func accuracyRow(_ accuracy: Double, samples: Int, firmware: String) -> StoredResult {
        StoredResult(kind: .accuracy, modelName: "lenet_int8", modelSHA256: "sha", boardID: "test-board", meterID: "none",
                     firmwareVersion: firmware, firmwareBuildID: "build-\(firmware)", harnessVersion: "test",
                     accuracy: accuracy, accuracySamples: samples)
    }

    private func measurement(microjoules: [Double], firmware: String) throws -> BoardMeasurement {
        let energies = microjoules.map { Joules.microjoules($0) }
        return BoardMeasurement(
            model: "lenet_int8", modelSHA256: "sha", provenance: provenance(firmware: firmware),
            energyPerInference: try Estimate.median(of: energies),
            latencyPerInference: try Estimate.median(of: microjoules.map { Seconds($0 * 1e-6) }),
            counterPerInference: 1, windows: microjoules.count, inferencesPerWindow: 1, arenaBytes: 1, flashBytes: 1,
            tracePath: nil)
    }

    /// The bug of issue 15: asked about accuracy, `assertNoRegression` passed silently (a measurement has no
    /// accuracy, and the previous accuracy result was never looked at). It must say it cannot judge.
    func testAccuracyRegressionOfAMeasurementIsNotPassedSilently() throws {
        let store = try freshStore()
        try store.record(accuracyRow(0.90, samples: 1000, firmware: "1.0.0"))
        let current = try measurement(microjoules: [100, 101, 99, 100, 102, 100], firmware: "1.1.0")
        let issues = IssueCollector.collect { () -> Void in
            _ = assertNoRegression(of: current, metric: .accuracy, store: store)
        }
        XCTAssertEqual(issues.count, 1, "asked about accuracy, the assertion must not pass silently: \(issues)")
    }

    private func accuracyRun(correct: Int, of samples: Int, firmware: String) -> AccuracyRun {
        AccuracyRun(model: "lenet_int8", modelSHA256: "sha", provenance: provenance(firmware: firmware), samples: samples,
                    correct: correct, agreeingWithHost: samples, firstDisagreements: [])
    }

    /// Accuracy from 90 % (1000 inputs) to 80 %: the new Wilson interval (77.4–82.4 %) lies wholly below
    /// 90 % × 0.95 = 85.5 %, a regression; to 89 % its upper bound (≈ 90.8 %) is above 85.5 %, no regression.
    func testAnAccuracyDropBeyondTheToleranceIsAReportedRegression() throws {
        let store = try freshStore()
        try store.record(accuracyRow(0.90, samples: 1000, firmware: "1.0.0"))
        let dropped = accuracyRun(correct: 800, of: 1000, firmware: "1.1.0")
        // The regression is deliberate: kept out of the budget log, or ci/hil-gate's --fail-on-broken would fail on it.
        let issues = IssueCollector.collect { withoutBudgetLog { assertNoRegression(of: dropped, store: store) } }
        XCTAssertEqual(issues.count, 1, "\(issues)")
        XCTAssertTrue(issues.first?.contains("accuracy regression") ?? false, "\(issues)")
        XCTAssertTrue(issues.first?.contains("build-1.0.0") ?? false, "\(issues)")

        let fresh = try freshStore()
        try fresh.record(accuracyRow(0.90, samples: 1000, firmware: "1.0.0"))
        let steady = accuracyRun(correct: 890, of: 1000, firmware: "1.1.0")
        XCTAssertEqual(IssueCollector.collect { assertNoRegression(of: steady, store: fresh) }, [])
        XCTAssertEqual(try fresh.results(kind: .accuracy).count, 2, "the run is recorded by the recording policy")
    }
}
