import Bench
import PowerMeter

/// A budget a model must meet, checked by `assertBudget(_:_:on:)` — strategy values in the manner of
/// snapshot-testing's `assertSnapshot(of:as:)`:
/// ```swift
/// await assertBudget(pruned, .energy(atMost: 0.6, of: baseline))
/// await assertBudget(pruned, .latency(atMost: .milliseconds(40)))
/// await assertBudget(pruned, .accuracyDrop(atMostPoints: 1, from: baseline, on: data))
/// await assertBudget(pruned, .fits(.raspberryPiPico))
/// ```
/// Limits carry their units (`Joules`, `Duration`, percentage points, a ratio); interval-based budgets decide by a
/// `DecisionRule` (default: the whole confidence interval must be within budget).
public struct ModelBudget: Sendable {
    enum Kind: Sendable {
        case energyRatio(atMost: Double, baseline: ModelUnderTest, rule: DecisionRule, pairs: Int)
        case energyUnchanged(baseline: ModelUnderTest, within: Double, pairs: Int)
        case energyPerInference(atMost: Joules, rule: DecisionRule, windows: Int)
        case latency(atMost: Seconds, rule: DecisionRule, windows: Int)
        case accuracy(atLeast: Double, data: LabelledInputs)
        case accuracyDrop(atMostPoints: Double, baseline: ModelUnderTest, data: LabelledInputs)
        case hostAgreement(atLeast: Double, data: LabelledInputs)
        case fits(BoardLimits)
    }

    let kind: Kind
    /// Inferences per measured window (energy and latency budgets).
    var inferencesPerWindow = 5

    /// At most `factor` × `baseline`'s energy per inference, measured interleaved in one session (ratio of medians
    /// with a paired bootstrap interval).
    public static func energy(
        atMost factor: Double, of baseline: ModelUnderTest, rule: DecisionRule = .upperBoundAtMost, pairs: Int = 10
    ) -> ModelBudget {
        ModelBudget(kind: .energyRatio(atMost: factor, baseline: baseline, rule: rule, pairs: pairs))
    }

    /// Energy per inference at most `limit` (e.g. `.microjoules(900)`).
    public static func energy(atMost limit: Joules, rule: DecisionRule = .upperBoundAtMost, windows: Int = 10) -> ModelBudget {
        ModelBudget(kind: .energyPerInference(atMost: limit, rule: rule, windows: windows))
    }

    /// Energy per inference equal to `baseline`'s within `relativeTolerance`: the whole interval of the ratio inside
    /// [1 − tolerance, 1 + tolerance] (an equivalence test: "no change" shown, not assumed from failing to see one).
    public static func energyUnchanged(
        comparedTo baseline: ModelUnderTest, within relativeTolerance: Double = 0.03, pairs: Int = 10
    ) -> ModelBudget {
        ModelBudget(kind: .energyUnchanged(baseline: baseline, within: relativeTolerance, pairs: pairs))
    }

    /// Latency per inference at most `limit` (e.g. `.milliseconds(40)`).
    public static func latency(atMost limit: Duration, rule: DecisionRule = .upperBoundAtMost, windows: Int = 10) -> ModelBudget {
        let parts = limit.components
        let seconds = Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
        return ModelBudget(kind: .latency(atMost: Seconds(seconds), rule: rule, windows: windows))
    }

    /// Top-1 accuracy on the board over `data` at least `fraction` (0…1).
    public static func accuracy(atLeast fraction: Double, on data: LabelledInputs) -> ModelBudget {
        ModelBudget(kind: .accuracy(atLeast: fraction, data: data))
    }

    /// On-board accuracy at most `points` percentage points below `baseline`'s on `data`.
    public static func accuracyDrop(atMostPoints points: Double, from baseline: ModelUnderTest, on data: LabelledInputs) -> ModelBudget {
        ModelBudget(kind: .accuracyDrop(atMostPoints: points, baseline: baseline, data: data))
    }

    /// At least `fraction` (1 = all) of the board's raw outputs identical to the host engine's on `data`.
    public static func agreesWithHostEngine(atLeast fraction: Double = 1, on data: LabelledInputs) -> ModelBudget {
        ModelBudget(kind: .hostAgreement(atLeast: fraction, data: data))
    }

    /// The model's arena fits the board's RAM and the model its flash, after the firmware's share. Needs no bench.
    public static func fits(_ board: BoardLimits) -> ModelBudget { ModelBudget(kind: .fits(board)) }

    /// The same budget measured with `count` inferences per window.
    public func inferencesPerWindow(_ count: Int) -> ModelBudget {
        var copy = self
        copy.inferencesPerWindow = count
        return copy
    }

    /// True when checking the budget needs a board.
    var needsBench: Bool {
        if case .fits = kind { return false }
        return true
    }
}
