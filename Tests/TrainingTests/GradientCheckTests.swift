import TFLite
import XCTest
@testable import Training

/// Every operator's backward pass against central finite differences of the loss, through a small float32
/// model that puts the operator between trainable layers (so its input gradient is checked through the weights
/// before it). Float32 arithmetic; checked entries must agree to 2e-3 absolute + 3 % relative.
final class GradientCheckTests: XCTestCase {
    func check(_ name: String, seed: UInt64 = 1, inputShape: [Int], loss: Loss = Loss(), teacher: Model? = nil,
               file: StaticString = #filePath, line: UInt = #line, _ build: (inout TinyModel, Int) -> Int) async throws {
        var tiny = TinyModel(seed: seed)
        let input = tiny.activation(inputShape, "input")
        let output = build(&tiny, input)
        let graph = try TrainingGraph(model: tiny.model(input: input, output: output), keepZeroWeights: false)
        var generator = TestGenerator(seed: seed &+ 99)
        let samples = 4
        let elements = inputShape.dropFirst().reduce(1, *)
        let inputs = (0..<(samples * elements)).map { _ in generator.uniform() }
        let classes = graph.outputSampleElements
        let labels = (0..<samples).map { Int32($0 % classes) }
        let data = TrainingSamples(storage: .floats(inputs), count: samples, sampleElements: elements, labels: labels, name: name)
        let teacherGraph = try teacher.map { try TrainingGraph(model: $0) }
        let options = TrainingOptions(batchSize: samples, shardCount: 2, loss: loss)
        let session = TrainingSession(graph: graph, teacher: teacherGraph, options: options)
        let indices = Array(0..<samples)
        let (_, analytic) = await session.lossAndGradients(graph: graph, data: data, indices: indices)
        var checked = 0
        for p in graph.parameters.indices {
            let count = graph.parameters[p].values.count
            let picks = Set((0..<min(count, 12)).map { ($0 * 7919 + p * 31) % count })
            for i in picks.sorted() {
                let epsilon: Float = 1e-3
                var plus = graph, minus = graph
                plus.parameters[p].values[i] += epsilon
                minus.parameters[p].values[i] -= epsilon
                let (lossPlus, _) = await session.lossAndGradients(graph: plus, data: data, indices: indices)
                let (lossMinus, _) = await session.lossAndGradients(graph: minus, data: data, indices: indices)
                let numeric = (lossPlus - lossMinus) / (2 * epsilon)
                let value = analytic[p][i]
                XCTAssertEqual(value, numeric, accuracy: 2e-3 + 0.03 * abs(numeric),
                               "\(name): d loss / d \(graph.parameters[p].name)[\(i)]", file: file, line: line)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 10, name, file: file, line: line)
    }

    func testConvolutionSameStride2() async throws {
        try await check("CONV_2D same stride 2", inputShape: [1, 7, 7, 2]) { m, x in
            m.softmax(m.flattenDense(m.conv(x, out: 3, kernel: 3, stride: 2), units: 4))
        }
    }

    func testConvolutionValidDilated() async throws {
        try await check("CONV_2D valid dilation 2", inputShape: [1, 7, 7, 2]) { m, x in
            m.softmax(m.flattenDense(m.conv(m.conv(x, out: 3, kernel: 1), out: 2, kernel: 2, dilation: 2, same: false), units: 3))
        }
    }

    func testConvolutionReluAndRelu6() async throws {
        try await check("CONV_2D RELU / RELU6", seed: 3, inputShape: [1, 5, 5, 2]) { m, x in
            let a = m.conv(x, out: 4, kernel: 3, activation: .relu)
            let b = m.conv(a, out: 3, kernel: 3, activation: .relu6)
            return m.softmax(m.flattenDense(b, units: 3))
        }
    }

    func testDepthwise() async throws {
        try await check("DEPTHWISE_CONV_2D multiplier 2", inputShape: [1, 6, 6, 2]) { m, x in
            let a = m.conv(x, out: 3, kernel: 1)
            return m.softmax(m.flattenDense(m.depthwise(a, multiplier: 2, kernel: 3, stride: 2), units: 3))
        }
    }

    func testPools() async throws {
        try await check("AVERAGE_POOL_2D / MAX_POOL_2D", inputShape: [1, 7, 7, 1]) { m, x in
            let a = m.conv(x, out: 3, kernel: 3)
            let b = m.pool(.averagePool2D, a, size: 2, stride: 2, same: true)
            let c = m.pool(.maxPool2D, b, size: 3, stride: 2, same: true)
            return m.softmax(m.flattenDense(c, units: 3))
        }
    }

    func testAddConcatenationPadMean() async throws {
        try await check("ADD CONCATENATION PAD MEAN", inputShape: [1, 5, 5, 2]) { m, x in
            let a = m.conv(x, out: 3, kernel: 3)
            let b = m.conv(x, out: 3, kernel: 1)
            let sum = m.activation([1, 5, 5, 3])
            m.add(.add, [a, b], [sum], .add(AddOptions()))
            let joined = m.activation([1, 5, 5, 6])
            m.add(.concatenation, [sum, a], [joined], .concatenation(ConcatenationOptions(axis: 3)))
            let paddings = m.integers([0, 0, 1, 2, 2, 0, 0, 0], shape: [4, 2])
            let padded = m.activation([1, 8, 7, 6])
            m.add(.pad, [joined, paddings], [padded], .pad(EmptyOptions()))
            let c = m.conv(padded, out: 4, kernel: 3, stride: 2)
            let axes = m.integers([1, 2], shape: [2])
            let mean = m.activation([1, 4])
            m.add(.mean, [c, axes], [mean], .reducer(ReducerOptions(keepDims: false)))
            return m.softmax(m.flattenDense(mean, units: 3))
        }
    }

    func testSoftmaxInsideTheGraph() async throws {
        try await check("SOFTMAX (inner, beta 2) and FULLY_CONNECTED", inputShape: [1, 6]) { m, x in
            let a = m.softmax(m.flattenDense(x, units: 5), beta: 2)
            return m.softmax(m.flattenDense(a, units: 3))
        }
    }

    func testDistillation() async throws {
        var teacher = TinyModel(seed: 42)
        let tx = teacher.activation([1, 4, 4, 1])
        let ty = teacher.softmax(teacher.flattenDense(teacher.conv(tx, out: 2, kernel: 3), units: 3))
        let teacherModel = teacher.model(input: tx, output: ty)
        try await check("distillation T=3 with labels (weight 0.3)", inputShape: [1, 4, 4, 1],
                        loss: Loss(labelWeight: 0.3, temperature: 3), teacher: teacherModel) { m, x in
            m.softmax(m.flattenDense(m.conv(x, out: 3, kernel: 3), units: 3))
        }
    }
}
