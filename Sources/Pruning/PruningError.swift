import TFLite

/// Why a pruning request could not be carried out. Every case says what is wrong and what to do.
public enum PruningError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A ratio or sparsity outside `0 ..< 1`.
    case invalidRatio(Double, what: String)
    /// The ratio would remove every channel of a group.
    case ratioEmptiesGroup(group: String, channels: Int, ratio: Double)
    /// A per-layer request names an operator index or tensor name that is not in the model.
    case unknownLayer(String)
    /// A per-layer request names a layer whose channels cannot be pruned (classifier, graph input/output, an
    /// operator the dependency graph does not understand); `reason` names the operator at fault.
    case layerNotPrunable(layer: String, reason: String)
    /// A tensor the pruner must rewrite has an element type it cannot handle.
    case unsupportedTensorType(tensor: String, type: String)
    /// Constant data that does not match its shape and type.
    case malformedWeights(tensor: String, problem: String)
    /// A ratios file that could not be read or parsed.
    case invalidRatiosFile(String)
    /// The pruned model failed validation or could not be written.
    case model(ModelError)
    /// The model has no subgraph or no prunable weights.
    case nothingToPrune(String)
    /// A data-driven criterion was asked for without calibration inputs.
    case missingCalibrationData(criterion: String)
    /// The host engine could not run the model to measure activations.
    case engine(String)
    /// Resource limits that no allowed pruning can meet.
    case limitsUnreachable(String)

    public var description: String {
        switch self {
        case .invalidRatio(let value, let what):
            return "\(what) \(value) is outside 0 ..< 1; give a fraction such as 0.5."
        case .ratioEmptiesGroup(_, 0, let ratio):
            return "ratio \(ratio) would remove every channel of every prunable layer; use a ratio below 1."
        case .ratioEmptiesGroup(let group, let channels, let ratio):
            return "ratio \(ratio) would remove all \(channels) channels of \(group); use a ratio below 1."
        case .unknownLayer(let key):
            return "no layer '\(key)' in the model; use an operator index or a tensor name that `tinyhil inspect` shows."
        case .layerNotPrunable(let layer, let reason):
            return "layer \(layer) cannot be channel-pruned: \(reason). Remove it from the ratios file."
        case .unsupportedTensorType(let tensor, let type):
            return "tensor '\(tensor)' has type \(type), which the pruner cannot rewrite; only int8, float32 and integer bias types are supported."
        case .malformedWeights(let tensor, let problem):
            return "tensor '\(tensor)': \(problem). Re-export the model."
        case .invalidRatiosFile(let problem):
            return "ratios file: \(problem). Expected JSON like {\"0\": 0.5, \"conv2/Relu\": 0.25}."
        case .model(let error):
            return "the pruned model is invalid: \(error)"
        case .nothingToPrune(let problem):
            return "nothing to prune: \(problem)."
        case .missingCalibrationData(let criterion):
            return "criterion \(criterion) ranks channels by their activations; give calibration inputs (a .npy batch of model inputs)."
        case .engine(let problem):
            return problem
        case .limitsUnreachable(let problem):
            return "no pruning within the allowed ratios meets the limits: \(problem). Relax a limit or allow larger ratios."
        }
    }
}

extension PruningError {
    /// Wraps an error from the TFLite layer.
    init(wrapping error: any Error) {
        if let modelError = error as? ModelError {
            self = .model(modelError)
        } else if let pruningError = error as? PruningError {
            self = pruningError
        } else {
            self = .model(ModelError(.invalidValue, problem: "\(error)"))
        }
    }
}
