/// How an estimate is held against a limit.
public enum DecisionRule: String, Sendable, Equatable, Codable {
    /// Pass when the median is at most the limit (MLPerf-style; a noisy run passes half the time at the limit).
    case medianAtMost
    /// Pass only when the whole confidence interval is at most the limit: the upper bound ≤ limit.
    /// The cautious rule: a pass means "confidently within budget".
    case upperBoundAtMost
}

/// A limit on a quantity with the rule that decides pass or fail, e.g. "energy ratio ≤ 0.6 by its upper bound".
public struct Budget<Value: Quantity>: Sendable, Equatable {
    public var limit: Value
    public var rule: DecisionRule

    public init(limit: Value, rule: DecisionRule = .upperBoundAtMost) {
        self.limit = limit
        self.rule = rule
    }

    /// The value the rule compares with the limit.
    public func decidingValue(of estimate: Estimate<Value>) -> Value {
        switch rule {
        case .medianAtMost: estimate.median
        case .upperBoundAtMost: estimate.upper
        }
    }

    public func evaluate(_ estimate: Estimate<Value>) -> BudgetVerdict<Value> {
        let value = decidingValue(of: estimate)
        return BudgetVerdict(passed: value <= limit, decidingValue: value, budget: self)
    }
}

/// The outcome of a budget check, with what was compared.
public struct BudgetVerdict<Value: Quantity>: Sendable, Equatable, CustomStringConvertible {
    public var passed: Bool
    public var decidingValue: Value
    public var budget: Budget<Value>

    public var description: String {
        let what = budget.rule == .medianAtMost ? "median" : "upper confidence bound"
        return "\(passed ? "pass" : "FAIL"): \(what) \(decidingValue) \(passed ? "≤" : ">") limit \(budget.limit)"
    }
}
