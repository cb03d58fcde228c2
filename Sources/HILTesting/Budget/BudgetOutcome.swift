import Bench
import Footprint

/// What `assertBudget` measured to decide, and whether the budget held.
public struct BudgetOutcome: Sendable {
    public var passed: Bool
    /// Energy budgets against a baseline.
    public var comparison: Comparison?
    /// Absolute energy and latency budgets.
    public var measurement: BoardMeasurement?
    /// Accuracy and agreement budgets: the model's run (and, for a drop, the baseline's).
    public var accuracy: AccuracyRun?
    public var baselineAccuracy: AccuracyRun?
    /// `.fits` budgets.
    public var footprint: ModelFootprint?

    init(passed: Bool, comparison: Comparison? = nil, measurement: BoardMeasurement? = nil, accuracy: AccuracyRun? = nil,
         baselineAccuracy: AccuracyRun? = nil, footprint: ModelFootprint? = nil) {
        self.passed = passed
        self.comparison = comparison
        self.measurement = measurement
        self.accuracy = accuracy
        self.baselineAccuracy = baselineAccuracy
        self.footprint = footprint
    }
}
