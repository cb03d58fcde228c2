import XCTest
import Inference
import TFLite
import TinyHILTestSupport
@testable import Pruning

/// Mean-activation and APoZ ranking through the host engine.
final class DataDrivenImportanceTests: XCTestCase {
    private func calibration(_ name: String, rows: Int = 32) throws -> NumPyArray {
        let all = try NumPyArray(contentsOf: Fixtures.root.appendingPathComponent("models/\(name).inputs.npy"))
        return try all.rows(0..<min(rows, all.shape[0]))
    }

    /// Channels whose filters and bias are zero output real 0 on every input (APoZ 100 %, mean 0), so both
    /// criteria must pick exactly them when asked to remove that many.
    func testDeadChannelsAreRemovedFirst() async throws {
        var model = try PruningFixtures.model("lenet_int8")
        let conv2 = PruningFixtures.op(model, 2)
        var weights = try XCTUnwrap(model.constantData(of: model.subgraphs[0].tensors[conv2.inputs[1]]))
        var bias = try XCTUnwrap(model.constantData(of: model.subgraphs[0].tensors[conv2.inputs[2]]))
        let dead = [3, 7, 20]
        for c in dead {
            for e in (c * 108)..<((c + 1) * 108) { weights[e] = 0 }   // [32, 3, 3, 12]: 108 per output channel
            for b in 0..<4 { bias[c * 4 + b] = 0 }
        }
        try model.setConstantData(weights, ofTensor: conv2.inputs[1])
        try model.setConstantData(bias, ofTensor: conv2.inputs[2])
        for criterion in [ChannelCriterion.apoz, .meanActivation] {
            let result = try await ChannelPruner(criterion: criterion)
                .prune(model, ratios: .perLayer(["2": 3.0 / 32.0]), calibration: try calibration("lenet_int8"))
            let graph = try DependencyGraph(model: model)
            let group = try XCTUnwrap(graph.groups.first { $0.producers == [2] })
            let removed = result.outcomes[0].removedUnits.map { group.units[$0].channels.first { $0.tensor == conv2.outputs[0] }!.channel }
            XCTAssertEqual(removed.sorted(), dead, criterion.rawValue)
        }
    }

    func testDataDrivenPruningOfResidualModelRuns() async throws {
        let model = try PruningFixtures.model("resnet_int8")
        let inputs = try calibration("resnet_int8")
        let result = try await ChannelPruner(criterion: .apoz).prune(model, ratios: .fixed(0.5), calibration: inputs)
        let outputs = try await EngineModel(bytes: try result.model.serialized()).run(batch: try inputs.rows(0..<4))
        XCTAssertEqual(outputs.shape, [4, 10])
    }

    func testDataDrivenWithoutDataIsAnError() throws {
        let model = try PruningFixtures.model("lenet_int8")
        XCTAssertThrowsError(try ChannelPruner(criterion: .apoz).prune(model, ratios: .fixed(0.5))) { error in
            XCTAssertEqual(error as? PruningError, .missingCalibrationData(criterion: "apoz"))
        }
    }
}
