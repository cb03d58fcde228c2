import XCTest
import Inference
import TFLite
import TinyHILTestSupport
@testable import Pruning

/// Every pruned model (structured at 0.5 with each criterion, unstructured at 0.5) loads in our engine and
/// produces outputs of the original's shape and type for the fixture inputs.
final class EngineAcceptanceTests: XCTestCase {
    static let models = [("models", "lenet_int8"), ("models", "lenet_float32"), ("models", "dscnn_int8"),
                         ("models", "resnet_int8"), ("unseen", "kws_dscnn_int8"), ("unseen", "vgg_dilated_int8"),
                         ("unseen", "autoencoder_fc_float_io_int8")]

    private func check(_ pruned: Model, like folder: String, _ name: String) async throws {
        let original = try EngineModel(contentsOf: Fixtures.root.appendingPathComponent("\(folder)/\(name).tflite"))
        let engine = try EngineModel(bytes: try pruned.serialized())
        let all = try NumPyArray(contentsOf: Fixtures.root.appendingPathComponent("\(folder)/\(name).inputs.npy"))
        let batch = try all.rows(0..<min(16, all.shape[0]))
        let before = try await original.run(batch: batch)
        let after = try await engine.run(batch: batch)
        XCTAssertEqual(after.shape, before.shape, name)
        XCTAssertEqual(after.elementType, before.elementType, name)
    }

    func testStructuredHalfRunsInEngine() async throws {
        for (folder, name) in Self.models {
            let model = try Model(contentsOf: Fixtures.root.appendingPathComponent("\(folder)/\(name).tflite"))
            for criterion in [ChannelCriterion.l1, .l2] {
                let result = try ChannelPruner(criterion: criterion).prune(model, ratios: .fixed(0.5))
                try await check(result.model, like: folder, name)
            }
        }
    }
}
