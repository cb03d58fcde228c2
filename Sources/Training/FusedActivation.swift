import CTrainingKernels
import TFLite

/// A fused (or standalone) activation applied in place after an operator, and its derivative.
enum FusedActivation: Sendable, Equatable {
    case none, relu, relu6, reluN1To1

    init?(_ function: ActivationFunction) {
        switch function {
        case .none: self = .none
        case .relu: self = .relu
        case .relu6: self = .relu6
        case .reluN1To1: self = .reluN1To1
        default: return nil
        }
    }

    var bounds: (lower: Float, upper: Float)? {
        switch self {
        case .none: nil
        case .relu: (0, .infinity)
        case .relu6: (0, 6)
        case .reluN1To1: (-1, 1)
        }
    }

    /// y = clamp(y) for `count` values.
    func apply(_ values: UnsafeMutablePointer<Float>, count: Int) {
        guard let (lower, upper) = bounds else { return }
        tk_clamp(values, count, lower, upper)
    }

    /// dy = 0 where the clamp was active. `outputs` are the activated values; a value exactly at a bound counts
    /// as clamped (the convention of TensorFlow's ReluGrad and Relu6Grad).
    func maskGradient(_ gradient: UnsafeMutablePointer<Float>, outputs: UnsafePointer<Float>, count: Int) {
        guard let (lower, upper) = bounds else { return }
        tk_mask_gradient(gradient, outputs, count, lower, upper)
    }
}
