/// Which model a window of an interleaved A/B session belongs to.
public enum ComparisonArm: String, Sendable, Equatable, Codable {
    case baseline
    case candidate
}

/// An A/B comparison measured in one session on one board, windows interleaved so that drift and temperature affect
/// both models alike. This is the one interleaving schedule: blocks of `windowsPerSwitch` windows of one model,
/// alternating baseline, candidate, baseline, … (1 = strict alternation). Blocks exist because a board holds one
/// model and switching means uploading it again (seconds over a serial line); the i-th baseline window is paired
/// with the i-th candidate window, which were measured at most one block apart.
public struct InterleavedComparison: Sendable, Equatable {
    /// Pairs (one baseline and one candidate window each).
    public var pairs: Int
    /// Windows of one model before switching to the other (at least 1, at most `pairs`).
    public var windowsPerSwitch: Int

    public init(pairs: Int, windowsPerSwitch: Int = 1) {
        self.pairs = pairs
        self.windowsPerSwitch = windowsPerSwitch
    }

    /// The order in which a bench runs the windows: `2 × pairs` entries, baseline first.
    public var schedule: [ComparisonArm] {
        let block = max(1, min(windowsPerSwitch, pairs))
        var schedule: [ComparisonArm] = []
        var remaining = pairs
        while remaining > 0 {
            let size = min(block, remaining)
            schedule += Array(repeating: .baseline, count: size) + Array(repeating: .candidate, count: size)
            remaining -= size
        }
        return schedule
    }

    /// Splits per-window values (in schedule order) into the two arms.
    public func split<Value>(_ values: [Value]) throws(StatisticsError) -> (baseline: [Value], candidate: [Value]) {
        let schedule = self.schedule
        guard values.count == schedule.count else {
            throw .mismatchedCounts(baseline: (values.count + 1) / 2, candidate: values.count / 2)
        }
        var baseline: [Value] = [], candidate: [Value] = []
        for (value, arm) in zip(values, schedule) {
            if arm == .baseline { baseline.append(value) } else { candidate.append(value) }
        }
        return (baseline, candidate)
    }

    /// Ratio of medians, candidate ÷ baseline, with a paired percentile-bootstrap interval: each resample draws
    /// pair indices with replacement (keeping each baseline window with the candidate window measured next to
    /// it), and computes median(candidate) ÷ median(baseline) over the drawn pairs.
    public static func ratioOfMedians<Value: Quantity>(
        baseline: [Value], candidate: [Value], bootstrap: BootstrapSettings = BootstrapSettings()
    ) throws(StatisticsError) -> Estimate<Ratio> {
        try bootstrap.validate()
        guard baseline.count == candidate.count else {
            throw .mismatchedCounts(baseline: baseline.count, candidate: candidate.count)
        }
        guard baseline.count >= bootstrap.minimumCount else {
            throw .tooFewValues(found: baseline.count, minimum: bootstrap.minimumCount)
        }
        let a = baseline.map(\.value), b = candidate.map(\.value)
        let baselineMedian = try Statistics.median(a)
        let candidateMedian = try Statistics.median(b)
        guard baselineMedian > 0 else { throw .nonPositiveBaseline }
        let count = a.count
        var generator = SeededGenerator(seed: bootstrap.seed)
        var resampleA = [Double](repeating: 0, count: count)
        var resampleB = [Double](repeating: 0, count: count)
        var ratios = [Double]()
        ratios.reserveCapacity(bootstrap.resamples)
        for _ in 0..<bootstrap.resamples {
            for slot in 0..<count {
                let pair = generator.nextIndex(below: count)
                resampleA[slot] = a[pair]
                resampleB[slot] = b[pair]
            }
            Statistics.sortValues(&resampleA)
            Statistics.sortValues(&resampleB)
            let denominator = Statistics.sortedMedian(resampleA[...])
            ratios.append(denominator > 0 ? Statistics.sortedMedian(resampleB[...]) / denominator : .infinity)
        }
        let (lower, upper) = Statistics.percentileInterval(&ratios, level: bootstrap.confidenceLevel)
        return Estimate(median: Ratio(candidateMedian / baselineMedian), lower: Ratio(lower), upper: Ratio(upper),
                        confidenceLevel: bootstrap.confidenceLevel, resamples: bootstrap.resamples,
                        values: zip(a, b).map { Ratio($1 / $0) })
    }
}
