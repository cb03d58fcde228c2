import Foundation
import TFLite
import XCTest

@testable import Inference

final class EvaluationTests: XCTestCase {
    /// Hand-worked: 3 classes, 6 samples.
    func testAccuracyPerClassAccuracyAndConfusion() {
        let evaluation = Evaluation(datasetName: "toy", classNames: ["a", "b", "c"],
                                    labels: [0, 0, 1, 1, 1, 2], predictions: [0, 1, 1, 1, 2, 2])
        XCTAssertEqual(evaluation.sampleCount, 6)
        XCTAssertEqual(evaluation.correctCount, 4)
        XCTAssertEqual(evaluation.accuracy, 4.0 / 6.0, accuracy: 1e-12)
        XCTAssertEqual(evaluation.perClassAccuracy.map { $0 ?? -1 }, [0.5, 2.0 / 3.0, 1.0])
        XCTAssertEqual(evaluation.confusion.counts, [1, 1, 0,
                                                     0, 2, 1,
                                                     0, 0, 1])
        XCTAssertEqual(evaluation.confusion[1, 2], 1)
        XCTAssertTrue(evaluation.report().contains("4 of 6 correct"))
        let empty = Evaluation(datasetName: "none", classNames: ["a", "b"], labels: [0], predictions: [0])
        XCTAssertNil(empty.perClassAccuracy[1])
    }

    func testArgmaxTakesTheFirstMaximumLikeNumPy() throws {
        let scores = try NumPyArray(values: [Int8(-5), 7, 7, 1,  -128, -128, -128, -128,  3, 2, 1, 9],
                                    shape: [3, 4])
        XCTAssertEqual(try ClassScores.argmax(scores, classCount: 4), [1, 0, 3])
        let floats = try NumPyArray(values: [Float.nan, 0.5, 0.25], shape: [1, 3])
        XCTAssertEqual(try ClassScores.argmax(floats, classCount: 3), [1])
        XCTAssertThrowsError(try ClassScores.argmax(scores, classCount: 5))
    }

    /// Hand-computed quantization: scale 1/256, zero point −128: pixel 0 → −128; 255 → 1.0/(1/256) = 256 − 128
    /// = 128, clamped to 127; pixel 1 → (1/255)·256 = 1.0039 → 1 → −127; pixel 128 → 128.5... rounds to 129 →  1.
    func testQuantizesPixelsLikeTFLM() throws {
        let input = TensorDescription(elementType: .int8, shape: [1, 2, 2, 1], bytes: 4, scale: 1.0 / 256, zeroPoint: -128)
        var bytes: [UInt8] = []
        try InputQuantizer(input: input).append([0, 255, 1, 128], to: &bytes)
        XCTAssertEqual(bytes.map { Int8(bitPattern: $0) }, [-128, 127, -127, 1])

        let uint8 = TensorDescription(elementType: .uint8, shape: [1, 2], bytes: 2, scale: 1.0 / 255, zeroPoint: 0)
        bytes = []
        try InputQuantizer(input: uint8).append([0, 255], to: &bytes)
        XCTAssertEqual(bytes, [0, 255])

        let float = TensorDescription(elementType: .float32, shape: [1, 1], bytes: 4, scale: 0, zeroPoint: 0)
        bytes = []
        try InputQuantizer(input: float).append([51], to: &bytes)
        XCTAssertEqual(try NumPyArray(elementType: .float32, shape: [1], bytes: bytes).values(as: Float.self), [0.2])

        let broken = TensorDescription(elementType: .int8, shape: [1], bytes: 1, scale: 0, zeroPoint: 0)
        XCTAssertThrowsError(try InputQuantizer(input: broken))
    }

    private func fixtureImages() throws -> LabelledImages {
        let images = try NumPyArray(contentsOf: try FixtureFiles.require("data/fashion_mnist_test_images_uint8.npy"))
        let labels = try NumPyArray(contentsOf: try FixtureFiles.require("data/fashion_mnist_test_labels_uint8.npy"))
        return try LabelledImages(name: "fixture images", height: 28, width: 28, classNames: FashionMNIST.classNames,
                                  pixels: images.bytes, labels: labels.bytes)
    }

    /// Our pixel encoding reproduces the fixture inputs that the fixture script quantized with TFLM's formula.
    func testQuantizedFixtureImagesEqualTheFixtureInputs() throws {
        let model = try EngineModel(contentsOf: try FixtureFiles.require("models/lenet_int8.tflite"))
        let expected = try NumPyArray(contentsOf: try FixtureFiles.require("models/lenet_int8.inputs.npy"))
        let batch = try InputQuantizer(input: model.inputs[0]).batch(try fixtureImages())
        XCTAssertEqual(batch.shape, expected.shape)
        XCTAssertEqual(batch.bytes, expected.bytes)
    }

    /// Accuracy of lenet_int8 on the 300 fixture images equals TFLM's (argmax of its stored outputs), and so does
    /// every single prediction.
    func testLeNetAccuracyEqualsTFLMs() async throws {
        let model = try EngineModel(contentsOf: try FixtureFiles.require("models/lenet_int8.tflite"))
        let images = try fixtureImages()
        let tflmOutputs = try NumPyArray(contentsOf: try FixtureFiles.require("models/lenet_int8.tflm_outputs.npy"))
        let tflmPredictions = try ClassScores.argmax(tflmOutputs, classCount: 10)
        let tflmCorrect = zip(tflmPredictions, images.labels).filter { $0 == Int($1) }.count

        let evaluation = try await model.evaluate(images)
        XCTAssertEqual(evaluation.sampleCount, 300)
        XCTAssertEqual(evaluation.predictions, tflmPredictions)
        XCTAssertEqual(evaluation.correctCount, tflmCorrect)
        XCTAssertGreaterThan(evaluation.accuracy, 0.6, "a trained LeNet is far better than chance")

        let limited = try await model.evaluate(images, limit: 50)
        XCTAssertEqual(limited.sampleCount, 50)
        XCTAssertEqual(limited.predictions, Array(tflmPredictions.prefix(50)))
    }

    func testNonClassifierIsRejected() async throws {
        let model = try EngineModel(contentsOf: try FixtureFiles.require("ops/conv_same_stride1_int8.tflite"))
        do {
            _ = try await model.evaluate(try fixtureImages())
            XCTFail("a conv layer was evaluated as a classifier")
        } catch {
            guard case .notAClassifier? = error as? InferenceError else { return XCTFail("\(error)") }
        }
    }
}
