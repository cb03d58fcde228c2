import Bench
import Foundation
import HILTesting
import IssueReporting
import TinyHILTestSupport
import XCTest

/// `assertNoRegression` across two firmware builds of the virtual board: the same code built as 1.0.0 and 1.1.0
/// must not regress, and a recorded result that the new build clearly exceeds must be reported.
final class FirmwareRegressionGateTests: XCTestCase {
    private func temporaryStore() throws -> ResultStore {
        try ResultStore(path: FileManager.default.temporaryDirectory
            .appendingPathComponent("tinyhil-gate-\(UUID().uuidString).sqlite").path)
    }

    private func measure(_ model: ModelUnderTest, firmware: String) async throws -> BoardMeasurement {
        try await Bench.with(.virtual(seed: 11, firmwareVersion: firmware)) { bench in
            try await bench.measure(model, windows: 5, inferencesPerWindow: 2)
        }
    }

    func testANewFirmwareBuildOfTheSameCodeDoesNotRegress() async throws {
        let store = try temporaryStore()
        let model = try ModelFixtures.model(named: "lenet_channel_pruned_int8")
        try store.record(try await measure(model, firmware: "1.0.0").storedResult())
        let previous = assertNoRegression(of: try await measure(model, firmware: "1.1.0"), metric: .energy,
                                          tolerance: .fivePercent, store: store)
        XCTAssertEqual(previous?.firmwareVersion, "1.0.0", "the check must compare against the earlier firmware")
    }

    func testARegressionAgainstTheRecordedFirmwareIsReported() async throws {
        let store = try temporaryStore()
        let model = try ModelFixtures.model(named: "lenet_channel_pruned_int8")
        let current = try await measure(model, firmware: "1.1.0")
        // A recorded 1.0.0 result at 80 % of today's energy: the new build is 25 % worse, beyond 5 %.
        var earlier = current.storedResult()
        earlier.firmwareVersion = "1.0.0"
        earlier.firmwareBuildID = "recorded-earlier"
        earlier.recordedAt = Date(timeIntervalSinceNow: -3600)
        earlier.energyMicrojoulesMedian = current.energyPerInference.median.microjoules * 0.8
        try store.record(earlier)
        let collector = IssueCollector()
        withoutBudgetLog {
            withIssueReporters([collector]) {
                _ = assertNoRegression(of: current, metric: .energy, tolerance: .fivePercent, store: store)
            }
        }
        XCTAssertEqual(collector.messages.count, 1, "\(collector.messages)")
        XCTAssertTrue(collector.messages.first?.contains("energy regression") ?? false, "\(collector.messages)")
        XCTAssertTrue(collector.messages.first?.contains("recorded-earlier") ?? false, "\(collector.messages)")
    }
}
