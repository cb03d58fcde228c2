import Bench
import HILTesting
import XCTest

/// The whole recovery made inside the test: prune half of LeNet's channels, fine-tune on Fashion-MNIST's training
/// split on the host, quantize back to int8, then hold the result to both budgets on the bench.
///
/// The two budgets are two tests, so that `swift test --parallel` runs them on two boards at once (each fine-tunes
/// the same way: the seed is fixed, and it takes about 15 s of CPU).
final class FineTunedLeNetBudgetTests: XCTestCase {
    static let store = try? ResultStore()

    private func fineTunedLeNet() async throws -> (tuned: ModelUnderTest, baseline: ModelUnderTest) {
        let baseline = try ModelFixtures.model(named: "lenet_int8")
        return (try await baseline.channelPruned(ratio: 0.5, fineTunedOn: .fashionMNIST(epochs: 2)), baseline)
    }

    func testHalfPrunedFineTunedLeNetMeetsTheEnergyBudget() async throws {
        let bench = try await SharedBench.get()
        let (tuned, baseline) = try await fineTunedLeNet()
        // 30 window pairs, not the default 10: the model runs 0.390× the baseline's instructions per inference
        // (1,313,362 against 3,365,651 in a window, `tinyhil measure`), close enough to the 0.4 budget that
        // 10 pairs of the simulated meter give an interval of about ±0.008 around it, which decides nothing.
        await assertEnergy(of: tuned, atMost: 0.4, times: baseline, on: bench, pairs: 30, recordingIn: Self.store)
    }

    func testHalfPrunedFineTunedLeNetMeetsTheAccuracyBudget() async throws {
        let bench = try await SharedBench.get()
        let (tuned, baseline) = try await fineTunedLeNet()
        let testImages = try LabelledInputs.fashionMNIST(limit: 1000, for: baseline)
        await assertAccuracyDrop(of: tuned, comparedTo: baseline, atMostPoints: 1, on: testImages, bench: bench,
                                 recordingIn: Self.store)
    }
}
