import XCTest
import Inference
import TFLite
import TinyHILTestSupport
@testable import Pruning

/// Unstructured pruning: targets, patterns, int8 quantized-domain zeros, depthwise included, schedules.
final class WeightPrunerTests: XCTestCase {
    /// Real weight values of operator `op`'s filter, dequantized here (per-channel along quantizedDimension).
    private func realWeights(_ model: Model, op: Int) -> [Double] {
        let tensor = model.subgraphs[0].tensors[model.subgraphs[0].operators[op].inputs[1]]
        if tensor.type == .float32 { return PruningFixtures.float32(model, tensor: model.subgraphs[0].operators[op].inputs[1]).map(Double.init) }
        let q = tensor.quantization!
        let axis = q.quantizedDimension
        let inner = tensor.shape[(axis + 1)...].reduce(1, *)
        let values = PruningFixtures.int8(model, tensor: model.subgraphs[0].operators[op].inputs[1])
        return values.enumerated().map { e, v in
            let c = q.scale.count > 1 ? (e / inner) % tensor.shape[axis] : 0
            return Double(q.scale[c]) * Double(Int64(v) - q.zeroPoint[q.zeroPoint.count > 1 ? c : 0])
        }
    }

    func testMagnitudePerLayerInt8KeepsTheLargestAndScales() throws {
        let model = try PruningFixtures.model("lenet_int8")
        let result = try WeightPruner().prune(model, sparsity: 0.5)
        XCTAssertEqual(result.layers.map(\.operatorIndex), [0, 2, 5, 6, 7])
        for layer in result.layers {
            // TF-MOT keeps max(round(n·(1−s)), 1) weights; zeros already present may add to that
            let kept = max(Int((Double(layer.elements) * 0.5).rounded()), 1)
            XCTAssertGreaterThanOrEqual(layer.zerosAfter, layer.elements - kept)
            let before = realWeights(model, op: layer.operatorIndex)
            let after = realWeights(result.model, op: layer.operatorIndex)
            let zeroed = before.indices.filter { after[$0] == 0 && before[$0] != 0 }.map { abs(before[$0]) }
            let survivors = before.indices.filter { after[$0] != 0 }.map { abs(before[$0]) }
            XCTAssertLessThanOrEqual(zeroed.max() ?? 0, survivors.min() ?? .infinity, "op \(layer.operatorIndex)")
            for i in before.indices where after[i] != 0 { XCTAssertEqual(after[i], before[i]) }
            let tensor = model.subgraphs[0].operators[layer.operatorIndex].inputs[1]
            XCTAssertEqual(result.model.subgraphs[0].tensors[tensor].quantization, model.subgraphs[0].tensors[tensor].quantization)
            XCTAssertEqual(result.model.subgraphs[0].tensors[tensor].shape, model.subgraphs[0].tensors[tensor].shape)
        }
    }

    func testDepthwiseIsPruned() throws {
        let model = try PruningFixtures.model("dscnn_int8")
        let result = try WeightPruner().prune(model, sparsity: 0.75)
        let depthwise = result.layers.filter { $0.operatorName == "DEPTHWISE_CONV_2D" }
        XCTAssertEqual(depthwise.map(\.operatorIndex), [1, 3, 5])
        for layer in depthwise { XCTAssertEqual(layer.sparsity, 0.75, accuracy: 0.02) }
    }

    func testGlobalThresholdAcrossLayers() throws {
        let model = try PruningFixtures.model("lenet_float32")
        let result = try WeightPruner(scope: .global).prune(model, sparsity: 0.6)
        XCTAssertEqual(result.sparsity, 0.6, accuracy: 0.001)
        var zeroed: [Double] = [], survivors: [Double] = []
        for layer in result.layers {
            let before = realWeights(model, op: layer.operatorIndex)
            let after = realWeights(result.model, op: layer.operatorIndex)
            for i in before.indices {
                if after[i] == 0 { zeroed.append(abs(before[i])) } else { survivors.append(abs(before[i])) }
            }
        }
        XCTAssertLessThanOrEqual(zeroed.max()!, survivors.min()!)
        // one threshold: layers end with different sparsities
        XCTAssertGreaterThan(Set(result.layers.map { ($0.sparsity * 100).rounded() }).count, 1)
    }

    func testTwoOfFourAlongInputChannels() throws {
        let model = try PruningFixtures.model("lenet_int8")
        let result = try WeightPruner(pattern: .nOfM(n: 2, m: 4)).prune(model, sparsity: 0)
        for layer in result.layers where layer.operatorIndex != 0 {  // op 0 has 1 input channel
            let weights = model.subgraphs[0].tensors[model.subgraphs[0].operators[layer.operatorIndex].inputs[1]]
            let row = weights.shape.last!
            let after = realWeights(result.model, op: layer.operatorIndex)
            for start in stride(from: 0, to: after.count, by: row) {
                for g in stride(from: 0, to: row, by: 4) {
                    let nonZero = (start + g..<start + min(row, g + 4)).filter { after[$0] != 0 }.count
                    XCTAssertLessThanOrEqual(nonZero, 2)
                }
            }
            XCTAssertGreaterThanOrEqual(layer.sparsity, 0.5)
        }
    }

    func testOneByFourBlocksAreWholeOrUntouched() throws {
        let model = try PruningFixtures.model("lenet_float32")
        let result = try WeightPruner(pattern: .block(length: 4)).prune(model, sparsity: 0.5)
        let fc = result.layers.first { $0.operatorIndex == 5 }!
        XCTAssertEqual(fc.sparsity, 0.5, accuracy: 0.01)
        let before = realWeights(model, op: 5), after = realWeights(result.model, op: 5)
        for block in stride(from: 0, to: after.count, by: 4) {
            let slice = block..<block + 4
            let zeroedHere = slice.filter { after[$0] == 0 && before[$0] != 0 }.count
            if zeroedHere > 0 { XCTAssertTrue(slice.allSatisfy { after[$0] == 0 }) }
            else { XCTAssertEqual(Array(after[slice]), Array(before[slice])) }
        }
    }

    func testRandomIsSeeded() throws {
        let model = try PruningFixtures.model("lenet_int8")
        let a = try WeightPruner(selection: .random(seed: 7)).prune(model, sparsity: 0.3)
        let b = try WeightPruner(selection: .random(seed: 7)).prune(model, sparsity: 0.3)
        let c = try WeightPruner(selection: .random(seed: 8)).prune(model, sparsity: 0.3)
        XCTAssertEqual(a.model, b.model)
        XCTAssertNotEqual(a.model, c.model)
        for layer in a.layers { XCTAssertGreaterThanOrEqual(layer.sparsity, 0.29) }
    }

    func testBadRequestsAreTypedErrors() throws {
        let model = try PruningFixtures.model("lenet_int8")
        XCTAssertThrowsError(try WeightPruner().prune(model, sparsity: 1.0))
        XCTAssertThrowsError(try WeightPruner().prune(model, sparsity: -0.5))
        XCTAssertThrowsError(try WeightPruner(pattern: .nOfM(n: 4, m: 4)).prune(model, sparsity: 0))
        XCTAssertThrowsError(try WeightPruner(pattern: .block(length: 0)).prune(model, sparsity: 0.5))
    }

    func testPrunedModelsRunInEngine() async throws {
        for name in ["lenet_int8", "dscnn_int8", "resnet_int8", "lenet_float32"] {
            let model = try PruningFixtures.model(name)
            let pruned = try WeightPruner().prune(model, sparsity: 0.5).model
            let engine = try EngineModel(bytes: try pruned.serialized())
            let all = try NumPyArray(contentsOf: Fixtures.root.appendingPathComponent("models/\(name).inputs.npy"))
            let outputs = try await engine.run(batch: try all.rows(0..<8))
            XCTAssertEqual(outputs.shape, [8, 10])
        }
    }

    func testSchedulesFollowTFMOTFormulas() throws {
        let decay = try PolynomialDecay(initialSparsity: 0, finalSparsity: 0.8, beginStep: 0, endStep: 100, frequency: 10)
        XCTAssertEqual(decay.sparsity(atStep: 0), 0, accuracy: 1e-12)
        XCTAssertEqual(decay.sparsity(atStep: 50), 0.8 - 0.8 * 0.125, accuracy: 1e-12)   // (1 − 0.5)³ = 1/8
        XCTAssertEqual(decay.sparsity(atStep: 100), 0.8, accuracy: 1e-12)
        XCTAssertEqual(decay.sparsity(atStep: 500), 0.8, accuracy: 1e-12)
        XCTAssertTrue(decay.shouldPrune(atStep: 20))
        XCTAssertFalse(decay.shouldPrune(atStep: 25))
        XCTAssertFalse(decay.shouldPrune(atStep: 110))
        let constant = try ConstantSparsity(targetSparsity: 0.5, beginStep: 10, endStep: -1, frequency: 5)
        XCTAssertFalse(constant.shouldPrune(atStep: 5))
        XCTAssertTrue(constant.shouldPrune(atStep: 10_000))
        XCTAssertEqual(constant.sparsity(atStep: 3), 0.5)
        XCTAssertThrowsError(try ConstantSparsity(targetSparsity: 1.5))
        XCTAssertThrowsError(try PolynomialDecay(initialSparsity: 0, finalSparsity: 0.5, beginStep: 10, endStep: 10))
    }
}
