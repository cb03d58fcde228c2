/// The one rule for "did this metric get worse between two firmware versions", used by `tinyhil history` and
/// HILTesting's `assertNoRegression`. Judged on intervals, so noise alone neither flags nor fails:
/// - **significant**: the two intervals do not overlap and the change is at least `minimumPracticalChange`;
/// - **regression**: the new interval's *best* end is still worse than the previous value by more than
///   `tolerance` — for energy and latency (lower is better) the new lower bound exceeds previous × (1 + tolerance);
///   for accuracy (higher is better) the new upper bound is below previous × (1 − tolerance).
public struct RegressionRule: Sendable, Equatable {
    /// Relative worsening allowed (0.05 = 5 %).
    public var tolerance: Double

    public init(tolerance: Double) { self.tolerance = tolerance }

    public static let fivePercent = RegressionRule(tolerance: 0.05)

    /// Changes smaller than this (relative) are never significant, however narrow the intervals: below it a change
    /// is noise for practical purposes (criterion.rs's noise threshold plays the same role).
    public static let minimumPracticalChange = 0.01

    /// Compares `current` with `previous` on `metric`; nil when either result lacks the metric (e.g. a measurement
    /// asked about accuracy).
    public func judge(_ metric: Metric, previous: StoredResult, current: StoredResult) -> RegressionVerdict? {
        guard let old = metric.reading(of: previous), let new = metric.reading(of: current) else { return nil }
        return judge(metric, previous: old, current: new)
    }

    /// The rule on two readings (value with its interval, in the metric's unit).
    public func judge(_ metric: Metric, previous: MetricReading, current: MetricReading) -> RegressionVerdict {
        let change = previous.value != 0 ? (current.value - previous.value) / abs(previous.value) : nil
        let separated = current.low > previous.high || current.high < previous.low
        let significant = separated && abs(change ?? 0) >= Self.minimumPracticalChange
        let limit: Double
        let regressed: Bool
        if metric.higherIsBetter {
            limit = previous.value * (1 - tolerance)
            regressed = current.high < limit
        } else {
            limit = previous.value * (1 + tolerance)
            regressed = current.low > limit
        }
        return RegressionVerdict(previous: previous, current: current, change: change, isSignificant: significant,
                                 isRegression: regressed, limit: limit)
    }
}

/// A metric's value with its interval (95 % bootstrap for energy, Wilson for accuracy; latency is exact per window).
public struct MetricReading: Sendable, Equatable {
    public var value: Double
    public var low: Double
    public var high: Double

    public init(value: Double, low: Double, high: Double) {
        self.value = value
        self.low = low
        self.high = high
    }
}

/// What `RegressionRule` concluded about two readings.
public struct RegressionVerdict: Sendable, Equatable {
    public var previous: MetricReading
    public var current: MetricReading
    /// Relative change of the value (0.05 = +5 %); nil when the previous value is 0.
    public var change: Double?
    public var isSignificant: Bool
    public var isRegression: Bool
    /// The bound the new interval's best end was held to.
    public var limit: Double
}
