import Foundation
import Inference
import TFLite
import TinyHILTestSupport
import XCTest
@testable import Training

/// Quantization-aware training: the fake-quantized forward pass is the int8 model, its straight-through gradients
/// are the slopes of that forward pass, and QAT of `lenet_float32` keeps at least post-training quantization's
/// accuracy on the 10,000 Fashion-MNIST test images.
final class QuantizationAwareTrainingTests: XCTestCase {
    /// Hand-computed: scale 0.1, zero point −3 → the grid is 0.1 · (q + 3) for q in −128 ... 127,
    /// i.e. −12.5 ... 13.0.
    func testFakeQuantizationRoundsAndClipsOntoTheInt8Grid() {
        let q = AffineQuantization(scale: 0.1, zeroPoint: -3)
        XCTAssertEqual(q.fakeQuantized(0.26), 0.3, accuracy: 1e-6)      // 2.6 → 3 steps, q = 0
        XCTAssertEqual(q.fakeQuantized(-0.25), -0.3, accuracy: 1e-6)    // −2.5 rounds away from zero
        XCTAssertEqual(q.fakeQuantized(100), 13.0, accuracy: 1e-5)      // q = 127
        XCTAssertEqual(q.fakeQuantized(-100), -12.5, accuracy: 1e-5)    // q = −128
        XCTAssertEqual(q.realRange.lower, -12.5, accuracy: 1e-5)
        XCTAssertEqual(q.realRange.upper, 13.0, accuracy: 1e-5)
        XCTAssertTrue(q.fakeQuantized(.nan).isNaN)
    }

    // MARK: straight-through gradients

    /// The straight-through backward pass is the exact gradient of a smooth surrogate of the fake-quantized loss:
    /// the same forward pass with every rounding replaced by its residual *frozen* at the current point
    /// (`x ↦ clamp(x) + r`, `w ↦ w + r_w`), which equals the fake-quantized loss there. The test computes that
    /// surrogate with its own forward loop (the layers' float forward passes plus the frozen residuals, no
    /// backward code) and checks the straight-through gradient against its central finite differences.
    /// Activation ranges are the calibrated ones widened by half, so no value sits at a clipping edge.
    func testStraightThroughGradientMatchesFiniteDifferencesOfFrozenRoundingSurrogate() async throws {
        var tiny = TinyModel(seed: 21)
        let x = tiny.activation([1, 6, 6, 2], "input")
        let pooled = tiny.pool(.averagePool2D, tiny.conv(x, out: 4, kernel: 3, activation: .relu), size: 2, stride: 2, same: true)
        let y = tiny.softmax(tiny.flattenDense(tiny.conv(pooled, out: 3, kernel: 3), units: 4))
        let model = tiny.model(input: x, output: y)
        var generator = TestGenerator(seed: 77)
        let samples = 8, elements = 72
        let data = TrainingSamples(storage: .floats((0..<(samples * elements)).map { _ in generator.uniform() }), count: samples,
                                   sampleElements: elements, labels: (0..<samples).map { Int32($0 % 4) }, name: "ste")
        var graph = try TrainingGraph(model: model, keepZeroWeights: false)
        let calibrated = try await PostTrainingQuantizer().calibratedActivations(graph, calibration: data)
        var widened: [Int: AffineQuantization] = [:]
        for (tensor, q) in calibrated {
            let (lower, upper) = q.realRange
            let half = (upper - lower) / 2
            widened[tensor] = PostTrainingQuantizer.asymmetric(lower: lower - half, upper: upper + half)
        }
        graph.fakeQuantization = FakeQuantization(graph: graph, activations: widened)
        let session = TrainingSession(graph: graph, teacher: nil, options: TrainingOptions(batchSize: samples, shardCount: 1))
        let indices = Array(0..<samples)
        let (fakeQuantizedLoss, straightThrough) = await session.lossAndGradients(graph: graph, data: data, indices: indices)

        // The surrogate, with its own forward loop.
        let space = Workspace(graph: graph, capacity: samples, withGradients: false)
        let gradientScratch = UnsafeMutablePointer<Float>.allocate(capacity: samples * graph.outputSampleElements)
        defer { gradientScratch.deallocate() }
        let weightResiduals = zip(graph.forwardParameters, graph.parameters).map { q, w in zip(q.values, w.values).map { $0 - $1 } }
        var activationResiduals: [Int: [Float]] = [:]
        func surrogateLoss(_ parameters: [Parameter], record: Bool) -> Float {
            var shifted = parameters
            for p in shifted.indices { for i in shifted[p].values.indices { shifted[p].values[i] += weightResiduals[p][i] } }
            data.fill(indices, into: space.value(graph.inputTensor))
            func roundOrReplay(_ tensor: Int) {
                guard let q = widened[tensor] else { return }
                let count = samples * graph.tensors[tensor].sampleElements
                let values = space.value(tensor)
                let (lower, upper) = q.realRange
                if record {
                    activationResiduals[tensor] = (0..<count).map { q.fakeQuantized(values[$0]) - min(max(values[$0], lower), upper) }
                }
                let residual = activationResiduals[tensor]!
                for i in 0..<count { values[i] = min(max(values[i], lower), upper) + residual[i] }
            }
            roundOrReplay(graph.inputTensor)
            for layer in graph.layers {
                layer.forward(batch: samples, workspace: space, parameters: shifted)
                roundOrReplay(layer.output)
            }
            return Loss().evaluate(rows: samples, classes: graph.outputSampleElements, logits: space.value(graph.logitsTensor),
                                   scale: graph.logitsScale, labels: ArraySlice(data.labels!), teacherLogits: nil,
                                   teacherScale: 1, batchTotal: samples, gradient: gradientScratch) / Float(samples)
        }
        let atPoint = surrogateLoss(graph.parameters, record: true)
        XCTAssertEqual(atPoint, fakeQuantizedLoss, accuracy: 1e-5, "the surrogate equals the fake-quantized loss at the point")
        var checked = 0
        for p in graph.parameters.indices {
            let count = graph.parameters[p].values.count
            for i in Set((0..<min(count, 10)).map { ($0 * 7919 + p * 31) % count }).sorted() {
                let epsilon: Float = 1e-3
                var plus = graph.parameters, minus = graph.parameters
                plus[p].values[i] += epsilon
                minus[p].values[i] -= epsilon
                let numeric = (surrogateLoss(plus, record: false) - surrogateLoss(minus, record: false)) / (2 * epsilon)
                XCTAssertEqual(straightThrough[p][i], numeric, accuracy: 2e-3 + 0.03 * abs(numeric),
                               "d loss / d \(graph.parameters[p].name)[\(i)]")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 40)
        // Rounding matters here: the straight-through gradient is not the plain float gradient.
        var plain = graph
        plain.fakeQuantization = nil
        let (_, floatGradient) = await TrainingSession(graph: plain, teacher: nil, options: TrainingOptions(batchSize: samples, shardCount: 1))
            .lossAndGradients(graph: plain, data: data, indices: indices)
        XCTAssertNotEqual(floatGradient[0], straightThrough[0])
    }

    /// Where the forward pass clipped, no gradient flows: a range so narrow that every value of the first
    /// convolution's output clips leaves that convolution's weights and bias without gradient.
    func testClippedActivationsStopTheGradient() async throws {
        var tiny = TinyModel(seed: 4)
        let x = tiny.activation([1, 5, 5, 1], "input")
        let h = tiny.conv(x, out: 3, kernel: 3)
        let y = tiny.softmax(tiny.flattenDense(h, units: 3))
        var generator = TestGenerator(seed: 5)
        let data = TrainingSamples(storage: .floats((0..<(8 * 25)).map { _ in generator.uniform() }), count: 8,
                                   sampleElements: 25, labels: (0..<8).map { Int32($0 % 3) }, name: "clip")
        var graph = try TrainingGraph(model: tiny.model(input: x, output: y), keepZeroWeights: false)
        var activations = try await PostTrainingQuantizer().calibratedActivations(graph, calibration: data)
        activations[h] = AffineQuantization(scale: 1e-9, zeroPoint: 0)  // representable: ±1.3e-7 only
        graph.fakeQuantization = FakeQuantization(graph: graph, activations: activations)
        let session = TrainingSession(graph: graph, teacher: nil, options: TrainingOptions(batchSize: 8, shardCount: 1))
        let (loss, gradient) = await session.lossAndGradients(graph: graph, data: data, indices: Array(0..<8))
        XCTAssertTrue(loss.isFinite)
        let convWeights = try XCTUnwrap(graph.parameters.firstIndex { $0.shape == [3, 3, 3, 1] })
        XCTAssertEqual(gradient[convWeights].map(abs).max(), 0)
        XCTAssertEqual(gradient[convWeights + 1].map(abs).max(), 0)
        XCTAssertGreaterThan(gradient.last!.map(abs).max()!, 0, "the dense layer after the clipped tensor still learns")
    }

    // MARK: LeNet

    func preparedLeNet(calibrationCount: Int = 1000) async throws -> (float: Model, graph: TrainingGraph, training: TrainingSamples) {
        let float = try Model(contentsOf: Fixtures.model("lenet_float32"))
        let training = try TrainingSamples.fashionMNISTTraining(validationCount: 0).training
        let graph = try await QuantizationAwareTraining(options: TrainingOptions())
            .preparedGraph(float, calibration: training.subset(0..<calibrationCount))
        return (float, graph, training)
    }

    /// Runs an exported int8 model in TinyHIL's engine on float inputs (quantized with the model's input
    /// parameters) and returns the dequantized outputs and the output scale.
    func engineOutputs(_ int8: Model, inputs: [Float], samples: Int) async throws -> (values: [Float], scale: Float) {
        let engine = try EngineModel(bytes: try int8.serialized())
        let input = try engine.input(0), output = try engine.output(0)
        let bytes = inputs.map { x -> UInt8 in
            let q = min(max((x / input.scale).rounded(.toNearestOrAwayFromZero) + Float(input.zeroPoint), -128), 127)
            return UInt8(bitPattern: Int8(q))
        }
        let batch = try NumPyArray(elementType: .int8, shape: [samples] + input.sampleShape, bytes: bytes)
        let raw = try await engine.run(batch: batch).values(as: Int8.self)
        return (raw.map { output.scale * Float(Int32($0) - output.zeroPoint) }, output.scale)
    }

    /// On single-operator fixtures (CONV_2D + RELU; FULLY_CONNECTED) the fake-quantized float forward pass and the
    /// exported model in the int8 engine agree within one output quantization step for every output: the int8
    /// model is what QAT trains (the engine's fixed-point requantization may round the other way at a tie).
    func testFakeQuantizedForwardEqualsInt8EngineWithinOneStepOnFixtures() async throws {
        for (name, build) in [("CONV_2D+RELU", { (m: inout TinyModel, x: Int) in m.conv(x, out: 4, kernel: 3, stride: 2, activation: .relu) }),
                              ("FULLY_CONNECTED", { (m: inout TinyModel, x: Int) in m.flattenDense(x, units: 6) })] {
            var tiny = TinyModel(seed: 9)
            let x = tiny.activation([1, 6, 6, 3], "input")
            let y = build(&tiny, x)
            let model = tiny.model(input: x, output: y)
            var generator = TestGenerator(seed: 10)
            let samples = 64, elements = 108
            let inputs = (0..<(samples * elements)).map { _ in generator.uniform() }
            let data = TrainingSamples(storage: .floats(inputs), count: samples, sampleElements: elements, labels: nil, name: name)
            let graph = try await QuantizationAwareTraining(options: TrainingOptions()).preparedGraph(model, calibration: data)
            let simulated = try await graph.outputs(on: data)
            let (engine, scale) = try await engineOutputs(try QuantizationAwareTraining.export(graph), inputs: inputs, samples: samples)
            XCTAssertEqual(engine.count, simulated.count)
            let largest = zip(engine, simulated).map { abs($0 - $1) }.max()!
            let exact = zip(engine, simulated).filter { abs($0 - $1) < scale / 2 }.count
            print("\(name): fake-quantized forward vs int8 engine: \(exact) of \(engine.count) outputs equal, largest difference \(largest / scale) steps")
            XCTAssertLessThanOrEqual(largest, scale * 1.001, name)
            XCTAssertGreaterThan(Double(exact) / Double(engine.count), 0.95, name)
        }
    }

    /// On LeNet (five quantized operators) one-step differences of inner layers propagate, so the check is on
    /// what they decide: the fake-quantized forward pass and the int8 engine pick the same class for at least
    /// 99 % of 1,000 test images, and most softmax outputs are equal.
    func testFakeQuantizedLeNetAgreesWithInt8Engine() async throws {
        let (_, graph, _) = try await preparedLeNet()
        let int8 = try QuantizationAwareTraining.export(graph)
        let images = try FashionMNIST.load(.test).prefix(1000)
        let simulated = try await graph.outputs(on: TrainingSamples(images: images))
        let engine = try EngineModel(bytes: try int8.serialized())
        let output = try engine.output(0)
        let raw = try await engine.run(batch: try InputQuantizer(input: try engine.input(0)).batch(images)).values(as: Int8.self)
        XCTAssertEqual(raw.count, simulated.count)
        let dequantized = raw.map { output.scale * Float(Int32($0) - output.zeroPoint) }
        let exact = zip(dequantized, simulated).filter { abs($0 - $1) < output.scale / 2 }.count
        func argmax(_ row: ArraySlice<Float>) -> Int { row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }! - row.startIndex }
        var sameClass = 0
        for n in 0..<images.count where argmax(dequantized[(n * 10)..<(n * 10 + 10)]) == argmax(simulated[(n * 10)..<(n * 10 + 10)]) {
            sameClass += 1
        }
        print("LeNet fake-quantized forward vs int8 engine: \(exact) of \(raw.count) softmax outputs equal, same class for \(sameClass) of \(images.count)")
        XCTAssertGreaterThanOrEqual(sameClass, 990)
        XCTAssertGreaterThan(Double(exact) / Double(raw.count), 0.8)
    }

    /// One epoch of QAT on 20,000 training images (Adam 1e-4, seed 0) against post-training quantization of the
    /// same float model with the same 1,000 calibration images, both measured by the int8 engine on all 10,000
    /// test images; the QAT model must also equal TFLite Micro's outputs (when the oracle is available).
    func testQATOfLeNetKeepsPostTrainingAccuracyAndRunsInTFLM() async throws {
        let (float, _, training) = try await preparedLeNet()
        let calibration = training.subset(0..<1000)
        let ptq = try await PostTrainingQuantizer().quantize(try TrainingGraph(model: float, keepZeroWeights: false), calibration: calibration)
        let qat = try await QuantizationAwareTraining(options: TrainingOptions(epochs: 1, batchSize: 64, learningRate: 1e-4, seed: 0))
            .run(float, data: training.subset(0..<20_000), calibration: calibration)
        let test = try FashionMNIST.load(.test)
        let ptqAccuracy = try await EngineModel(bytes: try ptq.serialized()).evaluate(test).accuracy
        let qatEngine = try EngineModel(bytes: try qat.model.serialized())
        let qatAccuracy = try await qatEngine.evaluate(test).accuracy
        print("lenet_float32 on \(test.count) test images: PTQ int8 \(ptqAccuracy), QAT int8 \(qatAccuracy)")
        XCTAssertGreaterThanOrEqual(qatAccuracy, ptqAccuracy, "QAT must not lose accuracy against PTQ")

        try TFLMOracle.require()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-qat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let modelURL = directory.appendingPathComponent("lenet_qat_int8.tflite")
        try qat.model.write(to: modelURL)
        let inputs = try InputQuantizer(input: try qatEngine.input(0)).batch(test.prefix(300))
        let inputsURL = directory.appendingPathComponent("inputs.npy"), outputURL = directory.appendingPathComponent("tflm.npy")
        try inputs.write(to: inputsURL)
        try TFLMOracle.run(model: modelURL, inputs: inputsURL, output: outputURL)
        let reference = try NumPyArray(contentsOf: outputURL).values(as: Int8.self)
        let ours = try await qatEngine.run(batch: inputs).values(as: Int8.self)
        XCTAssertEqual(reference.count, 3000)
        XCTAssertEqual(reference, ours, "TFLM and TinyHIL's engine give the same int8 outputs for the QAT model")
    }

    func testQATRejectsQuantizedModelAndNaNLoss() async throws {
        let int8 = try Model(contentsOf: Fixtures.model("lenet_int8"))
        let training = try TrainingSamples.fashionMNISTTraining(validationCount: 0).training
        do {
            _ = try await QuantizationAwareTraining(options: TrainingOptions()).run(int8, data: training.subset(0..<64),
                                                                                    calibration: training.subset(0..<64))
            XCTFail("an int8 model must be rejected")
        } catch let error as TrainingError {
            guard case .invalidOption(let message) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(message.contains("float32"), message)
        }
        // A NaN among the training inputs (not in the calibration inputs): fake quantization keeps NaN, the loss
        // turns non-finite and the run stops with a typed error rather than exporting a broken model. (A huge
        // learning rate does not do it: the frozen activation ranges clamp every activation.)
        let float = try Model(contentsOf: Fixtures.model("lenet_float32"))
        var poisoned = [Float](repeating: 0.5, count: 64 * 784)
        poisoned[10 * 784 + 5] = .nan
        let data = TrainingSamples(storage: .floats(poisoned), count: 64, sampleElements: 784,
                                   labels: [Int32](repeating: 1, count: 64), name: "poisoned")
        do {
            _ = try await QuantizationAwareTraining(options: TrainingOptions(epochs: 1, batchSize: 32))
                .run(float, data: data, calibration: training.subset(0..<64))
            XCTFail("a NaN loss must stop the run")
        } catch let error as TrainingError {
            guard case .nonFiniteLoss = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(error.description.contains("NaNs"), error.description)
        }
    }
}
