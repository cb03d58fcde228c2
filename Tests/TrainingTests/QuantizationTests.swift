import Foundation
import Inference
import TFLite
import TinyHILTestSupport
import XCTest
@testable import Training

/// `lenet_float32` quantized by TinyHIL keeps its accuracy on the 10,000 Fashion-MNIST test images and runs
/// bit-exactly in TensorFlow Lite Micro and in our engine.
final class QuantizationTests: XCTestCase {
    func quantizedLeNet() async throws -> (float: Model, int8: Model) {
        let float = try Model(contentsOf: Fixtures.model("lenet_float32"))
        let graph = try TrainingGraph(model: float, keepZeroWeights: false)
        let calibration = try TrainingSamples.fashionMNISTTraining(validationCount: 0).training.subset(0..<1000)
        return (float, try await PostTrainingQuantizer().quantize(graph, calibration: calibration))
    }

    func testQuantizedLeNetKeepsAccuracyAndIsInt8() async throws {
        let (float, int8) = try await quantizedLeNet()
        let test = try FashionMNIST.load(.test)
        // The float model's accuracy as the fixture script measured it in TFLite Micro (fixtures/manifest.json).
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.root.appendingPathComponent("manifest.json"))) as? [String: Any]
        let floatEntry = try XCTUnwrap(manifest?["models/lenet_float32"] as? [String: Any])
        let floatAccuracy = try XCTUnwrap(floatEntry["accuracy_10k_tflm"] as? Double)
        XCTAssertFalse(float.subgraphs.isEmpty)
        let engine = try EngineModel(bytes: try int8.serialized())
        XCTAssertEqual(engine.inputs[0].elementType, .int8)
        XCTAssertEqual(engine.outputs[0].elementType, .int8)
        let int8Accuracy = try await engine.evaluate(test).accuracy
        print("lenet_float32 \(floatAccuracy), TinyHIL int8 \(int8Accuracy) on \(test.count) test images")
        XCTAssertEqual(int8Accuracy, floatAccuracy, accuracy: 0.005, "int8 within 0.5 points of float32")
        // Weights per channel, biases int32.
        let subgraph = int8.subgraphs[0]
        for op in subgraph.operators where [.conv2D, .fullyConnected].contains(int8.builtinOperator(of: op)) {
            let weights = subgraph.tensors[op.inputs[1]], bias = subgraph.tensors[op.inputs[2]]
            XCTAssertEqual(weights.type, .int8)
            XCTAssertEqual(weights.quantization?.scale.count, weights.shape[0])
            XCTAssertEqual(bias.type, .int32)
        }
    }

    func testQuantizedLeNetMatchesTFLMBitExactly() async throws {
        try TFLMOracle.require()
        let (_, int8) = try await quantizedLeNet()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-quantize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let modelURL = directory.appendingPathComponent("lenet_tinyhil_int8.tflite")
        try int8.write(to: modelURL)
        let engine = try EngineModel(bytes: try int8.serialized())
        let images = try FashionMNIST.load(.test).prefix(300)
        let inputs = try InputQuantizer(input: try engine.input(0)).batch(images)
        let inputsURL = directory.appendingPathComponent("inputs.npy")
        try inputs.write(to: inputsURL)
        let outputURL = directory.appendingPathComponent("tflm.npy")
        try TFLMOracle.run(model: modelURL, inputs: inputsURL, output: outputURL)
        let reference = try NumPyArray(contentsOf: outputURL)
        let ours = try await engine.run(batch: inputs)
        XCTAssertEqual(reference.shape, ours.shape)
        let a = try reference.values(as: Int8.self), b = try ours.values(as: Int8.self)
        XCTAssertEqual(a.count, 3000)
        XCTAssertEqual(a, b, "TFLM and TinyHIL's engine give the same int8 outputs for the quantized model")
    }

    func testRangesTieThroughPoolsAndSoftmaxIsFixed() async throws {
        let (_, int8) = try await quantizedLeNet()
        let subgraph = int8.subgraphs[0]
        for op in subgraph.operators {
            let code = int8.builtinOperator(of: op)
            if code == .averagePool2D || code == .reshape {
                XCTAssertEqual(subgraph.tensors[op.inputs[0]].quantization?.scale, subgraph.tensors[op.outputs[0]].quantization?.scale)
                XCTAssertEqual(subgraph.tensors[op.inputs[0]].quantization?.zeroPoint, subgraph.tensors[op.outputs[0]].quantization?.zeroPoint)
            }
            if code == .softmax {
                XCTAssertEqual(subgraph.tensors[op.outputs[0]].quantization?.scale, [1 / 256])
                XCTAssertEqual(subgraph.tensors[op.outputs[0]].quantization?.zeroPoint, [-128])
            }
        }
        let input = subgraph.tensors[subgraph.inputs[0]].quantization!
        XCTAssertEqual(input.scale[0], 1 / 255, accuracy: 1e-7)
        XCTAssertEqual(input.zeroPoint, [-128])
    }
}
