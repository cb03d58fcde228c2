import Foundation
import TinyHILTestSupport
import XCTest
@testable import Bench

final class BudgetLogTests: XCTestCase {
    private func record(_ passed: Bool) -> BudgetRecord {
        BudgetRecord(check: "energy ratio", subject: "a / b", measured: "0.7 (CI 0.68–0.72)", budget: "≤ 0.6",
                     passed: passed, location: "X.swift:3")
    }

    private func temporaryLog() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("budgets-\(UUID().uuidString).jsonl").path
    }

    func testRecordsAppendAndReadBack() throws {
        let path = temporaryLog()
        BudgetLog.append(record(true), to: path)
        BudgetLog.append(record(false), to: path)
        withoutBudgetLog { BudgetLog.append(record(false), to: path) }  // not a project budget: not logged
        XCTAssertEqual(try BudgetLog.read(path), [record(true), record(false)])
    }

    func testMarkdownHasOneRowPerBudgetAndCountsFailures() {
        let markdown = BudgetLog.markdown([record(true), record(false)])
        XCTAssertTrue(markdown.contains("1 passed, 1 failed"), markdown)
        XCTAssertEqual(markdown.components(separatedBy: "\n").filter { $0.hasPrefix("| ✅") || $0.hasPrefix("| ❌") }.count, 2)
    }

    /// The gate's exit status: `tinyhil budgets --fail-on-broken` exits non-zero exactly when a budget failed.
    func testBudgetsCommandFailsOnABrokenBudget() throws {
        let binary = try XCTUnwrap(
            [Bundle.main.bundleURL, Bundle(for: Self.self).bundleURL.deletingLastPathComponent()]
                .map { $0.appendingPathComponent("tinyhil") }
                .first { FileManager.default.isExecutableFile(atPath: $0.path) },
            "tinyhil executable not found next to the tests; build the package first")
        func exitStatus(_ records: [BudgetRecord]) throws -> Int32 {
            let path = temporaryLog()
            for r in records { BudgetLog.append(r, to: path) }
            let process = Process()
            process.executableURL = binary
            process.arguments = ["budgets", path, "-o", path + ".md", "--fail-on-broken"]
            try process.run()
            process.waitForExit()
            return process.terminationStatus
        }
        XCTAssertEqual(try exitStatus([record(true), record(true)]), 0)
        XCTAssertNotEqual(try exitStatus([record(true), record(false)]), 0)
    }
}
