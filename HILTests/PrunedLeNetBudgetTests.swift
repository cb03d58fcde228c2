import Bench
import HILTesting
import XCTest

/// The product's own budgets, on the bench the environment names (virtual by default): what a TinyML team's suite
/// looks like. Results are recorded in the store named by $TINYHIL_STORE (default .tinyhil/results.sqlite).
final class PrunedLeNetBudgetTests: XCTestCase {
    static let store = try? ResultStore()

    func testChannelPrunedLeNetUsesAtMostSixTenthsOfTheBaselinesEnergy() async throws {
        let bench = try await SharedBench.get()
        let baseline = try ModelFixtures.model(named: "lenet_int8")
        let pruned = try ModelFixtures.model(named: "lenet_channel_pruned_int8")
        await assertEnergy(of: pruned, atMost: 0.6, times: baseline, on: bench, recordingIn: Self.store)
    }

    func testChannelPrunedLeNetLosesAtMostTwoPointsOfAccuracyOnTheBoard() async throws {
        let bench = try await SharedBench.get()
        let baseline = try ModelFixtures.model(named: "lenet_int8")
        let pruned = try ModelFixtures.model(named: "lenet_channel_pruned_int8")
        let testImages = try LabelledInputs.fashionMNIST(limit: 1000, for: baseline)
        await assertAccuracyDrop(of: pruned, comparedTo: baseline, atMostPoints: 2, on: testImages, bench: bench,
                                 recordingIn: Self.store)
    }

    /// The Pico energy study's finding: zeroed weights on dense kernels change nothing.
    func testMagnitudePrunedLeNetShowsNoEnergyChangeOnDenseKernels() async throws {
        let bench = try await SharedBench.get()
        let baseline = try ModelFixtures.model(named: "lenet_int8")
        let sparse = try ModelFixtures.model(named: "lenet_magnitude_pruned_int8")
        await assertEnergyUnchanged(of: sparse, comparedTo: baseline, within: 0.03, on: bench, recordingIn: Self.store)
    }
}
