import Bench
import Inference
import IssueReporting

/// Fails unless `model`, run on the board, classifies at least `minimum` (fraction 0…1) of `data` correctly.
@discardableResult
public func assertAccuracy(
    of model: ModelUnderTest, atLeast minimum: Double, on data: LabelledInputs, bench: Bench,
    recordingIn store: ResultStore? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async -> AccuracyRun? {
    guard let run = await accuracyRun(model, data, bench, store, fileID, filePath, line, column) else { return nil }
    Evidence.logBudget("accuracy on the board", subject: model.name, measured: "\(Evidence.percent(run.accuracy)) of \(run.samples)",
                       budget: "≥ \(Evidence.percent(minimum))", passed: run.accuracy >= minimum, fileID: fileID, line: line)
    if run.accuracy < minimum {
        reportIssue(
            "accuracy budget broken: \(model.name) scores \(Evidence.percent(run.accuracy)) on the board over \(run.samples) inputs of \(data.name), budget ≥ \(Evidence.percent(minimum)); \(Evidence.provenance(run.provenance))",
            fileID: fileID, filePath: filePath, line: line, column: column)
    }
    return run
}

/// Fails unless `candidate` loses at most `points` percentage points of on-board accuracy against `baseline` on `data`.
@discardableResult
public func assertAccuracyDrop(
    of candidate: ModelUnderTest, comparedTo baseline: ModelUnderTest, atMostPoints points: Double,
    on data: LabelledInputs, bench: Bench, recordingIn store: ResultStore? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async -> (baseline: AccuracyRun, candidate: AccuracyRun)? {
    guard let base = await accuracyRun(baseline, data, bench, store, fileID, filePath, line, column),
          let cand = await accuracyRun(candidate, data, bench, store, fileID, filePath, line, column)
    else { return nil }
    let drop = (base.accuracy - cand.accuracy) * 100
    Evidence.logBudget("accuracy drop", subject: "\(candidate.name) vs \(baseline.name)",
                       measured: "\(Evidence.format(drop)) points (\(Evidence.percent(cand.accuracy)) vs \(Evidence.percent(base.accuracy)), \(cand.samples) inputs)",
                       budget: "≤ \(Evidence.format(points)) points", passed: drop <= points, fileID: fileID, line: line)
    if drop > points {
        reportIssue(
            "accuracy-drop budget broken: \(candidate.name) scores \(Evidence.percent(cand.accuracy)) vs \(baseline.name) \(Evidence.percent(base.accuracy)) on the board (\(data.name), \(cand.samples) inputs): a drop of \(Evidence.format(drop)) points, budget ≤ \(Evidence.format(points)) points; \(Evidence.provenance(cand.provenance))",
            fileID: fileID, filePath: filePath, line: line, column: column)
    }
    return (base, cand)
}

/// Fails unless at least `minimum` (fraction 0…1; 1 = every output) of the board's raw outputs equal the host
/// engine's for the same inputs.
@discardableResult
public func assertAgreement(
    of model: ModelUnderTest, withHostEngineAtLeast minimum: Double = 1, on data: LabelledInputs, bench: Bench,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async -> AccuracyRun? {
    guard let run = await accuracyRun(model, data, bench, nil, fileID, filePath, line, column) else { return nil }
    Evidence.logBudget("board = host engine", subject: model.name,
                       measured: "\(run.agreeingWithHost)/\(run.samples) identical", budget: "≥ \(Evidence.percent(minimum))",
                       passed: run.hostAgreement >= minimum, fileID: fileID, line: line)
    if run.hostAgreement < minimum {
        reportIssue(
            "board and host disagree: \(model.name) gave identical outputs for \(run.agreeingWithHost) of \(run.samples) inputs (\(Evidence.percent(run.hostAgreement))), budget ≥ \(Evidence.percent(minimum)); first differing inputs: \(run.firstDisagreements); \(Evidence.provenance(run.provenance))",
            fileID: fileID, filePath: filePath, line: line, column: column)
    }
    return run
}

private func accuracyRun(
    _ model: ModelUnderTest, _ data: LabelledInputs, _ bench: Bench, _ store: ResultStore?,
    _ fileID: StaticString, _ filePath: StaticString, _ line: UInt, _ column: UInt
) async -> AccuracyRun? {
    do {
        let run = try await bench.accuracy(model, inputs: data.inputs, labels: data.labels)
        Evidence.record(location: .init(fileID: fileID, filePath: filePath, line: line, column: column)) {
            try ResultRecorder(store).record(run)
        }
        return run
    } catch {
        reportIssue("accuracy of \(model.name) could not be measured on the board: \(error)",
                    fileID: fileID, filePath: filePath, line: line, column: column)
        return nil
    }
}
