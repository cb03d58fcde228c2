import Bench
import Pruning
import TFLite

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
