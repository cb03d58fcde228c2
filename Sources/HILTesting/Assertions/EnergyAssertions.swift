import Bench
import PowerMeter

// The energy and latency assertions of TinyHIL 0.1, kept as thin wrappers over `assertBudget` (same checks, same
// messages): prefer `assertBudget(model, .energy(atMost:of:))`, `.energy(atMost: Joules)`, `.energyUnchanged(…)`,
// `.latency(atMost: Duration)`.

/// `assertBudget(candidate, .energy(atMost: factor, of: baseline, rule:, pairs:), on: bench)`.
@discardableResult
public func assertEnergy(
    of candidate: ModelUnderTest, atMost factor: Double, times baseline: ModelUnderTest,
    rule: DecisionRule = .upperBoundAtMost, on bench: Bench, pairs: Int = 10, inferencesPerWindow: Int = 5,
    recordingIn store: ResultStore? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async -> Comparison? {
    await assertBudget(candidate, ModelBudget.energy(atMost: factor, of: baseline, rule: rule, pairs: pairs)
        .inferencesPerWindow(inferencesPerWindow), on: bench, recordingIn: store,
        fileID: fileID, filePath: filePath, line: line, column: column)?.comparison
}

/// `assertBudget(model, .energy(atMost: .microjoules(microjoules)), on: bench)`.
@discardableResult
public func assertEnergyPerInference(
    of model: ModelUnderTest, atMostMicrojoules microjoules: Double, rule: DecisionRule = .upperBoundAtMost,
    on bench: Bench, windows: Int = 10, inferencesPerWindow: Int = 5, recordingIn store: ResultStore? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async -> BoardMeasurement? {
    await assertBudget(model, ModelBudget.energy(atMost: .microjoules(microjoules), rule: rule, windows: windows)
        .inferencesPerWindow(inferencesPerWindow), on: bench, recordingIn: store,
        fileID: fileID, filePath: filePath, line: line, column: column)?.measurement
}

/// `assertBudget(model, .latency(atMost: .microseconds(microseconds)), on: bench)`.
@discardableResult
public func assertLatency(
    of model: ModelUnderTest, atMostMicroseconds microseconds: Double, rule: DecisionRule = .upperBoundAtMost,
    on bench: Bench, windows: Int = 10, inferencesPerWindow: Int = 5, recordingIn store: ResultStore? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async -> BoardMeasurement? {
    await assertBudget(model, ModelBudget.latency(atMost: .nanoseconds(Int64((microseconds * 1000).rounded())), rule: rule, windows: windows)
        .inferencesPerWindow(inferencesPerWindow), on: bench, recordingIn: store,
        fileID: fileID, filePath: filePath, line: line, column: column)?.measurement
}

/// `assertBudget(candidate, .energyUnchanged(comparedTo: baseline, within:), on: bench)`.
@discardableResult
public func assertEnergyUnchanged(
    of candidate: ModelUnderTest, comparedTo baseline: ModelUnderTest, within relativeTolerance: Double = 0.03,
    on bench: Bench, pairs: Int = 10, inferencesPerWindow: Int = 5, recordingIn store: ResultStore? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async -> Comparison? {
    await assertBudget(candidate, ModelBudget.energyUnchanged(comparedTo: baseline, within: relativeTolerance, pairs: pairs)
        .inferencesPerWindow(inferencesPerWindow), on: bench, recordingIn: store,
        fileID: fileID, filePath: filePath, line: line, column: column)?.comparison
}
