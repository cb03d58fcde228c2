import XCTest
import Inference
import TFLite
@testable import Pruning

/// Concatenation surgery on a small float32 model built here (no fixture has a concatenation that feeds a
/// consumer): input [1,4,4,2] → conv A (1×1, 2→3) and conv B (1×1, 2→2) → CONCATENATION (axis 3, 5 channels)
/// → conv C (1×1, 5→2) → output. B's channel c is channel 3 + c of the concatenation.
final class ConcatenationSurgeryTests: XCTestCase {
    private func floats(_ values: [Float]) -> [UInt8] {
        values.flatMap { value -> [UInt8] in
            let bits = value.bitPattern
            return [UInt8(bits & 0xff), UInt8(bits >> 8 & 0xff), UInt8(bits >> 16 & 0xff), UInt8(bits >> 24)]
        }
    }

    private func makeModel(weightsA: [Float], weightsB: [Float], biasA: [Float], biasB: [Float], weightsC: [Float]) throws -> Model {
        let buffers = [Buffer(), Buffer(data: floats(weightsA)), Buffer(data: floats(biasA)), Buffer(data: floats(weightsB)),
                       Buffer(data: floats(biasB)), Buffer(data: floats(weightsC)), Buffer(data: floats([0.25, -0.5]))]
        let tensors = [
            Tensor(shape: [1, 4, 4, 2], type: .float32, name: "input"),            // 0
            Tensor(shape: [3, 1, 1, 2], type: .float32, buffer: 1, name: "wA"),    // 1
            Tensor(shape: [3], type: .float32, buffer: 2, name: "bA"),             // 2
            Tensor(shape: [1, 4, 4, 3], type: .float32, name: "a"),                // 3
            Tensor(shape: [2, 1, 1, 2], type: .float32, buffer: 3, name: "wB"),    // 4
            Tensor(shape: [2], type: .float32, buffer: 4, name: "bB"),             // 5
            Tensor(shape: [1, 4, 4, 2], type: .float32, name: "b"),                // 6
            Tensor(shape: [1, 4, 4, 5], type: .float32, name: "concat"),           // 7
            Tensor(shape: [2, 1, 1, 5], type: .float32, buffer: 5, name: "wC"),    // 8
            Tensor(shape: [2], type: .float32, buffer: 6, name: "bC"),             // 9
            Tensor(shape: [1, 4, 4, 2], type: .float32, name: "output"),           // 10
        ]
        let conv = BuiltinOptions.conv2D(Conv2DOptions(padding: .valid, fusedActivation: .relu))
        let operators = [
            Operator(opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3], builtinOptions: conv),
            Operator(opcodeIndex: 0, inputs: [0, 4, 5], outputs: [6], builtinOptions: conv),
            Operator(opcodeIndex: 1, inputs: [3, 6], outputs: [7], builtinOptions: .concatenation(ConcatenationOptions(axis: 3))),
            Operator(opcodeIndex: 0, inputs: [7, 8, 9], outputs: [10],
                     builtinOptions: .conv2D(Conv2DOptions(padding: .valid))),
        ]
        let graph = SubGraph(tensors: tensors, inputs: [0], outputs: [10], operators: operators, name: "main")
        return Model(operatorCodes: [OperatorCode(builtinCode: .conv2D), OperatorCode(builtinCode: .concatenation)],
                     subgraphs: [graph], buffers: buffers)
    }

    func testConcatenationOffsetsAndZeroChannelIdentity() async throws {
        let weightsC: [Float] = (0..<10).map { Float($0) * 0.1 - 0.45 }
        // A's channel 0 and B's channel 1 have zero filters and bias: with ReLU they output exact 0.
        let model = try makeModel(weightsA: [0, 0, 0.5, -0.25, 0.75, 0.3], weightsB: [0.2, -0.6, 0, 0],
                                  biasA: [0, 0.1, -0.05], biasB: [0.02, 0], weightsC: weightsC)
        let graph = try DependencyGraph(model: model)
        let groupA = try XCTUnwrap(graph.groups.first { $0.producers == [0] })
        let groupB = try XCTUnwrap(graph.groups.first { $0.producers == [1] })
        XCTAssertTrue(groupA.isPrunable)
        XCTAssertTrue(groupB.isPrunable)
        let unitB1 = try XCTUnwrap(groupB.unitIndex(containing: TensorChannel(tensor: 6, channel: 1)))
        XCTAssertTrue(groupB.units[unitB1].channels.contains(TensorChannel(tensor: 7, channel: 4)))
        let unitA0 = try XCTUnwrap(groupA.unitIndex(containing: TensorChannel(tensor: 3, channel: 0)))

        let pruned = try ChannelPruner.remove(units: [groupA.id: [unitA0], groupB.id: [unitB1]], from: model)
        XCTAssertEqual(pruned.subgraphs[0].tensors[7].shape, [1, 4, 4, 3])
        XCTAssertEqual(pruned.subgraphs[0].tensors[8].shape, [2, 1, 1, 3])
        // conv C keeps input columns 1, 2 (A's survivors) and 3 (B's channel 0); columns 0 and 4 go
        XCTAssertEqual(PruningFixtures.float32(pruned, tensor: 8),
                       [weightsC[1], weightsC[2], weightsC[3], weightsC[6], weightsC[7], weightsC[8]])

        let inputs = try NumPyArray(values: (0..<(3 * 32)).map { Float($0 % 7) * 0.3 - 0.8 }, shape: [3, 1, 4, 4, 2])
        let expected = try await EngineModel(bytes: try model.serialized()).run(batch: inputs)
        let actual = try await EngineModel(bytes: try pruned.serialized()).run(batch: inputs)
        let e: [Float] = try expected.values(), a: [Float] = try actual.values()
        XCTAssertEqual(a.count, 3 * 32)
        for (x, y) in zip(a, e) { XCTAssertEqual(x, y, accuracy: 1e-6) }
        // and the channels really mattered to the layout: removing other channels changes the outputs
        let wrong = try ChannelPruner.remove(units: [groupB.id: [1 - unitB1]], from: model)
        let changed: [Float] = try await EngineModel(bytes: try wrong.serialized()).run(batch: inputs).values()
        XCTAssertNotEqual(changed, e)
    }
}
