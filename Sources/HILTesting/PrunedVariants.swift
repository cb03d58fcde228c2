import Bench
import Pruning
import TFLite
import Training

/// Pruned variants of a model under test, made in the test itself so a budget follows the pruning configuration
/// in the repository: `try baseline.channelPruned(ratio: 0.5)`.
extension ModelUnderTest {
    /// Structured pruning: `ratio` of the channels of every prunable group removed by `criterion` (fixed mode).
    public func channelPruned(ratio: Double, criterion: ChannelCriterion = .l1, roundTo: Int = 1) throws -> ModelUnderTest {
        let result = try ChannelPruner(criterion: criterion, roundTo: roundTo).prune(try Model(bytes: bytes), ratios: .fixed(ratio))
        return ModelUnderTest(name: "\(name)-channels-\(criterion.rawValue)-\(ratio)", bytes: try result.model.serialized())
    }

    /// Structured pruning with a ratio per layer (operator index or tensor name → ratio; dynamic mode).
    public func channelPruned(ratios: ChannelRatios, criterion: ChannelCriterion = .l1, label: String) throws -> ModelUnderTest {
        let result = try ChannelPruner(criterion: criterion).prune(try Model(bytes: bytes), ratios: ratios)
        return ModelUnderTest(name: "\(name)-\(label)", bytes: try result.model.serialized())
    }

    /// Unstructured magnitude pruning to `sparsity` (zeros in the weights; shapes unchanged).
    public func magnitudePruned(sparsity: Double) throws -> ModelUnderTest {
        let result = try WeightPruner(selection: .magnitude).prune(try Model(bytes: bytes), sparsity: sparsity)
        return ModelUnderTest(name: "\(name)-magnitude-\(sparsity)", bytes: try result.model.serialized())
    }
}

/// Data and settings for fine-tuning a pruned variant inside a test.
public enum FineTuningData: Sendable, Equatable {
    /// Fashion-MNIST's training split (Debian's dataset-fashion-mnist; the last 5,000 images held out), Adam with
    /// cosine decay from `learningRate`, mini-batches of `batchSize`, shuffled by `seed`.
    case fashionMNIST(epochs: Int, batchSize: Int = 64, learningRate: Float = 1e-3, seed: UInt64 = 0)
}

extension ModelUnderTest {
    /// Structured pruning followed by fine-tuning on the host (float32, weights dequantized) and quantization back
    /// to the baseline's type: `try await baseline.channelPruned(ratio: 0.5, fineTunedOn: .fashionMNIST(epochs: 2))`.
    public func channelPruned(ratio: Double, criterion: ChannelCriterion = .l1, roundTo: Int = 1,
                              fineTunedOn data: FineTuningData) async throws -> ModelUnderTest {
        let pruned = try ChannelPruner(criterion: criterion, roundTo: roundTo).prune(try Model(bytes: bytes), ratios: .fixed(ratio))
        switch data {
        case .fashionMNIST(let epochs, let batchSize, let learningRate, let seed):
            let (training, validation) = try TrainingSamples.fashionMNISTTraining()
            let options = TrainingOptions(epochs: epochs, batchSize: batchSize, learningRate: learningRate,
                                          schedule: .cosine(finalFraction: 0.01), seed: seed)
            let result = try await FineTuning(options: options).run(pruned.model, data: training, validation: validation)
            return ModelUnderTest(name: "\(name)-channels-\(criterion.rawValue)-\(ratio)-finetuned-\(epochs)",
                                  bytes: try result.model.serialized())
        }
    }
}
