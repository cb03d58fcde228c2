import Bench
import IssueReporting

/// How much worse than the last recorded result of an earlier firmware version a metric may get: the same
/// `RegressionRule` `tinyhil history` flags regressions with.
public typealias RegressionTolerance = RegressionRule

extension RegressionRule {
    /// A rule allowing `relative` worsening (0.05 = 5 %).
    public init(relative: Double) { self.init(tolerance: relative) }
}

/// Fails when `measurement`'s energy or latency is worse than the most recent result in `store` for the same model
/// recorded with a *different* firmware version, by `RegressionRule` (judged on the interval, so noise alone does not
/// fail). Records `measurement` afterwards (`ResultRecorder`). Returns the previous result (nil when there is none,
/// which passes). Accuracy is judged from an `AccuracyRun` (`assertNoRegression(of:tolerance:store:)`); asking a
/// measurement about accuracy is reported, never passed.
@discardableResult
public func assertNoRegression(
    of measurement: BoardMeasurement, metric: Metric = .energy, tolerance: RegressionTolerance = .fivePercent,
    store: ResultStore,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) -> StoredResult? {
    let location = Evidence.Location(fileID: fileID, filePath: filePath, line: line, column: column)
    guard metric != .accuracy else {
        location.report("no accuracy regression cannot be judged from \(measurement.model)'s energy measurement: a BoardMeasurement carries energy and latency. Pass the AccuracyRun instead (assertNoRegression(of: run, store:)).")
        return nil
    }
    return judgeRegression(
        current: measurement.storedResult(), metric: metric, rule: tolerance, store: store,
        detail: Evidence.describe(measurement), location: location
    ) { recorder in try recorder.record(measurement) }
}

/// Fails when `run`'s on-board accuracy is lower than the most recent accuracy result in `store` for the same model
/// recorded with a *different* firmware version, by `RegressionRule` (the new Wilson interval's upper bound below the
/// previous accuracy × (1 − tolerance)). Records `run` afterwards. Returns the previous result.
@discardableResult
public func assertNoRegression(
    of run: AccuracyRun, tolerance: RegressionTolerance = .fivePercent, store: ResultStore,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) -> StoredResult? {
    judgeRegression(
        current: run.storedResult(), metric: .accuracy, rule: tolerance, store: store,
        detail: "\(run.samples) inputs; \(Evidence.provenance(run.provenance))",
        location: Evidence.Location(fileID: fileID, filePath: filePath, line: line, column: column)
    ) { recorder in try recorder.record(run) }
}

private func judgeRegression(
    current: StoredResult, metric: Metric, rule: RegressionRule, store: ResultStore, detail: String,
    location: Evidence.Location, record: (ResultRecorder) throws -> Void
) -> StoredResult? {
    let previous: StoredResult?
    do {
        // Same board only: a farm's shared store holds other boards' results of the same model.
        previous = try store.lastResult(model: current.modelName, kind: metric.resultKind, board: current.boardID,
                                        excludingFirmwareVersion: current.firmwareVersion)
    } catch {
        location.report("the result store could not be read: \(error)")
        return nil
    }
    Evidence.record(location: location) { try record(ResultRecorder(store)) }
    guard let previous else { return nil }
    guard let verdict = rule.judge(metric, previous: previous, current: current) else {
        location.report("no \(metric.rawValue) regression cannot be judged: \(current.modelName)'s results lack \(metric.rawValue)")
        return previous
    }
    let bound = metric.higherIsBetter ? "upper bound" : "lower bound"
    let relation = metric.higherIsBetter ? "≥" : "≤"
    let sign = metric.higherIsBetter ? "−" : "+"
    let subject = "\(current.modelName) on firmware \(current.firmwareVersion)"
    let measured = "\(Evidence.format(verdict.current.value)) \(metric.unit) (\(bound) \(Evidence.format(metric.higherIsBetter ? verdict.current.high : verdict.current.low)))"
    let budget = "\(bound) \(relation) \(Evidence.format(verdict.limit)) (firmware \(previous.firmwareVersion) \(sign) \(Evidence.format(rule.tolerance * 100)) %)"
    Evidence.check(BudgetEvidence(
        check: "no \(metric.rawValue) regression", subject: subject, measured: measured, budget: budget,
        passed: !verdict.isRegression,
        failure: "\(metric.rawValue) regression: \(subject) (build \(current.firmwareBuildID)) has \(measured) vs \(Evidence.format(verdict.previous.value)) \(metric.unit) on firmware \(previous.firmwareVersion) (build \(previous.firmwareBuildID)); allowed: \(budget). \(detail)"),
        at: location)
    return previous
}
