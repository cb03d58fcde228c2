import Bench
import IssueReporting

/// How much worse than the last recorded result of an earlier firmware version a metric may get before a test fails.
public struct RegressionTolerance: Sendable, Equatable {
    /// Relative worsening allowed (0.05 = 5 %).
    public var relative: Double

    public init(relative: Double) { self.relative = relative }
    public static let fivePercent = RegressionTolerance(relative: 0.05)
}

/// Fails when `measurement` is worse than the most recent result in `store` for the same model recorded with a
/// *different* firmware version by more than `tolerance` — judged on the interval, so noise alone does not fail:
/// energy/latency regress when the new interval's lower bound exceeds the previous median × (1 + tolerance).
/// Records `measurement` afterwards. Passes (and says so in the return value) when there is no earlier version.
@discardableResult
public func assertNoRegression(
    of measurement: BoardMeasurement, metric: Metric = .energy, tolerance: RegressionTolerance = .fivePercent,
    store: ResultStore,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) -> StoredResult? {
    let current = measurement.storedResult()
    let previous: StoredResult?
    do {
        previous = try store.lastResult(model: measurement.model, kind: .measurement,
                                        excludingFirmwareVersion: measurement.provenance.firmwareVersion)
    } catch {
        reportIssue("the result store could not be read: \(error)", fileID: fileID, filePath: filePath, line: line, column: column)
        return nil
    }
    Evidence.record(current, in: store, fileID: fileID, filePath: filePath, line: line, column: column)
    guard let previous else { return nil }
    let (newLower, newMedian, oldMedian): (Double?, Double?, Double?) = switch metric {
    case .energy: (current.energyMicrojoulesCILow, current.energyMicrojoulesMedian, previous.energyMicrojoulesMedian)
    case .latency: (current.latencyMicrosecondsMedian, current.latencyMicrosecondsMedian, previous.latencyMicrosecondsMedian)
    case .accuracy: (nil, nil, nil)
    }
    guard let newLower, let newMedian, let oldMedian else { return previous }
    let limit = oldMedian * (1 + tolerance.relative)
    Evidence.logBudget("no \(metric.rawValue) regression", subject: "\(measurement.model) on firmware \(measurement.provenance.firmwareVersion)",
                       measured: "\(Evidence.format(newMedian)) \(metric.unit) (lower bound \(Evidence.format(newLower)))",
                       budget: "lower bound ≤ \(Evidence.format(limit)) (firmware \(previous.firmwareVersion) + \(Evidence.format(tolerance.relative * 100)) %)",
                       passed: newLower <= limit, fileID: fileID, line: line)
    if newLower > limit {
        reportIssue(
            "\(metric.rawValue) regression: \(measurement.model) on firmware \(measurement.provenance.firmwareVersion) (build \(measurement.provenance.firmwareBuildID)) has median \(Evidence.format(newMedian)) \(metric.unit) (lower bound \(Evidence.format(newLower))) vs \(Evidence.format(oldMedian)) \(metric.unit) on firmware \(previous.firmwareVersion) (build \(previous.firmwareBuildID)); allowed ≤ \(Evidence.format(limit)) (+\(Evidence.format(tolerance.relative * 100)) %). \(Evidence.describe(measurement))",
            fileID: fileID, filePath: filePath, line: line, column: column)
    }
    return previous
}
