import Foundation

/// When and how strongly iterative pruning prunes (TF-MOT's `ConstantSparsity` and `PolynomialDecay`), for
/// a training loop that fine-tunes between pruning steps. Steps are optimiser steps.
public protocol SparsitySchedule: Sendable {
    /// Whether pruning happens at `step`: `beginStep ≤ step`, `step ≤ endStep` (unless `endStep` is -1),
    /// and `(step − beginStep)` a multiple of `frequency`.
    func shouldPrune(atStep step: Int) -> Bool
    /// The target sparsity at `step`.
    func sparsity(atStep step: Int) -> Double
}

extension SparsitySchedule {
    static func window(_ step: Int, begin: Int, end: Int, frequency: Int) -> Bool {
        step >= begin && (end == -1 || step <= end) && (step - begin) % max(1, frequency) == 0
    }
}

/// The same target sparsity at every pruning step.
public struct ConstantSparsity: SparsitySchedule, Equatable {
    public var targetSparsity: Double
    public var beginStep: Int
    /// -1 = prune until training ends.
    public var endStep: Int
    public var frequency: Int

    public init(targetSparsity: Double, beginStep: Int = 0, endStep: Int = -1, frequency: Int = 100) throws(PruningError) {
        guard targetSparsity >= 0, targetSparsity < 1 else { throw .invalidRatio(targetSparsity, what: "target sparsity") }
        self.targetSparsity = targetSparsity
        self.beginStep = beginStep
        self.endStep = endStep
        self.frequency = frequency
    }

    public func shouldPrune(atStep step: Int) -> Bool {
        Self.window(step, begin: beginStep, end: endStep, frequency: frequency)
    }

    public func sparsity(atStep step: Int) -> Double { targetSparsity }
}

/// Sparsity rising from `initialSparsity` to `finalSparsity`: `s(t) = s_f + (s_i − s_f)·(1 − p)^power` with
/// `p = clip((t − begin)/(end − begin), 0, 1)` (TF-MOT uses power 3).
public struct PolynomialDecay: SparsitySchedule, Equatable {
    public var initialSparsity: Double
    public var finalSparsity: Double
    public var beginStep: Int
    public var endStep: Int
    public var power: Double
    public var frequency: Int

    public init(initialSparsity: Double, finalSparsity: Double, beginStep: Int, endStep: Int, power: Double = 3,
                frequency: Int = 100) throws(PruningError) {
        guard initialSparsity >= 0, initialSparsity < 1 else { throw .invalidRatio(initialSparsity, what: "initial sparsity") }
        guard finalSparsity >= 0, finalSparsity < 1 else { throw .invalidRatio(finalSparsity, what: "final sparsity") }
        guard endStep > beginStep else {
            throw .invalidRatio(Double(endStep), what: "end step (must be after begin step \(beginStep)); as a fraction,")
        }
        self.initialSparsity = initialSparsity
        self.finalSparsity = finalSparsity
        self.beginStep = beginStep
        self.endStep = endStep
        self.power = power
        self.frequency = frequency
    }

    public func shouldPrune(atStep step: Int) -> Bool {
        Self.window(step, begin: beginStep, end: endStep, frequency: frequency)
    }

    public func sparsity(atStep step: Int) -> Double {
        let progress = min(1, max(0, Double(step - beginStep) / Double(endStep - beginStep)))
        return finalSparsity + (initialSparsity - finalSparsity) * pow(1 - progress, power)
    }
}
