import Bench
import Foundation
import IssueReporting
import PowerMeter

/// What a failure message shows and where raw evidence goes.
enum Evidence {
    /// Where raw traces are saved: `$TINYHIL_TRACES`, else `.tinyhil/traces` under the current directory.
    static var traceDirectory: URL {
        if let explicit = ProcessInfo.processInfo.environment["TINYHIL_TRACES"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit, isDirectory: true)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            .appendingPathComponent(".tinyhil/traces", isDirectory: true)
    }

    /// Where an assertion was called: failures are reported there.
    struct Location: Sendable {
        var fileID: StaticString
        var filePath: StaticString
        var line: UInt
        var column: UInt

        func report(_ message: String) {
            reportIssue(message, fileID: fileID, filePath: filePath, line: line, column: column)
        }
    }

    /// Stores results by the recording policy (`ResultRecorder`); a store that cannot be written is reported.
    static func record(location: Location, _ write: () throws -> Void) {
        do { try write() } catch { location.report("result could not be recorded: \(error)") }
    }

    /// Logs a checked budget (`BudgetLog`) and reports its failure message when it did not pass: the one place a
    /// budget's outcome is written down.
    static func check(_ evidence: BudgetEvidence, at location: Location) {
        BudgetLog.append(BudgetRecord(check: evidence.check, subject: evidence.subject, measured: evidence.measured,
                                      budget: evidence.budget, passed: evidence.passed,
                                      location: "\(location.fileID):\(location.line)"))
        if !evidence.passed { location.report(evidence.failure) }
    }

    static func describe(_ comparison: Comparison, budget: Double, rule: DecisionRule) -> String {
        let ratio = comparison.energyRatio
        return """
        energy budget broken: \(comparison.candidate.model) uses \(format(ratio.median.value))× the energy of \
        \(comparison.baseline.model) (\(Int(ratio.confidenceLevel * 100)) % CI \(format(ratio.lower.value))–\(format(ratio.upper.value))), \
        budget ≤ \(format(budget))× (rule: \(rule.rawValue)).
          baseline  \(comparison.baseline.model): \(describe(microjoules: comparison.baseline.energyPerInference))
          candidate \(comparison.candidate.model): \(describe(microjoules: comparison.candidate.energyPerInference))
          \(comparison.pairs) interleaved window pairs of \(comparison.candidate.inferencesPerWindow) inferences; \
        \(provenance(comparison.candidate.provenance))\(trace(comparison.candidate.tracePath))
        """
    }

    static func describe(ratio: Estimate<Ratio>) -> String {
        "\(format(ratio.median.value)) (CI \(format(ratio.lower.value))–\(format(ratio.upper.value)))"
    }

    static func describe(_ measurement: BoardMeasurement) -> String {
        "\(measurement.windows) windows of \(measurement.inferencesPerWindow) inferences; \(provenance(measurement.provenance))\(trace(measurement.tracePath))"
    }

    static func describe(microjoules estimate: Estimate<Joules>) -> String {
        "median \(format(estimate.median.microjoules)) µJ (CI \(format(estimate.lower.microjoules))–\(format(estimate.upper.microjoules)))"
    }

    static func describe(microseconds estimate: Estimate<Seconds>) -> String {
        "median \(format(estimate.median.value * 1e6)) µs (CI \(format(estimate.lower.value * 1e6))–\(format(estimate.upper.value * 1e6)))"
    }

    static func provenance(_ provenance: Provenance) -> String {
        "firmware \(provenance.firmwareVersion) (build \(provenance.firmwareBuildID)) on \(provenance.boardID), meter \(provenance.meterID)"
    }

    static func trace(_ path: String?) -> String {
        path.map { "; raw trace: \($0)" } ?? ""
    }

    static func format(_ value: Double) -> String {
        String(format: abs(value) >= 100 ? "%.1f" : "%.3g", value)
    }
}

extension Evidence {
    static func percent(_ fraction: Double) -> String { String(format: "%.2f %%", fraction * 100) }
}


/// One checked budget: what was checked on what, what was measured, the limit, and the failure message.
struct BudgetEvidence: Sendable {
    var check: String
    var subject: String
    var measured: String
    var budget: String
    var passed: Bool
    var failure: String
}
