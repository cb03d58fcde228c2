import Foundation
import Inference
import TFLite
import TinyHILTestSupport
import XCTest
@testable import Training

/// Two optimizer steps on one batch from the same weights, against TensorFlow/Keras (tf_keras 2.21): the oracle
/// is recorded by `fixtures/make_fixtures.py training` (losses before each step, every weight and bias after the
/// second step, for Adam and for SGD with momentum), for LeNet (the float fixture) and for a net with every
/// trainable operator kind (DEPTHWISE_CONV_2D, ADD, CONCATENATION, MAX_POOL_2D, AVERAGE_POOL_2D, MEAN, ...).
final class KerasTrainingStepTests: XCTestCase {
    struct Oracle: Decodable {
        struct Run: Decodable {
            let losses_before_each_step: [Float]
            let expected_after: [String: String]
            let optimizer: [String: JSONValue]
        }
        let model: String
        let batch: Int
        let steps: Int
        let runs: [String: Run]
    }

    enum JSONValue: Decodable {
        case number(Double), text(String), flag(Bool)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .flag(b) } else if let d = try? c.decode(Double.self) { self = .number(d) } else { self = .text(try c.decode(String.self)) }
        }
        var number: Double? { if case .number(let d) = self { d } else { nil } }
    }

    func runOracle(_ name: String) async throws {
        let folder = Fixtures.root.appendingPathComponent("training")
        let oracle = try JSONDecoder().decode(Oracle.self, from: Data(contentsOf: folder.appendingPathComponent("\(name).json")))
        let model = try Model(contentsOf: Fixtures.root.appendingPathComponent(oracle.model))
        let inputs = try NumPyArray(contentsOf: folder.appendingPathComponent("\(name).inputs.npy"))
        let labels = try NumPyArray(contentsOf: folder.appendingPathComponent("\(name).labels.npy"))
        let data = try TrainingSamples(inputs: inputs, labels: labels)
        XCTAssertEqual(data.count, oracle.batch)
        for (label, run) in oracle.runs.sorted(by: { $0.key < $1.key }) {
            let rate = Float(run.optimizer["learning_rate"]?.number ?? 0)
            let optimizer: Optimizer = label == "adam"
                ? .adam(beta1: Float(run.optimizer["beta_1"]!.number!), beta2: Float(run.optimizer["beta_2"]!.number!),
                        epsilon: Float(run.optimizer["epsilon"]!.number!))
                : .sgd(momentum: Float(run.optimizer["momentum"]!.number!))
            var graph = try TrainingGraph(model: model, keepZeroWeights: false)
            let trainer = Trainer(options: TrainingOptions(batchSize: oracle.batch, learningRate: rate, optimizer: optimizer))
            let losses = try await trainer.step(&graph, on: data, indices: Array(0..<data.count), stepCount: oracle.steps)
            for (ours, keras) in zip(losses, run.losses_before_each_step) {
                XCTAssertEqual(ours, keras, accuracy: 1e-5 + 1e-4 * abs(keras), "\(name) \(label) loss")
            }
            XCTAssertEqual(run.expected_after.count, graph.parameters.count, "\(name): every trainable tensor has an oracle")
            var worst: Float = 0, compared = 0, outside = 0
            for parameter in graph.parameters {
                guard let file = run.expected_after[String(parameter.tensorIndex)] else {
                    XCTFail("\(name) \(label): no oracle for tensor \(parameter.tensorIndex) \(parameter.name)"); continue
                }
                let expected = try NumPyArray(contentsOf: folder.appendingPathComponent(file)).values(as: Float.self)
                XCTAssertEqual(expected.count, parameter.values.count)
                let start = try TrainingGraph(model: model, keepZeroWeights: false).parameters.first { $0.tensorIndex == parameter.tensorIndex }!.values
                for i in expected.indices {
                    let change = abs(expected[i] - start[i])
                    let error = abs(parameter.values[i] - expected[i])
                    worst = max(worst, error)
                    compared += 1
                    // Within 1 % of the step Keras took (+ float32 noise).
                    if error > 1e-6 + 0.01 * change { outside += 1 }
                }
            }
            // Adam's first steps move a weight by ≈ lr·sign(g) whatever |g| is, so weights whose gradient cancels
            // to float32 noise may differ; allow one in a thousand.
            XCTAssertLessThanOrEqual(Double(outside), Double(compared) * 0.001,
                                     "\(name) \(label): \(outside) of \(compared) weights off by more than 1 % of Keras's step (worst \(worst))")
            XCTAssertLessThan(worst, 2 * rate * Float(oracle.steps), "\(name) \(label): worst weight error \(worst)")
            print("\(name) \(label): losses \(losses) vs Keras \(run.losses_before_each_step); \(outside)/\(compared) weights outside 1 % of Keras's step; worst \(worst)")
        }
    }

    func testLeNetStepsMatchKeras() async throws { try await runOracle("lenet_float32") }

    func testOperatorNetStepsMatchKeras() async throws { try await runOracle("training_ops_float32") }
}
