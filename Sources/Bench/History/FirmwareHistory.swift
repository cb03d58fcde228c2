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

/// A metric's history across firmware versions for one model (on one board, when loaded from a store), in the order
/// the versions were first recorded.
public struct FirmwareHistory: Sendable, Equatable {
    public var modelName: String
    /// The board every point was measured on (a farm's store holds several); nil when built from a mixed list.
    public var boardID: String?
    public var metric: Metric
    public var points: [FirmwareHistoryPoint]

    /// See `RegressionRule.minimumPracticalChange`.
    public static var minimumPracticalChange: Double { RegressionRule.minimumPracticalChange }

    /// Builds the history of `metric` of every model on every board from the store (a farm's store holds several
    /// boards: each model gets one history per board, never a mix), or only of `model` and/or `board` when given.
    /// Ordered by model, then board.
    public static func load(
        from store: ResultStore, model: String? = nil, board: String? = nil, metric: Metric,
        rule: RegressionRule = .fivePercent
    ) throws(ResultStoreError) -> [FirmwareHistory] {
        let results = try store.results(model: model, kind: metric.resultKind, board: board)
        let byModelAndBoard = Dictionary(grouping: results) { [$0.modelName, $0.boardID] }
        return byModelAndBoard.keys.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }.compactMap { key in
            let history = FirmwareHistory(
                modelName: key[0], boardID: key[1], metric: metric, results: byModelAndBoard[key] ?? [], rule: rule)
            return history.points.isEmpty ? nil : history
        }
    }

    /// Builds the history from one model's results (any order).
    public init(
        modelName: String, boardID: String? = nil, metric: Metric, results: [StoredResult],
        rule: RegressionRule = .fivePercent
    ) {
        self.modelName = modelName
        self.boardID = boardID
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
