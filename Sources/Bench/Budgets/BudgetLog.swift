import Foundation

/// One budget a test checked: what was measured against what limit, and the verdict. The HIL assertions append one
/// per check to the file named by `$TINYHIL_BUDGET_LOG` (JSON lines) so a gate script can summarise a run.
public struct BudgetRecord: Codable, Sendable, Equatable {
    public var check: String
    public var subject: String
    public var measured: String
    public var budget: String
    public var passed: Bool
    public var location: String

    public init(check: String, subject: String, measured: String, budget: String, passed: Bool, location: String) {
        self.check = check
        self.subject = subject
        self.measured = measured
        self.budget = budget
        self.passed = passed
        self.location = location
    }
}

public enum BudgetLog {
    /// False inside `withoutBudgetLog`: checks made there (e.g. tests proving that an assertion fails) are not budgets
    /// of the project and must not appear in a gate's summary.
    @TaskLocal public static var isRecording = true

    /// The log file, when a gate asked for one.
    public static var path: String? {
        ProcessInfo.processInfo.environment["TINYHIL_BUDGET_LOG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Appends `record` as one JSON line (O_APPEND: safe across test processes).
    public static func append(_ record: BudgetRecord, to path: String? = BudgetLog.path) {
        guard isRecording, let path, let data = try? JSONEncoder().encode(record) else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let line = data + Data("\n".utf8)
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Reads every record of a log.
    public static func read(_ path: String) throws -> [BudgetRecord] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n").map { try decoder.decode(BudgetRecord.self, from: Data($0.utf8)) }
    }

    /// A Markdown table, one row per budget.
    public static func markdown(_ records: [BudgetRecord]) -> String {
        let failed = records.filter { !$0.passed }.count
        var lines = [
            "## TinyHIL budgets: \(records.count - failed) passed, \(failed) failed",
            "",
            "| verdict | check | subject | measured | budget | where |",
            "|---|---|---|---|---|---|",
        ]
        for r in records {
            let cells = [r.passed ? "✅ pass" : "❌ FAIL", r.check, r.subject, r.measured, r.budget, "`\(r.location)`"]
            lines.append("| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Runs `body` without logging its budget checks (see `BudgetLog.isRecording`).
public func withoutBudgetLog<T>(_ body: () async throws -> T) async rethrows -> T {
    try await BudgetLog.$isRecording.withValue(false, operation: body)
}

/// Synchronous form of `withoutBudgetLog`.
public func withoutBudgetLog<T>(_ body: () throws -> T) rethrows -> T {
    try BudgetLog.$isRecording.withValue(false, operation: body)
}
