import Bench
import HILTesting
import Testing

/// A broken budget inside a Swift Testing `@Test` must be a recorded issue there, not only a printed line.
/// Without the IssueReportingTestSupport product linked into this target, IssueReporting cannot reach Swift Testing:
/// it printed "An issue was recorded without linking the Testing framework" and the test passed. `withKnownIssue`
/// fails when no issue is recorded, so this test fails in exactly that case. The deliberately broken budget stays out
/// of the budget log (`withoutBudgetLog`), or `ci/hil-gate --fail-on-broken` would fail on it.
@Suite struct SwiftTestingReportingTests {
    @Test func aBrokenFootprintBudgetIsRecordedAsASwiftTestingIssue() async throws {
        let lenet = try ModelFixtures.model(named: "lenet_int8")
        let tinyBoard = BoardLimits(name: "a 16 KiB board", ramBytes: 16 * 1024, flashBytes: 64 * 1024,
                                    firmwareRAMBytes: 4 * 1024, firmwareFlashBytes: 16 * 1024)
        await withKnownIssue("lenet_int8 (122 KB of weights) cannot fit 64 KiB of flash") {
            _ = await withoutBudgetLog { () async in await assertBudget(lenet, .fits(tinyBoard)) }
        }
    }
}
