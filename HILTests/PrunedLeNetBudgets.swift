// The README's "Writing budgets as tests" example, verbatim between the markers (ReadmeExampleTests checks that the
// README shows exactly this text), so the example compiles and runs in the HIL suite on real fixtures.
// README-EXAMPLE-BEGIN
import Bench        // ModelUnderTest, LabelledInputs
import HILTesting   // assertBudget, ModelBudget, .hilBench, ModelFixtures
import Testing

@Suite(.hilBench(recordingResults: true), .serialized)   // TINYHIL_BENCH / TINYHIL_PORT, else the virtual bench;
                                                       // results go to $TINYHIL_STORE (tinyhil history)
struct PrunedLeNetBudgets {
    let baseline: ModelUnderTest
    let pruned: ModelUnderTest

    init() throws {
        baseline = try ModelFixtures.model(named: "lenet_int8")                  // fixtures/models/*.tflite
        pruned = try ModelFixtures.model(named: "lenet_channel_pruned_int8")     // or baseline.channelPruned(ratio: 0.5)
    }

    @Test(.tags(.budget)) func channelPruningSavesEnergy() async {
        await assertBudget(pruned, .energy(atMost: 0.6, of: baseline))    // the ratio's CI upper bound ≤ 0.6
    }

    @Test(.tags(.budget)) func channelPruningKeepsAccuracyAndSpeed() async throws {
        let data = try LabelledInputs.fashionMNIST(limit: 1000, for: baseline)
        await assertBudget(pruned, .accuracyDrop(atMostPoints: 2, from: baseline, on: data))
        await assertBudget(pruned, .latency(atMost: .milliseconds(40)))
        await assertBudget(pruned, .fits(.raspberryPiPico))
    }

    /// The Pico energy study's finding: 75 % zeroed weights on dense kernels skip no work. What remains is data
    /// dependence: the M0+ requantization is shorter for small accumulators, which zeros make more common (≈ 2 %).
    @Test(.tags(.budget)) func magnitudePruningChangesNoEnergyOnDenseKernels() async throws {
        let sparse = try ModelFixtures.model(named: "lenet_magnitude_pruned_int8")
        await assertBudget(sparse, .energyUnchanged(comparedTo: baseline, within: 0.05))
    }
}
// README-EXAMPLE-END
