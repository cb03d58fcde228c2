import XCTest
import Inference
import TFLite
import TinyHILTestSupport
@testable import Pruning

/// The strong surgery check: make some channels contribute exactly nothing, prune exactly those channels,
/// and the host engine's outputs on the fixture inputs must not change.
///
/// Why the identity is exact for int8: a channel whose filter weights are all 0 (int8 weight zero point is 0)
/// and whose int32 bias is 0 accumulates exactly 0, which requantizes to the output zero point whatever the
/// scale; the fused activation (ReLU or none) keeps real 0; average pooling of identical values, RESHAPE and an
/// ADD of two real zeros give the zero point again. Every consumer computes Σ w·(x − input zero point), and
/// the consumer's input zero point is the producer's output zero point, so the channel adds exactly 0 to
/// every accumulator — removing its weights changes no integer. A non-zero bias would not work: the channel
/// would carry a constant, and removing it would shift the consumer's outputs. The same holds through a
/// depthwise conv only when its biases of the dependent outputs are zeroed too (done below for dscnn).
final class ZeroChannelIdentityTests: XCTestCase {
    /// Sets the weight rows `channels` (axis `axis`) of operator `op` and their bias entries to zero.
    private func zero(_ model: inout Model, op opIndex: Int, axis: Int, channels: [Int]) throws {
        let op = model.subgraphs[0].operators[opIndex]
        let weights = model.subgraphs[0].tensors[op.inputs[1]]
        XCTAssertTrue(weights.quantization?.zeroPoint.allSatisfy { $0 == 0 } ?? true, "weight zero point must be 0")
        var data = try XCTUnwrap(model.constantData(of: weights))
        let width = weights.type == .float32 ? 4 : 1
        let inner = weights.shape[(axis + 1)...].reduce(1, *)
        let extent = weights.shape[axis]
        for e in 0..<(data.count / width) where channels.contains((e / inner) % extent) {
            for b in 0..<width { data[e * width + b] = 0 }
        }
        try model.setConstantData(data, ofTensor: op.inputs[1])
        if op.inputs.count > 2, op.inputs[2] >= 0 {
            var bias = try XCTUnwrap(model.constantData(of: model.subgraphs[0].tensors[op.inputs[2]]))
            for c in channels { for b in 0..<4 { bias[c * 4 + b] = 0 } }
            try model.setConstantData(bias, ofTensor: op.inputs[2])
        }
    }

    /// Units of the group produced by `op` that hold output channels `channels`.
    private func units(of op: Int, channels: [Int], in model: Model) throws -> (Int, Set<Int>) {
        let graph = try DependencyGraph(model: model)
        let group = try XCTUnwrap(graph.groups.first { $0.producers.contains(op) })
        let output = model.subgraphs[0].operators[op].outputs[0]
        let units = try channels.map { try XCTUnwrap(group.unitIndex(containing: TensorChannel(tensor: output, channel: $0))) }
        return (group.id, Set(units))
    }

    private func outputs(_ model: Model, inputs name: String) async throws -> NumPyArray {
        let engine = try EngineModel(bytes: try model.serialized())
        let all = try NumPyArray(contentsOf: Fixtures.root.appendingPathComponent("models/\(name).inputs.npy"))
        let batch = try all.rows(0..<min(100, all.shape[0]))
        return try await engine.run(batch: batch)
    }

    func testLeNetInt8ConvAndFlattenAndDenseChannels() async throws {
        var model = try PruningFixtures.model("lenet_int8")
        try zero(&model, op: 0, axis: 0, channels: [1, 4])
        try zero(&model, op: 2, axis: 0, channels: [0, 5, 17, 31])
        try zero(&model, op: 5, axis: 0, channels: [3, 50, 119])
        try zero(&model, op: 6, axis: 0, channels: [0, 83])
        var removal: [Int: Set<Int>] = [:]
        for (op, channels) in [(0, [1, 4]), (2, [0, 5, 17, 31]), (5, [3, 50, 119]), (6, [0, 83])] {
            let (group, units) = try units(of: op, channels: channels, in: model)
            removal[group] = units
        }
        let pruned = try ChannelPruner.remove(units: removal, from: model)
        XCTAssertEqual(PruningFixtures.shape(pruned, PruningFixtures.op(model, 5).inputs[1]), [117, 700])
        let expected = try await outputs(model, inputs: "lenet_int8")
        let actual = try await outputs(pruned, inputs: "lenet_int8")
        XCTAssertEqual(actual.shape, expected.shape)
        XCTAssertEqual(actual.bytes, expected.bytes, "int8 outputs must be bit-identical")
    }

    func testResNetInt8ResidualChannel() async throws {
        var model = try PruningFixtures.model("resnet_int8")
        // channel 6 of the first residual group: both ADD branches (conv 0 and conv 2) carry exact zeros
        try zero(&model, op: 0, axis: 0, channels: [6])
        try zero(&model, op: 2, axis: 0, channels: [6])
        try zero(&model, op: 4, axis: 0, channels: [9, 30])
        let (g1, u1) = try units(of: 0, channels: [6], in: model)
        let (g2, u2) = try units(of: 4, channels: [9, 30], in: model)
        let pruned = try ChannelPruner.remove(units: [g1: u1, g2: u2], from: model)
        let expected = try await outputs(model, inputs: "resnet_int8")
        let actual = try await outputs(pruned, inputs: "resnet_int8")
        XCTAssertEqual(actual.bytes, expected.bytes, "int8 outputs must be bit-identical")
    }

    func testDSCNNInt8ThroughDepthwiseMultiplier() async throws {
        var model = try PruningFixtures.model("dscnn_int8")
        try zero(&model, op: 2, axis: 0, channels: [3, 12])
        // depthwise op 3 (multiplier 2): its outputs 6, 7, 24, 25 depend on those channels; zero their filters
        // and biases so they are real 0 too
        try zero(&model, op: 3, axis: 3, channels: [6, 7, 24, 25])
        let (group, units) = try units(of: 2, channels: [3, 12], in: model)
        let pruned = try ChannelPruner.remove(units: [group: units], from: model)
        let expected = try await outputs(model, inputs: "dscnn_int8")
        let actual = try await outputs(pruned, inputs: "dscnn_int8")
        XCTAssertEqual(actual.bytes, expected.bytes, "int8 outputs must be bit-identical")
    }

    func testLeNetFloat32WithinRounding() async throws {
        var model = try PruningFixtures.model("lenet_float32")
        try zero(&model, op: 2, axis: 0, channels: [2, 9])
        let (group, units) = try units(of: 2, channels: [2, 9], in: model)
        let pruned = try ChannelPruner.remove(units: [group: units], from: model)
        let expected: [Float] = try await outputs(model, inputs: "lenet_float32").values()
        let actual: [Float] = try await outputs(pruned, inputs: "lenet_float32").values()
        XCTAssertEqual(actual.count, expected.count)
        // adding exact zeros changes nothing, but a shorter dot product may sum in another order
        for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: 1e-5) }
    }

    /// Sanity: zeroing without a matching removal is visible, so the identities above can fail.
    func testRemovingOtherChannelsChangesOutputs() async throws {
        var model = try PruningFixtures.model("lenet_int8")
        try zero(&model, op: 2, axis: 0, channels: [0])
        let (group, units) = try units(of: 2, channels: [1], in: model)
        let pruned = try ChannelPruner.remove(units: [group: units], from: model)
        let expected = try await outputs(model, inputs: "lenet_int8")
        let actual = try await outputs(pruned, inputs: "lenet_int8")
        XCTAssertNotEqual(actual.bytes, expected.bytes)
    }
}
