import Foundation
import IssueReporting

/// Collects the issues code under test reports through IssueReporting (`reportIssue`) instead of failing the test,
/// so a test can check that an assertion *does* fail, and with what message:
/// ```swift
/// let issues = await IssueCollector.collect { await assertBudget(model, .latency(atMost: .microseconds(1))) }
/// XCTAssertEqual(issues.count, 1)
/// ```
public final class IssueCollector: IssueReporter, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []

    public init() {}

    /// The messages reported so far.
    public var messages: [String] { lock.withLock { collected } }

    public func reportIssue(
        _ message: @autoclosure () -> String?, severity: IssueSeverity,
        fileID: StaticString, filePath: StaticString, line: UInt, column: UInt
    ) {
        let text = message() ?? "(no message)"
        lock.withLock { collected.append(text) }
    }

    /// Runs `operation` with this collector as the only issue reporter; returns the messages it reported.
    public static func collect<Result>(_ operation: () async throws -> Result) async rethrows -> [String] {
        let collector = IssueCollector()
        _ = try await withIssueReporters([collector]) { try await operation() }
        return collector.messages
    }

    /// Synchronous form of `collect(_:)`.
    public static func collect<Result>(_ operation: () throws -> Result) rethrows -> [String] {
        let collector = IssueCollector()
        _ = try withIssueReporters([collector]) { try operation() }
        return collector.messages
    }
}
