import Bench
import Foundation
import Testing

/// The bench a Swift Testing suite or test runs on, provided by the `.hilBench` trait:
/// ```swift
/// @Suite(.hilBench, .serialized)          // one bench for the suite, closed when it ends; one test at a time
/// struct PrunedLeNetBudgets {
///     @Test(.tags(.budget)) func channelPruningSavesEnergy() async throws {
///         await assertBudget(pruned, .energy(atMost: 0.6, of: baseline))   // on HILBench.current
///     }
/// }
/// ```
/// Which bench: the trait's configuration, else the one the environment names (`TINYHIL_BENCH=bench.yml`, or
/// `TINYHIL_PORT` with optional `TINYHIL_METER`), else the virtual bench. Requested hardware that cannot be opened
/// cancels the tests it scopes (Swift Testing's skip) with the reason; a virtual bench that cannot be opened fails.
/// Measurements on one bench must not overlap: mark the suite `.serialized`.
public enum HILBench {
    /// The bench of the enclosing `.hilBench` scope (nil outside one).
    @TaskLocal public static var current: Bench?
    /// Where the enclosing `.hilBench` scope records results (nil: not recorded).
    @TaskLocal public static var currentStore: ResultStore?
}

/// Provides a bench (`HILBench.current`) to a suite or test for its duration, opened with `Bench.with`, so it is
/// closed however the tests end.
public struct HILBenchTrait: SuiteTrait, TestTrait, TestScoping {
    /// nil: the environment's bench, else the virtual one.
    public var configuration: BenchConfiguration?
    /// Record results in the store named by `$TINYHIL_STORE` (default `.tinyhil/results.sqlite`).
    public var recordsResults: Bool

    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        if HILBench.current != nil { return try await function() }  // an outer scope already provides one
        let requested = try configuration ?? BenchConfiguration.fromEnvironment()
        let store = recordsResults ? try ResultStore() : nil
        var opened = false
        do {
            try await Bench.with(requested ?? .virtual()) { bench in
                opened = true
                try await HILBench.$current.withValue(bench) {
                    try await HILBench.$currentStore.withValue(store) { try await function() }
                }
            }
        } catch {
            if !opened, let requested {
                try Test.cancel("hardware bench \(requested.board) was requested but cannot be opened: \(error)")
            }
            throw error
        }
    }
}

extension Trait where Self == HILBenchTrait {
    /// The environment's bench (`TINYHIL_BENCH`, `TINYHIL_PORT`), else the virtual one; results are not recorded.
    public static var hilBench: Self { HILBenchTrait(configuration: nil, recordsResults: false) }

    /// A given bench; `recordingResults` records in the default result store.
    public static func hilBench(_ configuration: BenchConfiguration? = nil, recordingResults: Bool = false) -> Self {
        HILBenchTrait(configuration: configuration, recordsResults: recordingResults)
    }
}

extension Tag {
    /// Tests that check a budget on a board (select them with `swift test --filter`/tags, or skip them where no
    /// bench is wanted).
    @Tag public static var budget: Self
}
