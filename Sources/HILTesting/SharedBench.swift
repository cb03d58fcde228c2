import Bench
import Foundation
import XCTest

/// The bench every test in a process shares: opened on first use, closed when the test bundle finishes.
///
/// Which bench: the one the environment names (`TINYHIL_BENCH=bench.yml`, or `TINYHIL_PORT` with optional
/// `TINYHIL_METER`), otherwise the virtual bench (the firmware under QEMU with the simulated Pico meter).
/// When hardware was named but cannot be opened, tests are *skipped* with the reason; when the virtual bench cannot
/// be opened, that is a failure (CI must never pass silently).
public enum SharedBench {
    /// The shared bench. Throws `XCTSkip` only when requested hardware is absent.
    public static func get() async throws -> Bench {
        try await holder.bench()
    }

    /// Which bench the environment asks for (nil = virtual).
    public static func requestedConfiguration() throws -> BenchConfiguration? {
        try BenchConfiguration.fromEnvironment()
    }

    private static let holder = Holder()

    actor Holder {
        private var opening: Task<Bench, any Error>?

        func bench() async throws -> Bench {
            if let opening { return try await opening.value }
            let task = Task<Bench, any Error> {
                let requested = try BenchConfiguration.fromEnvironment()
                do {
                    let bench = try await Bench.open(requested ?? .virtual())
                    BenchCloser.register(bench)
                    return bench
                } catch {
                    if let requested {
                        throw XCTSkip("hardware bench \(requested.board) was requested but cannot be opened: \(error)")
                    }
                    throw error
                }
            }
            opening = task
            return try await task.value
        }
    }
}

/// Closes the shared bench (and so stops QEMU) when the XCTest bundle finishes.
final class BenchCloser: NSObject, XCTestObservation, @unchecked Sendable {
    private let bench: Bench

    private init(bench: Bench) { self.bench = bench }

    static func register(_ bench: Bench) {
        let closer = BenchCloser(bench: bench)
        XCTestObservationCenter.shared.addTestObserver(closer)
    }

    func testBundleDidFinish(_ testBundle: Bundle) {
        closeNow()
    }

    func closeNow() {
        let semaphore = DispatchSemaphore(value: 0)
        let bench = self.bench
        Task.detached {
            await bench.close()
            semaphore.signal()
        }
        _ = semaphore.wait(timeout: .now() + 10)
    }
}
