import Bench

// The accuracy assertions of TinyHIL 0.1, kept as thin wrappers over `assertBudget` (same checks, same messages):
// prefer `assertBudget(model, .accuracy(atLeast:on:))`, `.accuracyDrop(atMostPoints:from:on:)`,
// `.agreesWithHostEngine(atLeast:on:)`.

/// `assertBudget(model, .accuracy(atLeast: minimum, on: data), on: bench)`.
@discardableResult
public func assertAccuracy(
    of model: ModelUnderTest, atLeast minimum: Double, on data: LabelledInputs, bench: Bench,
    recordingIn store: ResultStore? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async -> AccuracyRun? {
    await assertBudget(model, .accuracy(atLeast: minimum, on: data), on: bench, recordingIn: store,
                       fileID: fileID, filePath: filePath, line: line, column: column)?.accuracy
}

/// `assertBudget(candidate, .accuracyDrop(atMostPoints: points, from: baseline, on: data), on: bench)`.
@discardableResult
public func assertAccuracyDrop(
    of candidate: ModelUnderTest, comparedTo baseline: ModelUnderTest, atMostPoints points: Double,
    on data: LabelledInputs, bench: Bench, recordingIn store: ResultStore? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async -> (baseline: AccuracyRun, candidate: AccuracyRun)? {
    let outcome = await assertBudget(candidate, .accuracyDrop(atMostPoints: points, from: baseline, on: data), on: bench,
                                     recordingIn: store, fileID: fileID, filePath: filePath, line: line, column: column)
    guard let base = outcome?.baselineAccuracy, let run = outcome?.accuracy else { return nil }
    return (base, run)
}

/// `assertBudget(model, .agreesWithHostEngine(atLeast: minimum, on: data), on: bench)`.
@discardableResult
public func assertAgreement(
    of model: ModelUnderTest, withHostEngineAtLeast minimum: Double = 1, on data: LabelledInputs, bench: Bench,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async -> AccuracyRun? {
    await assertBudget(model, .agreesWithHostEngine(atLeast: minimum, on: data), on: bench,
                       fileID: fileID, filePath: filePath, line: line, column: column)?.accuracy
}
