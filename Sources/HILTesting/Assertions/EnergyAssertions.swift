import Bench
import IssueReporting
import PowerMeter

/// Fails (at the caller's line, in XCTest and Swift Testing) unless `candidate` uses at most `factor` × the energy per
/// inference of `baseline`, measured interleaved on `bench` in one session. The decision is made on the ratio of
/// medians and its bootstrap confidence interval by `rule` (default: the whole interval must be within budget).
/// Returns the comparison (nil when the measurement itself failed, which is also reported).
@discardableResult
public func assertEnergy(
    of candidate: ModelUnderTest, atMost factor: Double, times baseline: ModelUnderTest,
    rule: DecisionRule = .upperBoundAtMost, on bench: Bench, pairs: Int = 10, inferencesPerWindow: Int = 5,
    recordingIn store: ResultStore? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async -> Comparison? {
    guard let comparison = await compared(candidate, with: baseline, on: bench, pairs: pairs,
                                          inferencesPerWindow: inferencesPerWindow, store: store,
                                          fileID: fileID, filePath: filePath, line: line, column: column)
    else { return nil }
    let verdict = Budget(limit: Ratio(factor), rule: rule).evaluate(comparison.energyRatio)
    let ratio = comparison.energyRatio
    Evidence.logBudget("energy ratio", subject: "\(candidate.name) / \(baseline.name)",
                       measured: "\(Evidence.format(ratio.median.value)) (CI \(Evidence.format(ratio.lower.value))–\(Evidence.format(ratio.upper.value)))",
                       budget: "≤ \(Evidence.format(factor)) (\(rule.rawValue))", passed: verdict.passed, fileID: fileID, line: line)
    if !verdict.passed {
        reportIssue(Evidence.describe(comparison, budget: factor, rule: rule),
                    fileID: fileID, filePath: filePath, line: line, column: column)
    }
    return comparison
}

/// Fails unless `model`'s energy per inference is at most `microjoules` by `rule`. Returns the measurement.
@discardableResult
public func assertEnergyPerInference(
    of model: ModelUnderTest, atMostMicrojoules microjoules: Double, rule: DecisionRule = .upperBoundAtMost,
    on bench: Bench, windows: Int = 10, inferencesPerWindow: Int = 5, recordingIn store: ResultStore? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async -> BoardMeasurement? {
    guard let measurement = await measured(model, on: bench, windows: windows, inferencesPerWindow: inferencesPerWindow,
                                           store: store, fileID: fileID, filePath: filePath, line: line, column: column)
    else { return nil }
    let verdict = Budget(limit: Joules.microjoules(microjoules), rule: rule).evaluate(measurement.energyPerInference)
    Evidence.logBudget("energy per inference", subject: model.name,
                       measured: Evidence.describe(microjoules: measurement.energyPerInference),
                       budget: "≤ \(Evidence.format(microjoules)) µJ (\(rule.rawValue))", passed: verdict.passed, fileID: fileID, line: line)
    if !verdict.passed {
        reportIssue(
            "energy budget broken: \(model.name) needs \(Evidence.describe(microjoules: measurement.energyPerInference)) per inference, budget ≤ \(Evidence.format(microjoules)) µJ (rule: \(rule.rawValue)). \(Evidence.describe(measurement))",
            fileID: fileID, filePath: filePath, line: line, column: column)
    }
    return measurement
}

/// Fails unless `model`'s latency per inference is at most `microseconds` by `rule`. Returns the measurement.
@discardableResult
public func assertLatency(
    of model: ModelUnderTest, atMostMicroseconds microseconds: Double, rule: DecisionRule = .upperBoundAtMost,
    on bench: Bench, windows: Int = 10, inferencesPerWindow: Int = 5, recordingIn store: ResultStore? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async -> BoardMeasurement? {
    guard let measurement = await measured(model, on: bench, windows: windows, inferencesPerWindow: inferencesPerWindow,
                                           store: store, fileID: fileID, filePath: filePath, line: line, column: column)
    else { return nil }
    let verdict = Budget(limit: Seconds(microseconds * 1e-6), rule: rule).evaluate(measurement.latencyPerInference)
    Evidence.logBudget("latency", subject: model.name, measured: Evidence.describe(microseconds: measurement.latencyPerInference),
                       budget: "≤ \(Evidence.format(microseconds)) µs (\(rule.rawValue))", passed: verdict.passed, fileID: fileID, line: line)
    if !verdict.passed {
        reportIssue(
            "latency budget broken: \(model.name) takes \(Evidence.describe(microseconds: measurement.latencyPerInference)) per inference, budget ≤ \(Evidence.format(microseconds)) µs (rule: \(rule.rawValue)). \(Evidence.describe(measurement))",
            fileID: fileID, filePath: filePath, line: line, column: column)
    }
    return measurement
}

/// Compares interleaved on `bench` and records the comparison; a failure to measure is reported and gives nil.
func compared(
    _ candidate: ModelUnderTest, with baseline: ModelUnderTest, on bench: Bench, pairs: Int, inferencesPerWindow: Int,
    store: ResultStore?, fileID: StaticString, filePath: StaticString, line: UInt, column: UInt
) async -> Comparison? {
    do {
        let comparison = try await bench.compare(
            baseline: baseline, candidate: candidate, pairs: pairs, inferencesPerWindow: inferencesPerWindow,
            traceDirectory: Evidence.traceDirectory)
        Evidence.record(location: .init(fileID: fileID, filePath: filePath, line: line, column: column)) {
            try ResultRecorder(store).record(comparison)
        }
        return comparison
    } catch {
        reportIssue("energy of \(candidate.name) vs \(baseline.name) could not be measured: \(error)",
                    fileID: fileID, filePath: filePath, line: line, column: column)
        return nil
    }
}

/// Measures on `bench` and records the measurement; a failure to measure is reported and gives nil.
func measured(
    _ model: ModelUnderTest, on bench: Bench, windows: Int, inferencesPerWindow: Int, store: ResultStore?,
    fileID: StaticString, filePath: StaticString, line: UInt, column: UInt
) async -> BoardMeasurement? {
    do {
        let measurement = try await bench.measure(
            model, windows: windows, inferencesPerWindow: inferencesPerWindow, traceDirectory: Evidence.traceDirectory)
        Evidence.record(location: .init(fileID: fileID, filePath: filePath, line: line, column: column)) {
            try ResultRecorder(store).record(measurement)
        }
        return measurement
    } catch {
        reportIssue("\(model.name) could not be measured: \(error)", fileID: fileID, filePath: filePath, line: line, column: column)
        return nil
    }
}

/// Fails unless `candidate`'s energy per inference equals `baseline`'s within `relativeTolerance`: the whole
/// confidence interval of the ratio must lie inside [1 − tolerance, 1 + tolerance] (an equivalence test, so "no
/// significant change" is shown rather than assumed from a failure to detect one). The Pico study's finding that
/// unstructured pruning saves nothing with dense kernels is this assertion.
@discardableResult
public func assertEnergyUnchanged(
    of candidate: ModelUnderTest, comparedTo baseline: ModelUnderTest, within relativeTolerance: Double = 0.03,
    on bench: Bench, pairs: Int = 10, inferencesPerWindow: Int = 5, recordingIn store: ResultStore? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async -> Comparison? {
    guard let comparison = await compared(candidate, with: baseline, on: bench, pairs: pairs,
                                          inferencesPerWindow: inferencesPerWindow, store: store,
                                          fileID: fileID, filePath: filePath, line: line, column: column)
    else { return nil }
    let ratio = comparison.energyRatio
    let unchanged = ratio.lower.value >= 1 - relativeTolerance && ratio.upper.value <= 1 + relativeTolerance
    Evidence.logBudget("energy unchanged", subject: "\(candidate.name) / \(baseline.name)",
                       measured: "\(Evidence.format(ratio.median.value)) (CI \(Evidence.format(ratio.lower.value))–\(Evidence.format(ratio.upper.value)))",
                       budget: "within 1 ± \(Evidence.format(relativeTolerance))", passed: unchanged, fileID: fileID, line: line)
    if !unchanged {
        reportIssue(
            "energy changed: \(candidate.name) / \(baseline.name) = \(Evidence.format(ratio.median.value)) (CI \(Evidence.format(ratio.lower.value))–\(Evidence.format(ratio.upper.value))), expected within 1 ± \(Evidence.format(relativeTolerance)). \(Evidence.describe(comparison.candidate))",
            fileID: fileID, filePath: filePath, line: line, column: column)
    }
    return comparison
}
