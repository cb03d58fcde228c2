/// Settings of a seeded percentile bootstrap.
public struct BootstrapSettings: Sendable, Equatable {
    /// Number of resamples (B).
    public var resamples: Int
    /// Coverage of the interval, e.g. 0.95.
    public var confidenceLevel: Double
    /// Seed of the resampling generator: same data + same seed → same interval.
    public var seed: UInt64
    /// Fewer values than this throw `tooFewValues` (a bootstrap of 2 values says nothing).
    public var minimumCount: Int

    public init(resamples: Int = 2000, confidenceLevel: Double = 0.95, seed: UInt64 = 0x7157_4117, minimumCount: Int = 5) {
        self.resamples = resamples
        self.confidenceLevel = confidenceLevel
        self.seed = seed
        self.minimumCount = minimumCount
    }

    func validate() throws(StatisticsError) {
        guard resamples >= 100 else { throw .invalidSettings("resamples = \(resamples); use at least 100") }
        guard confidenceLevel > 0.5, confidenceLevel < 1 else {
            throw .invalidSettings("confidence level \(confidenceLevel) must lie between 0.5 and 1")
        }
        guard minimumCount >= 2 else { throw .invalidSettings("minimum count must be at least 2") }
    }
}

/// A point estimate (median) with its bootstrap confidence interval, in the quantity's unit.
public struct Estimate<Value: Quantity>: Sendable, Equatable {
    /// Median of the observed values (not of the resamples).
    public var median: Value
    public var lower: Value
    public var upper: Value
    public var confidenceLevel: Double
    public var resamples: Int
    /// The observed values the estimate summarises (per window), in order.
    public var values: [Value]

    public init(median: Value, lower: Value, upper: Value, confidenceLevel: Double, resamples: Int, values: [Value]) {
        self.median = median
        self.lower = lower
        self.upper = upper
        self.confidenceLevel = confidenceLevel
        self.resamples = resamples
        self.values = values
    }
}

extension Estimate {
    /// Median with a percentile-bootstrap interval: resample the values with replacement `B` times, take each
    /// resample's median, and read the interval off the sorted medians (rule in `Statistics`).
    public static func median(of values: [Value], bootstrap: BootstrapSettings = BootstrapSettings()) throws(StatisticsError) -> Estimate {
        try bootstrap.validate()
        guard values.count >= bootstrap.minimumCount else {
            throw .tooFewValues(found: values.count, minimum: bootstrap.minimumCount)
        }
        let raw = values.map(\.value)
        let median = try Statistics.median(raw)
        var generator = SeededGenerator(seed: bootstrap.seed)
        var resample = [Double](repeating: 0, count: raw.count)
        var medians = [Double]()
        medians.reserveCapacity(bootstrap.resamples)
        for _ in 0..<bootstrap.resamples {
            for slot in 0..<raw.count { resample[slot] = raw[generator.nextIndex(below: raw.count)] }
            Statistics.sortValues(&resample)
            medians.append(Statistics.sortedMedian(resample[...]))
        }
        let (lower, upper) = Statistics.percentileInterval(&medians, level: bootstrap.confidenceLevel)
        return Estimate(median: Value(median), lower: Value(lower), upper: Value(upper),
                        confidenceLevel: bootstrap.confidenceLevel, resamples: bootstrap.resamples, values: values)
    }
}
