import Foundation

/// How parameters follow their gradients (the update rules of Keras's `SGD` and `Adam`).
public enum Optimizer: Sendable, Equatable {
    /// `v = momentum · v − lr · g; w += v`.
    case sgd(momentum: Float)
    /// `m += (g − m)(1 − β1); v += (g² − v)(1 − β2); w −= lr · √(1 − β2ᵗ)/(1 − β1ᵗ) · m / (√v + ε)`.
    case adam(beta1: Float, beta2: Float, epsilon: Float)

    public static let adam = Optimizer.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-7)
}

/// The optimizer's moving state, one slot per parameter.
struct OptimizerState: Sendable {
    let optimizer: Optimizer
    var first: [[Float]]
    var second: [[Float]]
    var step = 0

    init(optimizer: Optimizer, parameters: [Parameter]) {
        self.optimizer = optimizer
        first = parameters.map { [Float](repeating: 0, count: $0.values.count) }
        if case .adam = optimizer {
            second = first
        } else {
            second = []
        }
    }

    /// One update of every parameter with its gradient; masked weights stay zero.
    mutating func apply(gradients: [[Float]], to parameters: inout [Parameter], learningRate: Float) {
        step += 1
        for p in parameters.indices {
            let g = gradients[p]
            let mask = parameters[p].mask
            switch optimizer {
            case .sgd(let momentum):
                parameters[p].values.withUnsafeMutableBufferPointer { w in
                    first[p].withUnsafeMutableBufferPointer { v in
                        for i in 0..<w.count {
                            v[i] = momentum * v[i] - learningRate * g[i]
                            w[i] += v[i]
                        }
                    }
                }
            case .adam(let beta1, let beta2, let epsilon):
                let t = Float(step)
                let alpha = learningRate * (1 - Foundation.pow(beta2, t)).squareRoot() / (1 - Foundation.pow(beta1, t))
                parameters[p].values.withUnsafeMutableBufferPointer { w in
                    first[p].withUnsafeMutableBufferPointer { m in
                        second[p].withUnsafeMutableBufferPointer { v in
                            for i in 0..<w.count {
                                m[i] += (g[i] - m[i]) * (1 - beta1)
                                v[i] += (g[i] * g[i] - v[i]) * (1 - beta2)
                                w[i] -= (m[i] * alpha) / (v[i].squareRoot() + epsilon)
                            }
                        }
                    }
                }
            }
            if let mask {
                parameters[p].values.withUnsafeMutableBufferPointer { w in
                    for i in 0..<w.count where mask[i] == 0 { w[i] = 0 }
                }
            }
        }
    }
}

/// The learning rate over training.
public enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// Cosine decay from the base rate to `finalFraction` of it over all steps.
    case cosine(finalFraction: Float)
    /// Multiply by `factor` after every epoch.
    case exponentialPerEpoch(factor: Float)

    func rate(base: Float, step: Int, totalSteps: Int, epoch: Int) -> Float {
        switch self {
        case .constant:
            return base
        case .cosine(let finalFraction):
            let progress = totalSteps > 1 ? Float(step) / Float(totalSteps - 1) : 1
            let cosine = 0.5 * (1 + Foundation.cos(Float.pi * min(progress, 1)))
            return base * (finalFraction + (1 - finalFraction) * cosine)
        case .exponentialPerEpoch(let factor):
            return base * Foundation.pow(factor, Float(epoch))
        }
    }
}
