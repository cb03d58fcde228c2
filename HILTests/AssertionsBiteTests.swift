import Bench
import HILTesting
import IssueReporting
import TinyHILTestSupport
import XCTest

/// Proves the assertions bite: budgets that the fixtures break must be reported, through the issue-reporting hook.
final class AssertionsBiteTests: XCTestCase {
    func testATooTightEnergyBudgetIsReportedWithItsEvidence() async throws {
        let bench = try await SharedBench.get()
        let baseline = try ModelFixtures.model(named: "lenet_int8")
        let pruned = try ModelFixtures.model(named: "lenet_channel_pruned_int8")
        let collector = IssueCollector()
        let comparison = await withoutBudgetLog {
            await withIssueReporters([collector]) {
                await assertEnergy(of: pruned, atMost: 0.05, times: baseline, on: bench, pairs: 5)
            }
        }
        let unwrapped = try XCTUnwrap(comparison, "the comparison itself must succeed: \(collector.messages)")
        XCTAssertEqual(collector.messages.count, 1, "\(collector.messages)")
        let message = try XCTUnwrap(collector.messages.first)
        XCTAssertTrue(message.contains("energy budget broken"), message)
        XCTAssertTrue(message.contains("0.05"), message)
        XCTAssertTrue(message.contains(unwrapped.candidate.provenance.firmwareBuildID), message)
        XCTAssertGreaterThan(unwrapped.energyRatio.lower.value, 0.05)
    }

    func testAFootprintThatCannotFitIsReported() throws {
        let tinyBoard = BoardLimits(name: "a 16 KiB board", ramBytes: 16 * 1024, flashBytes: 64 * 1024,
                                    firmwareRAMBytes: 4 * 1024, firmwareFlashBytes: 16 * 1024)
        let model = try ModelFixtures.model(named: "lenet_int8")
        let collector = IssueCollector()
        let footprint = withoutBudgetLog { withIssueReporters([collector]) { assertFits(model, on: tinyBoard) } }
        XCTAssertNotNil(footprint, "the footprint itself must be computed")
        XCTAssertEqual(collector.messages.count, 1, "\(collector.messages)")
        XCTAssertTrue(collector.messages.first?.contains("does not fit a 16 KiB board") ?? false, "\(collector.messages)")
    }
}
