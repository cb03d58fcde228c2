import Bench
import HILTesting
import XCTest

/// The whole recovery made inside the test: prune half of LeNet's channels, fine-tune on Fashion-MNIST's training
/// split on the host, quantize back to int8, then hold the result to both budgets on the bench.
final class FineTunedLeNetBudgetTests: XCTestCase {
    static let store = try? ResultStore()

    func testHalfPrunedFineTunedLeNetMeetsEnergyAndAccuracyBudgets() async throws {
        let bench = try await SharedBench.get()
        let baseline = try ModelFixtures.model(named: "lenet_int8")
        let tuned = try await baseline.channelPruned(ratio: 0.5, fineTunedOn: .fashionMNIST(epochs: 2))
        await assertEnergy(of: tuned, atMost: 0.4, times: baseline, on: bench, recordingIn: Self.store)
        let testImages = try LabelledInputs.fashionMNIST(limit: 1000, for: baseline)
        await assertAccuracyDrop(of: tuned, comparedTo: baseline, atMostPoints: 1, on: testImages, bench: bench,
                                 recordingIn: Self.store)
    }
}
