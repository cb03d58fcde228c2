import Bench
import Footprint
import IssueReporting
import PowerMeter
import TFLite

/// Fails (at the caller's line, in Swift Testing and XCTest alike) unless `model` meets `budget` on `bench`.
///
/// `bench` defaults to the bench of the enclosing `.hilBench` trait (`HILBench.current`); `.fits` needs none.
/// Results are recorded in `store` (default: the trait's store, if any) by the recording policy (`ResultRecorder`),
/// every checked budget is logged for the gate summary (`BudgetLog`), and a failure message carries the evidence:
/// medians, intervals, windows, firmware build, board, meter and the raw trace's path.
/// Returns what was measured (nil when the measurement itself failed, which is also reported).
@discardableResult
public func assertBudget(
    _ model: ModelUnderTest, _ budget: ModelBudget, on bench: Bench? = nil, recordingIn store: ResultStore? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async -> BudgetOutcome? {
    let location = Evidence.Location(fileID: fileID, filePath: filePath, line: line, column: column)
    if case let .fits(board) = budget.kind { return BudgetCheck.fits(model, on: board, at: location) }
    guard let bench = bench ?? HILBench.current else {
        location.report("no bench for the \(model.name) budget: pass `on: bench`, or run the test under the `.hilBench` trait (@Suite(.hilBench))")
        return nil
    }
    let check = BudgetCheck(bench: bench, recorder: ResultRecorder(store ?? HILBench.currentStore),
                            perWindow: budget.inferencesPerWindow, location: location)
    return await check.run(model, budget.kind)
}

/// Checks one budget: measures, writes the evidence, reports a failure.
struct BudgetCheck {
    let bench: Bench
    let recorder: ResultRecorder
    let perWindow: Int
    let location: Evidence.Location

    func run(_ model: ModelUnderTest, _ kind: ModelBudget.Kind) async -> BudgetOutcome? {
        switch kind {
        case let .energyRatio(factor, baseline, rule, pairs):
            guard let comparison = await compare(model, with: baseline, pairs: pairs) else { return nil }
            let ratio = comparison.energyRatio
            let passed = Budget(limit: Ratio(factor), rule: rule).evaluate(ratio).passed
            Evidence.check(BudgetEvidence(
                check: "energy ratio", subject: "\(model.name) / \(baseline.name)", measured: Evidence.describe(ratio: ratio),
                budget: "≤ \(Evidence.format(factor)) (\(rule.rawValue))", passed: passed,
                failure: Evidence.describe(comparison, budget: factor, rule: rule)), at: location)
            return BudgetOutcome(passed: passed, comparison: comparison)
        case let .energyUnchanged(baseline, tolerance, pairs):
            guard let comparison = await compare(model, with: baseline, pairs: pairs) else { return nil }
            let ratio = comparison.energyRatio
            let passed = ratio.lower.value >= 1 - tolerance && ratio.upper.value <= 1 + tolerance
            Evidence.check(BudgetEvidence(
                check: "energy unchanged", subject: "\(model.name) / \(baseline.name)", measured: Evidence.describe(ratio: ratio),
                budget: "within 1 ± \(Evidence.format(tolerance))", passed: passed,
                failure: "energy changed: \(model.name) / \(baseline.name) = \(Evidence.describe(ratio: ratio)), expected within 1 ± \(Evidence.format(tolerance)). \(Evidence.describe(comparison.candidate))"),
                at: location)
            return BudgetOutcome(passed: passed, comparison: comparison)
        case let .energyPerInference(limit, rule, windows):
            return await perInference(
                model, windows: windows, check: "energy per inference", estimate: \.energyPerInference, limit: limit,
                rule: rule, budget: "≤ \(Evidence.format(limit.microjoules)) µJ", describe: Evidence.describe(microjoules:),
                failure: { "energy budget broken: \(model.name) needs \($0) per inference" })
        case let .latency(limit, rule, windows):
            return await perInference(
                model, windows: windows, check: "latency", estimate: \.latencyPerInference, limit: limit, rule: rule,
                budget: "≤ \(Evidence.format(limit.value * 1e6)) µs", describe: Evidence.describe(microseconds:),
                failure: { "latency budget broken: \(model.name) takes \($0) per inference" })
        case let .accuracy(minimum, data):
            guard let run = await accuracy(model, on: data) else { return nil }
            let passed = run.accuracy >= minimum
            Evidence.check(BudgetEvidence(
                check: "accuracy on the board", subject: model.name, measured: "\(Evidence.percent(run.accuracy)) of \(run.samples)",
                budget: "≥ \(Evidence.percent(minimum))", passed: passed,
                failure: "accuracy budget broken: \(model.name) scores \(Evidence.percent(run.accuracy)) on the board over \(run.samples) inputs of \(data.name), budget ≥ \(Evidence.percent(minimum)); \(Evidence.provenance(run.provenance))"),
                at: location)
            return BudgetOutcome(passed: passed, accuracy: run)
        case let .accuracyDrop(points, baseline, data):
            guard let base = await accuracy(baseline, on: data), let run = await accuracy(model, on: data) else { return nil }
            let drop = (base.accuracy - run.accuracy) * 100
            let passed = drop <= points
            Evidence.check(BudgetEvidence(
                check: "accuracy drop", subject: "\(model.name) vs \(baseline.name)",
                measured: "\(Evidence.format(drop)) points (\(Evidence.percent(run.accuracy)) vs \(Evidence.percent(base.accuracy)), \(run.samples) inputs)",
                budget: "≤ \(Evidence.format(points)) points", passed: passed,
                failure: "accuracy-drop budget broken: \(model.name) scores \(Evidence.percent(run.accuracy)) vs \(baseline.name) \(Evidence.percent(base.accuracy)) on the board (\(data.name), \(run.samples) inputs): a drop of \(Evidence.format(drop)) points, budget ≤ \(Evidence.format(points)) points; \(Evidence.provenance(run.provenance))"),
                at: location)
            return BudgetOutcome(passed: passed, accuracy: run, baselineAccuracy: base)
        case let .hostAgreement(minimum, data):
            guard let run = await accuracy(model, on: data, record: false) else { return nil }
            let passed = run.hostAgreement >= minimum
            Evidence.check(BudgetEvidence(
                check: "board = host engine", subject: model.name, measured: "\(run.agreeingWithHost)/\(run.samples) identical",
                budget: "≥ \(Evidence.percent(minimum))", passed: passed,
                failure: "board and host disagree: \(model.name) gave identical outputs for \(run.agreeingWithHost) of \(run.samples) inputs (\(Evidence.percent(run.hostAgreement))), budget ≥ \(Evidence.percent(minimum)); first differing inputs: \(run.firstDisagreements); \(Evidence.provenance(run.provenance))"),
                at: location)
            return BudgetOutcome(passed: passed, accuracy: run)
        case let .fits(board):
            return Self.fits(model, on: board, at: location)
        }
    }

    /// An absolute per-inference budget (energy or latency) on one model's measurement.
    private func perInference<Value: Quantity>(
        _ model: ModelUnderTest, windows: Int, check: String, estimate: KeyPath<BoardMeasurement, Estimate<Value>>,
        limit: Value, rule: DecisionRule, budget: String, describe: (Estimate<Value>) -> String,
        failure: (String) -> String
    ) async -> BudgetOutcome? {
        guard let measurement = await measure(model, windows: windows) else { return nil }
        let passed = Budget(limit: limit, rule: rule).evaluate(measurement[keyPath: estimate]).passed
        let measured = describe(measurement[keyPath: estimate])
        let budget = "\(budget) (\(rule.rawValue))"
        Evidence.check(BudgetEvidence(
            check: check, subject: model.name, measured: measured, budget: budget, passed: passed,
            failure: "\(failure(measured)), budget \(budget). \(Evidence.describe(measurement))"), at: location)
        return BudgetOutcome(passed: passed, measurement: measurement)
    }

    static func fits(_ model: ModelUnderTest, on board: BoardLimits, at location: Evidence.Location) -> BudgetOutcome? {
        let footprint: ModelFootprint
        do {
            footprint = try ModelFootprint(model: try Model(bytes: model.bytes), fileBytes: model.bytes.count)
        } catch {
            location.report("footprint of \(model.name) could not be computed: \(error)")
            return nil
        }
        let ramAvailable = board.ramBytes - board.firmwareRAMBytes
        let flashAvailable = board.flashBytes - board.firmwareFlashBytes
        var problems: [String] = []
        if footprint.arenaTotalBytes > ramAvailable {
            problems.append("RAM: arena \(footprint.arenaTotalBytes) B (head \(footprint.arenaHeadBytes) B exact + persistent ≈ \(footprint.persistentEstimate.totalBytes) B) > \(ramAvailable) B available (\(board.ramBytes) B − \(board.firmwareRAMBytes) B firmware)")
        }
        if footprint.flashBytes > flashAvailable {
            problems.append("flash: model \(footprint.flashBytes) B > \(flashAvailable) B available (\(board.flashBytes) B − \(board.firmwareFlashBytes) B firmware)")
        }
        Evidence.check(BudgetEvidence(
            check: "fits \(board.name)", subject: model.name,
            measured: "arena \(footprint.arenaTotalBytes) B, model \(footprint.flashBytes) B",
            budget: "RAM ≤ \(ramAvailable) B, flash ≤ \(flashAvailable) B", passed: problems.isEmpty,
            failure: "\(model.name) does not fit \(board.name): " + problems.joined(separator: "; ")), at: location)
        return BudgetOutcome(passed: problems.isEmpty, footprint: footprint)
    }

    // MARK: - Measuring (a failure to measure is reported and gives nil)

    private func compare(_ candidate: ModelUnderTest, with baseline: ModelUnderTest, pairs: Int) async -> Comparison? {
        do {
            let comparison = try await bench.compare(
                baseline: baseline, candidate: candidate, pairs: pairs, inferencesPerWindow: perWindow,
                traceDirectory: Evidence.traceDirectory)
            Evidence.record(location: location) { try recorder.record(comparison) }
            return comparison
        } catch {
            location.report("energy of \(candidate.name) vs \(baseline.name) could not be measured: \(error)")
            return nil
        }
    }

    private func measure(_ model: ModelUnderTest, windows: Int) async -> BoardMeasurement? {
        do {
            let measurement = try await bench.measure(
                model, windows: windows, inferencesPerWindow: perWindow, traceDirectory: Evidence.traceDirectory)
            Evidence.record(location: location) { try recorder.record(measurement) }
            return measurement
        } catch {
            location.report("\(model.name) could not be measured: \(error)")
            return nil
        }
    }

    private func accuracy(_ model: ModelUnderTest, on data: LabelledInputs, record: Bool = true) async -> AccuracyRun? {
        do {
            let run = try await bench.accuracy(model, inputs: data.inputs, labels: data.labels)
            if record { Evidence.record(location: location) { try recorder.record(run) } }
            return run
        } catch {
            location.report("accuracy of \(model.name) could not be measured on the board: \(error)")
            return nil
        }
    }
}
