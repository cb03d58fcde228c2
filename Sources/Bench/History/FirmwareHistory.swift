import Foundation

/// One firmware version's value of a metric for one model: the most recent result recorded with that version.
public struct FirmwareHistoryPoint: Sendable, Equatable {
    public var firmwareVersion: String
    public var firmwareBuildID: String
    public var recordedAt: Date
    public var value: Double
    public var intervalLow: Double
    public var intervalHigh: Double
    /// Relative change of `value` from the previous firmware version (0.05 = +5 %), nil for the first version.
    public var changeFromPrevious: Double?
    /// True when the change is both statistically clear (the two intervals do not overlap) and at least
    /// `RegressionRule.minimumPracticalChange` in size.
    public var isSignificant: Bool
    /// True when `RegressionRule` (the rule `assertNoRegression` applies) calls this version a regression from the
    /// previous one.
    public var isRegression: Bool = false
}

/// A metric's history across firmware versions for one model, in the order the versions were first recorded.
public struct FirmwareHistory: Sendable, Equatable {
    public var modelName: String
    public var metric: Metric
    public var points: [FirmwareHistoryPoint]

    /// See `RegressionRule.minimumPracticalChange`.
    public static var minimumPracticalChange: Double { RegressionRule.minimumPracticalChange }

    /// Builds every model's history of `metric` from the store (or one model's when `model` is given).
    public static func load(
        from store: ResultStore, model: String? = nil, metric: Metric, rule: RegressionRule = .fivePercent
    ) throws(ResultStoreError) -> [FirmwareHistory] {
        let results = try store.results(model: model, kind: metric.resultKind)
        let byModel = Dictionary(grouping: results, by: \.modelName)
        return byModel.keys.sorted().compactMap { name in
            let history = FirmwareHistory(modelName: name, metric: metric, results: byModel[name] ?? [], rule: rule)
            return history.points.isEmpty ? nil : history
        }
    }

    /// Builds the history from one model's results (any order).
    public init(modelName: String, metric: Metric, results: [StoredResult], rule: RegressionRule = .fivePercent) {
        self.modelName = modelName
        self.metric = metric
        let ordered = results.sorted { ($0.recordedAt, $0.id ?? 0) < ($1.recordedAt, $1.id ?? 0) }
        var versionOrder: [String] = []
        var latest: [String: StoredResult] = [:]
        for result in ordered where metric.reading(of: result) != nil {
            if latest[result.firmwareVersion] == nil { versionOrder.append(result.firmwareVersion) }
            latest[result.firmwareVersion] = result
        }
        var points: [FirmwareHistoryPoint] = []
        for version in versionOrder {
            guard let result = latest[version], let reading = metric.reading(of: result) else { continue }
            var point = FirmwareHistoryPoint(
                firmwareVersion: version, firmwareBuildID: result.firmwareBuildID, recordedAt: result.recordedAt,
                value: reading.value, intervalLow: reading.low, intervalHigh: reading.high,
                changeFromPrevious: nil, isSignificant: false)
            if let previous = points.last {
                let verdict = rule.judge(
                    metric, previous: MetricReading(value: previous.value, low: previous.intervalLow, high: previous.intervalHigh),
                    current: reading)
                point.changeFromPrevious = verdict.change
                point.isSignificant = verdict.isSignificant
                point.isRegression = verdict.isRegression
            }
            points.append(point)
        }
        self.points = points
    }
}
