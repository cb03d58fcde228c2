import XCTest
import TFLite
@testable import Pruning

/// The dependency cases of the channel graph on the fixtures (operator layouts read with the TFLite
/// schema tools; see the comments for each model).
final class DependencyGraphTests: XCTestCase {
    // lenet_int8: 0 CONV(1→12) 1 AVG_POOL 2 CONV(12→32) 3 AVG_POOL 4 RESHAPE [1,5,5,32]→[1,800]
    // 5 FC(800→120) 6 FC(120→84) 7 FC(84→10) 8 SOFTMAX.
    func testLeNetGroupsAndFlattenMapping() throws {
        let model = try PruningFixtures.model("lenet_int8")
        let graph = try DependencyGraph(model: model)
        let prunable = graph.groups.filter(\.isPrunable)
        XCTAssertEqual(prunable.map(\.producers), [[0], [2], [5], [6]])
        XCTAssertEqual(prunable.map(\.channelCount), [12, 32, 120, 84])
        // The classifier (op 7) feeds the graph output through SOFTMAX: never pruned.
        let classifier = try XCTUnwrap(graph.groups.first { $0.producers == [7] })
        XCTAssertFalse(classifier.isPrunable)
        // Flatten: channel c of the 5×5×32 tensor is features {p·32 + c}, 25 of them, strided.
        let conv2 = prunable[1]
        let flat = FlattenProbe.flatTensor(model)
        let unit = try XCTUnwrap(conv2.unitIndex(containing: TensorChannel(tensor: flat.pooled, channel: 3)))
        let features = conv2.units[unit].channels.filter { $0.tensor == flat.flat }.map(\.channel).sorted()
        XCTAssertEqual(features, (0..<25).map { $0 * 32 + 3 })
    }

    // dscnn_int8: 1 DEPTHWISE 8→8 (m=1), 3 DEPTHWISE 16→32 (m=2), MEAN over H/W, FC classifier.
    func testDepthwiseChainAndMultiplier() throws {
        let model = try PruningFixtures.model("dscnn_int8")
        let graph = try DependencyGraph(model: model)
        let prunable = graph.groups.filter(\.isPrunable)
        // op0's 8 channels pass through depthwise op1 to op2's input: one group.
        // op2's 16 channels: depthwise op3 (m=2) ties input c to outputs 2c, 2c+1 → 16 units.
        // op4 (32), op6 (32, through MEAN into the classifier's inputs).
        XCTAssertEqual(prunable.map(\.producers), [[0], [2], [4], [6]])
        XCTAssertEqual(prunable.map(\.channelCount), [8, 16, 32, 32])
        let op3 = PruningFixtures.op(model, 3)
        let group = prunable[1]
        let unit = try XCTUnwrap(group.unitIndex(containing: TensorChannel(tensor: op3.inputs[0], channel: 5)))
        let outputs = group.units[unit].channels.filter { $0.tensor == op3.outputs[0] }.map(\.channel).sorted()
        XCTAssertEqual(outputs, [10, 11])
    }

    // resnet_int8: ADD 3 joins op0 (identity) and op2; ADD 7 joins op6 (1×1 shortcut) and op5.
    func testResidualAddIsOneGroup() throws {
        let model = try PruningFixtures.model("resnet_int8")
        let graph = try DependencyGraph(model: model)
        let prunable = graph.groups.filter(\.isPrunable)
        XCTAssertEqual(Set(prunable.map(\.producers)), Set([[0, 2], [1], [4], [5, 6]]))
        let first = try XCTUnwrap(prunable.first { $0.producers == [0, 2] })
        XCTAssertEqual(first.channelCount, 16)
        // every unit holds channel c of both ADD inputs and of the ADD output
        let add = PruningFixtures.op(model, 3)
        for unit in first.units {
            let channels = Set(unit.channels.map(\.channel))
            XCTAssertEqual(channels.count, 1)
            XCTAssertEqual(Set(unit.channels.map(\.tensor)), Set(add.inputs + add.outputs))
        }
    }

    // concat_branch_int8: CONCATENATION(input[3], conv[5]) → graph output. The conv's channel c is channel
    // 3 + c of the concatenation; since it is the graph output, the group is not prunable.
    func testConcatenationOffsetsIndices() throws {
        let model = try PruningFixtures.op("ops/concat_branch_int8")
        let graph = try DependencyGraph(model: model)
        let concat = PruningFixtures.op(model, 1)
        let conv = try XCTUnwrap(graph.groups.first { $0.producers == [0] })
        XCTAssertEqual(conv.channelCount, 5)
        for c in 0..<5 {
            let unit = try XCTUnwrap(conv.unitIndex(containing: TensorChannel(tensor: concat.inputs[1], channel: c)))
            XCTAssertTrue(conv.units[unit].channels.contains(TensorChannel(tensor: concat.outputs[0], channel: 3 + c)))
        }
        XCTAssertNotNil(conv.blockReason)
        XCTAssertTrue(conv.blockReason?.contains("graph output") ?? false, conv.blockReason ?? "")
    }

    func testRequestingTheClassifierSaysWhy() throws {
        let model = try PruningFixtures.model("lenet_int8")
        XCTAssertThrowsError(try ChannelPruner().prune(model, ratios: .perLayer(["7": 0.5]))) { error in
            guard case PruningError.layerNotPrunable(_, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("graph output"), reason)
        }
        XCTAssertThrowsError(try ChannelPruner().prune(model, ratios: .perLayer(["1": 0.5]))) { error in
            guard case PruningError.layerNotPrunable = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try ChannelPruner().prune(model, ratios: .perLayer(["no such tensor": 0.5]))) { error in
            XCTAssertEqual(error as? PruningError, .unknownLayer("no such tensor"))
        }
        XCTAssertThrowsError(try ChannelPruner().prune(model, ratios: .fixed(1.0))) { error in
            guard case PruningError.ratioEmptiesGroup = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try ChannelPruner().prune(model, ratios: .fixed(-0.1)))
    }
}

/// Tensor indices around lenet's flatten, found from the RESHAPE operator.
enum FlattenProbe {
    static func flatTensor(_ model: Model) -> (pooled: Int, flat: Int) {
        let reshape = model.subgraphs[0].operators.first { model.builtinOperator(of: $0) == .reshape }!
        return (reshape.inputs[0], reshape.outputs[0])
    }
}
