import Inference
import TFLite
import XCTest
@testable import Training

/// Typed errors for bad input, and the invariants a fine-tuning run must keep (reproducible, masks hold).
final class BadInputAndInvariantTests: XCTestCase {
    func smallClassifier(seed: UInt64 = 5) -> Model {
        var m = TinyModel(seed: seed)
        let x = m.activation([1, 4, 4, 1])
        let y = m.softmax(m.flattenDense(m.conv(x, out: 3, kernel: 3, activation: .relu), units: 3))
        return m.model(input: x, output: y)
    }

    func samples(count: Int, elements: Int = 16, labels: [Int32]? = nil, poison: Bool = false) -> TrainingSamples {
        var generator = TestGenerator(seed: 8)
        var values = (0..<(count * elements)).map { _ in generator.uniform() }
        if poison { values[3] = .nan }
        return TrainingSamples(storage: .floats(values), count: count, sampleElements: elements,
                               labels: labels ?? (0..<count).map { Int32($0 % 3) }, name: "test")
    }

    func expect(_ expected: TrainingError, _ body: () async throws -> Void, line: UInt = #line) async {
        do {
            try await body()
            XCTFail("expected \(expected)", line: line)
        } catch let error as TrainingError {
            XCTAssertEqual(error, expected, line: line)
            XCTAssertFalse(error.description.isEmpty)
        } catch {
            XCTFail("expected \(expected), got \(error)", line: line)
        }
    }

    func testUntrainableOperatorIsNamed() async {
        var m = TinyModel(seed: 1)
        let x = m.activation([1, 6])
        let h = m.flattenDense(x, units: 3)
        let y = m.activation([1, 3])
        m.add(.logistic, [h], [y])
        await expect(.untrainableOperator(index: 1, name: "LOGISTIC")) { _ = try TrainingGraph(model: m.model(input: x, output: y)) }
    }

    func testQuantizedWeightsWithoutScalesAndMissingWeights() async {
        var model = smallClassifier()
        let weights = model.subgraphs[0].operators[0].inputs[1]
        model.subgraphs[0].tensors[weights].type = .int8
        let count = model.subgraphs[0].tensors[weights].elementCount!
        try? model.setConstantData([UInt8](repeating: 1, count: count), ofTensor: weights)
        let name = model.subgraphs[0].tensors[weights].name
        await expect(.missingQuantization(tensor: name)) { _ = try TrainingGraph(model: model) }

        var empty = smallClassifier()
        empty.subgraphs[0].tensors[weights].buffer = 0
        await expect(.missingFloatWeights(tensor: name, problem: "it has no constant data")) { _ = try TrainingGraph(model: empty) }
    }

    func testLabelsOfWrongCountOrRangeAndInputsOfWrongShape() async throws {
        let inputs = try NumPyArray(values: [Float](repeating: 0.5, count: 4 * 16), shape: [4, 4, 4, 1])
        let three = try NumPyArray(values: [Int32](arrayLiteral: 0, 1, 2), shape: [3])
        await expect(.labelCountMismatch(inputs: 4, labels: 3)) { _ = try TrainingSamples(inputs: inputs, labels: three) }

        var graph = try TrainingGraph(model: smallClassifier())
        let trainer = Trainer(options: TrainingOptions(epochs: 1, batchSize: 2))
        let badLabels = samples(count: 4, labels: [0, 1, 7, 2])
        await expect(.labelOutOfRange(index: 2, label: 7, classCount: 3)) { _ = try await trainer.train(&graph, on: badLabels) }
        await expect(.inputShapeMismatch(expected: [4, 4, 1], actual: [15])) {
            _ = try await trainer.train(&graph, on: self.samples(count: 4, elements: 15))
        }
        await expect(.noTrainingSignal) {
            _ = try await trainer.train(&graph, on: self.samples(count: 4).withoutLabels())
        }
    }

    func testNaNLossStopsTraining() async throws {
        var graph = try TrainingGraph(model: smallClassifier())
        let trainer = Trainer(options: TrainingOptions(epochs: 1, batchSize: 4))
        do {
            _ = try await trainer.train(&graph, on: samples(count: 4, poison: true))
            XCTFail("a NaN input must stop training")
        } catch TrainingError.nonFiniteLoss(let epoch, let batch, let value) {
            XCTAssertEqual(epoch, 0)
            XCTAssertEqual(batch, 0)
            XCTAssertTrue(value.isNaN)
        }
    }

    func testSameSeedSameWeightsAndMasksHold() async throws {
        var model = smallClassifier()
        // Zero a third of the dense weights (unstructured pruning) and check they stay zero.
        let dense = model.subgraphs[0].operators.firstIndex { model.builtinOperator(of: $0) == .fullyConnected }!
        let weightsIndex = model.subgraphs[0].operators[dense].inputs[1]
        var values = model.constantFloats(of: model.subgraphs[0].tensors[weightsIndex])!
        for i in stride(from: 0, to: values.count, by: 3) { values[i] = 0 }
        try model.setConstantData(Buffer(floats: values).data, ofTensor: weightsIndex)

        let options = TrainingOptions(epochs: 3, batchSize: 8, learningRate: 0.05, seed: 11)
        let data = samples(count: 40)
        var first = try TrainingGraph(model: model)
        var second = try TrainingGraph(model: model)
        let summary = try await Trainer(options: options).train(&first, on: data)
        _ = try await Trainer(options: options).train(&second, on: data)
        XCTAssertEqual(first.parameters, second.parameters, "same seed, same data → same weights")
        XCTAssertLessThan(summary.epochLosses.last!, summary.epochLosses.first!, "the loss falls")
        let trained = first.parameters.first { $0.tensorIndex == weightsIndex }!
        XCTAssertGreaterThan(trained.maskedFraction, 0.3)
        for i in stride(from: 0, to: trained.values.count, by: 3) { XCTAssertEqual(trained.values[i], 0) }
        XCTAssertTrue(trained.values.enumerated().contains { $0.offset % 3 != 0 && $0.element != values[$0.offset] })

        var other = try TrainingGraph(model: model)
        _ = try await Trainer(options: TrainingOptions(epochs: 3, batchSize: 8, learningRate: 0.05, seed: 12)).train(&other, on: data)
        XCTAssertNotEqual(first.parameters, other.parameters, "another seed shuffles differently")

        let written = try first.floatModel()
        XCTAssertEqual(written.subgraphs[0].tensors.map(\.shape), model.subgraphs[0].tensors.map(\.shape), "shapes unchanged")
    }
}
