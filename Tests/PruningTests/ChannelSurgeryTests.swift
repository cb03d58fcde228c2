import XCTest
import TFLite
@testable import Pruning

/// Shapes, weights and quantization parameters of structurally pruned models, checked against slices the
/// test takes itself from the original model.
final class ChannelSurgeryTests: XCTestCase {
    /// The kept output channels of producer `op` after pruning, read from the outcome.
    private func keptChannels(of op: Int, in result: ChannelPruningResult, graph: DependencyGraph,
                              model: Model) throws -> [Int] {
        let group = try XCTUnwrap(graph.groups.first { $0.producers.contains(op) })
        let outcome = try XCTUnwrap(result.outcomes.first { $0.group == group.id })
        let output = PruningFixtures.op(model, op).outputs[0]
        let removed = Set(outcome.removedUnits.flatMap { unit in
            group.units[unit].channels.filter { $0.tensor == output }.map(\.channel)
        })
        return (0..<PruningFixtures.shape(model, output).last!).filter { !removed.contains($0) }
    }

    func testLeNetInt8AtHalf() throws {
        let model = try PruningFixtures.model("lenet_int8")
        let graph = try DependencyGraph(model: model)
        let result = try ChannelPruner(criterion: .l1).prune(model, ratios: .fixed(0.5))
        let pruned = result.model
        XCTAssertEqual(result.outcomes.map(\.channelsAfter), [6, 16, 60, 42])

        let keep0 = try keptChannels(of: 0, in: result, graph: graph, model: model)
        let keep2 = try keptChannels(of: 2, in: result, graph: graph, model: model)
        let keep5 = try keptChannels(of: 5, in: result, graph: graph, model: model)
        XCTAssertEqual(keep0.count, 6)
        XCTAssertEqual(keep2.count, 16)

        // conv 2: weights [O=32, 3, 3, I=12] → [16, 3, 3, 6], rows keep2 and input columns keep0.
        let conv2 = PruningFixtures.op(model, 2)
        XCTAssertEqual(PruningFixtures.shape(pruned, conv2.inputs[1]), [16, 3, 3, 6])
        let before = PruningFixtures.int8(model, tensor: conv2.inputs[1])
        let after = PruningFixtures.int8(pruned, tensor: conv2.inputs[1])
        var expected: [Int8] = []
        for o in keep2 { for k in 0..<9 { for i in keep0 { expected.append(before[(o * 9 + k) * 12 + i]) } } }
        XCTAssertEqual(after, expected)
        // bias and per-channel scales follow the kept rows; activations keep their per-tensor parameters
        let biasBefore = PruningFixtures.int32(model, tensor: conv2.inputs[2])
        XCTAssertEqual(PruningFixtures.int32(pruned, tensor: conv2.inputs[2]), keep2.map { biasBefore[$0] })
        let qBefore = try XCTUnwrap(model.subgraphs[0].tensors[conv2.inputs[1]].quantization)
        let qAfter = try XCTUnwrap(pruned.subgraphs[0].tensors[conv2.inputs[1]].quantization)
        XCTAssertEqual(qAfter.scale, keep2.map { qBefore.scale[$0] })
        XCTAssertEqual(qAfter.zeroPoint, keep2.map { qBefore.zeroPoint[$0] })
        XCTAssertEqual(qAfter.quantizedDimension, 0)
        let biasQ = try XCTUnwrap(pruned.subgraphs[0].tensors[conv2.inputs[2]].quantization)
        XCTAssertEqual(biasQ.scale.count, 16)
        XCTAssertEqual(pruned.subgraphs[0].tensors[conv2.outputs[0]].quantization,
                       model.subgraphs[0].tensors[conv2.outputs[0]].quantization)
        XCTAssertEqual(PruningFixtures.shape(pruned, conv2.outputs[0]), [1, 11, 11, 16])

        // flatten → FC 5: feature p·16 + j of the pruned model is feature p·32 + keep2[j] of the original.
        let fc5 = PruningFixtures.op(model, 5)
        XCTAssertEqual(PruningFixtures.shape(pruned, fc5.inputs[0]), [1, 400])
        XCTAssertEqual(PruningFixtures.shape(pruned, fc5.inputs[1]), [60, 400])
        let fcBefore = PruningFixtures.int8(model, tensor: fc5.inputs[1])
        let fcAfter = PruningFixtures.int8(pruned, tensor: fc5.inputs[1])
        for (row, o) in keep5.enumerated() {
            for p in 0..<25 {
                for (j, c) in keep2.enumerated() {
                    XCTAssertEqual(fcAfter[row * 400 + p * 16 + j], fcBefore[o * 800 + p * 32 + c])
                }
            }
        }
        // RESHAPE's shape tensor follows
        let reshape = PruningFixtures.op(model, 4)
        XCTAssertEqual(PruningFixtures.int32(model, tensor: reshape.inputs[1]), [-1, 800])
        XCTAssertEqual(PruningFixtures.int32(pruned, tensor: reshape.inputs[1]), [-1, 400])
        // classifier keeps its 10 units, with 42 inputs
        XCTAssertEqual(PruningFixtures.shape(pruned, PruningFixtures.op(model, 7).inputs[1]), [10, 42])
        // the file reads back
        let reread = try Model(bytes: try pruned.serialized())
        XCTAssertEqual(reread.subgraphs[0].tensors.map(\.shape), pruned.subgraphs[0].tensors.map(\.shape))
    }

    func testLeNetFloat32SlicesFloatWeights() throws {
        let model = try PruningFixtures.model("lenet_float32")
        let result = try ChannelPruner(criterion: .l2).prune(model, ratios: .perLayer(["0": 0.25]))
        XCTAssertEqual(result.outcomes.map(\.channelsAfter), [9])
        let conv0 = PruningFixtures.op(model, 0)
        let removed = Set(result.outcomes[0].removedUnits)  // unit i is channel i of conv 0's output here
        let keep = (0..<12).filter { !removed.contains($0) }
        let before = PruningFixtures.float32(model, tensor: conv0.inputs[1])
        XCTAssertEqual(PruningFixtures.float32(result.model, tensor: conv0.inputs[1]),
                       keep.flatMap { o in (0..<9).map { before[o * 9 + $0] } })
        let biasBefore = PruningFixtures.float32(model, tensor: conv0.inputs[2])
        XCTAssertEqual(PruningFixtures.float32(result.model, tensor: conv0.inputs[2]), keep.map { biasBefore[$0] })
        // conv 2 lost the same input channels
        let conv2 = PruningFixtures.op(model, 2)
        XCTAssertEqual(PruningFixtures.shape(result.model, conv2.inputs[1]), [32, 3, 3, 9])
        // L2 importance of a single-layer slice: the removed channels have the smallest filter norms
        // (conv 0's filters and conv 2's input columns, each normalised).
    }

    func testDepthwiseMultiplierSlicesBothOutputs() throws {
        let model = try PruningFixtures.model("dscnn_int8")
        let result = try ChannelPruner().prune(model, ratios: .perLayer(["2": 0.5]))
        let op3 = PruningFixtures.op(model, 3)
        XCTAssertEqual(PruningFixtures.shape(result.model, op3.inputs[0]), [1, 14, 14, 8])
        XCTAssertEqual(PruningFixtures.shape(result.model, op3.inputs[1]), [1, 3, 3, 16])
        XCTAssertEqual(PruningFixtures.shape(result.model, op3.outputs[0]), [1, 7, 7, 16])
        XCTAssertEqual(PruningFixtures.shape(result.model, PruningFixtures.op(model, 4).inputs[1]), [32, 1, 1, 16])
        // depthwise per-channel scales along dimension 3 follow: kept input c keeps outputs 2c and 2c+1
        let removed = Set(result.outcomes[0].removedUnits)
        let keptInputs = (0..<16).filter { !removed.contains($0) }
        let keptOutputs = keptInputs.flatMap { [2 * $0, 2 * $0 + 1] }
        let qBefore = try XCTUnwrap(model.subgraphs[0].tensors[op3.inputs[1]].quantization)
        let qAfter = try XCTUnwrap(result.model.subgraphs[0].tensors[op3.inputs[1]].quantization)
        XCTAssertEqual(qAfter.quantizedDimension, 3)
        XCTAssertEqual(qAfter.scale, keptOutputs.map { qBefore.scale[$0] })
        let wBefore = PruningFixtures.int8(model, tensor: op3.inputs[1])
        XCTAssertEqual(PruningFixtures.int8(result.model, tensor: op3.inputs[1]),
                       (0..<9).flatMap { k in keptOutputs.map { wBefore[k * 32 + $0] } })
    }

    func testResidualGroupPrunesBothBranchesWithSameIndices() throws {
        let model = try PruningFixtures.model("resnet_int8")
        let result = try ChannelPruner().prune(model, ratios: .fixed(0.5))
        let add3 = PruningFixtures.op(model, 3)
        for tensor in add3.inputs + add3.outputs {
            XCTAssertEqual(PruningFixtures.shape(result.model, tensor), [1, 14, 14, 8])
        }
        let add7 = PruningFixtures.op(model, 7)
        for tensor in add7.inputs + add7.outputs {
            XCTAssertEqual(PruningFixtures.shape(result.model, tensor), [1, 7, 7, 16])
        }
        // conv 0 and conv 2 keep the same output rows (the group's removed units)
        let group = try XCTUnwrap(try DependencyGraph(model: model).groups.first { $0.producers == [0, 2] })
        let outcome = try XCTUnwrap(result.outcomes.first { $0.group == group.id })
        let removed = Set(outcome.removedUnits.map { group.units[$0].channels[0].channel })
        let keep = (0..<16).filter { !removed.contains($0) }
        for op in [0, 2] {
            let bias = PruningFixtures.op(model, op).inputs[2]
            let before = PruningFixtures.int32(model, tensor: bias)
            XCTAssertEqual(PruningFixtures.int32(result.model, tensor: bias), keep.map { before[$0] })
        }
        XCTAssertEqual(PruningFixtures.shape(result.model, PruningFixtures.op(model, 9).inputs[1]), [10, 16])
    }

    func testRoundToKeepsMultiples() throws {
        let model = try PruningFixtures.model("lenet_int8")
        let result = try ChannelPruner(roundTo: 8).prune(model, ratios: .fixed(0.5))
        // kept 6 → 8, 16 → 16, 60 → 64, 42 → 48
        XCTAssertEqual(result.outcomes.map(\.channelsAfter), [8, 16, 64, 48])
    }
}

/// *global* mode: one threshold across groups.
final class GlobalChannelPruningTests: XCTestCase {
    func testGlobalRemovesTheRequestedShareWithUnequalLayers() throws {
        let model = try PruningFixtures.model("lenet_int8")
        let result = try ChannelPruner().prune(model, ratios: .global(0.5))
        let before = result.outcomes.reduce(0) { $0 + $1.channelsBefore }
        let after = result.outcomes.reduce(0) { $0 + $1.channelsAfter }
        XCTAssertEqual(before, 12 + 32 + 120 + 84)
        XCTAssertEqual(before - after, 124)   // ⌊248 · 0.5⌋
        XCTAssertTrue(result.outcomes.allSatisfy { $0.channelsAfter >= 1 })
        // one threshold, so the layers do not all lose half
        XCTAssertNotEqual(result.outcomes.map(\.channelsAfter), [6, 16, 60, 42])
        _ = try Model(bytes: try result.model.serialized())
    }

    func testGlobalNeverEmptiesAGroup() throws {
        let model = try PruningFixtures.model("dscnn_int8")
        let result = try ChannelPruner().prune(model, ratios: .global(0.95))
        XCTAssertTrue(result.outcomes.allSatisfy { $0.channelsAfter >= 1 })
        _ = try Model(bytes: try result.model.serialized())
    }
}
