import Bench
import Foundation
import HILTesting
import Testing

/// Issue 13 part 3: the 75 % magnitude-pruned LeNet with its weights in the engine's sparse encoding (THS1,
/// fixtures/sparse, made by `tinyhil prune weights --encode sparse`) against the dense baseline.
@Suite(.hilBench, .serialized)
struct SparseLeNetBudgets {
    let baseline: ModelUnderTest
    let sparse: ModelUnderTest

    init() throws {
        baseline = try ModelFixtures.model(named: "lenet_int8")
        let url = ModelFixtures.bundledModels.deletingLastPathComponent()
            .appendingPathComponent("sparse/lenet_magnitude_pruned_sparse_int8.tflite")
        sparse = try ModelUnderTest(contentsOf: url, name: "lenet_magnitude_pruned_sparse_int8")
    }

    /// Flash = model bytes (the board runs the model in place): goal ≤ 0.5× (measured 54,720 / 121,944 = 0.449).
    @Test(.tags(.budget)) func sparseEncodingHalvesFlash() {
        let ratio = Double(sparse.bytes.count) / Double(baseline.bytes.count)
        #expect(ratio <= 0.5, "sparse LeNet flash \(sparse.bytes.count) B is \(ratio)× the dense \(baseline.bytes.count) B")
    }

    /// Goal ≤ 0.6× energy: the ratio's CI upper bound (measured 0.568, 95 % CI 0.564–0.576, with
    /// `tinyhil measure fixtures/sparse/lenet_magnitude_pruned_sparse_int8.tflite --baseline fixtures/models/lenet_int8.tflite`).
    @Test(.tags(.budget)) func sparseKernelsSaveEnergy() async {
        await assertBudget(sparse, .energy(atMost: 0.6, of: baseline))
    }
}
