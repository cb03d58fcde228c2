import XCTest
import Inference
import TFLite
@testable import Pruning

/// SparseWeightEncoder on a magnitude-pruned model: every FC/CONV weight tensor where THS1 is smaller is encoded,
/// the model reads back as the same dense weights, and the host engine (C, independent of the Swift encoder's
/// decoder) gives the same outputs as on the dense model.
final class SparseWeightEncoderTests: XCTestCase {
    func testEncodesPrunedLeNetAndTheEngineAgreesWithTheDenseModel() async throws {
        let dense = try WeightPruner().prune(try PruningFixtures.model("lenet_int8"), sparsity: 0.75).model
        let (sparse, tensors) = try SparseWeightEncoder().encode(dense)
        XCTAssertEqual(tensors.count, 5)
        for t in tensors {
            XCTAssertLessThan(t.sparseBytes, t.denseBytes, t.tensorName)
            XCTAssertLessThanOrEqual(t.nonzeros * 4, t.elements + 4, t.tensorName)   // 75 % zeros (rounding)
        }
        for (a, b) in zip(dense.subgraphs[0].tensors, sparse.subgraphs[0].tensors) {
            XCTAssertEqual(dense.constantData(of: a), sparse.constantData(of: b), a.name)
        }
        let bytes = try sparse.serialized()
        XCTAssertLessThan(Double(bytes.count), 0.5 * Double(try dense.serialized().count))
        let input = try NumPyArray(values: (0..<784).map { Int8(truncatingIfNeeded: $0 * 37) }, shape: [1, 28, 28, 1])
        let denseOut = try await EngineModel(bytes: try dense.serialized()).run(batches: [input])[0]
        let sparseOut = try await EngineModel(bytes: bytes).run(batches: [input])[0]
        XCTAssertEqual(denseOut, sparseOut)
    }

    func testLeavesDenseWeightsDense() throws {
        let model = try PruningFixtures.model("lenet_int8")
        let (encoded, tensors) = try SparseWeightEncoder().encode(model)
        XCTAssertTrue(tensors.isEmpty, "unpruned weights are smaller dense")
        XCTAssertTrue(encoded.sparseBuffers.isEmpty)
    }
}
