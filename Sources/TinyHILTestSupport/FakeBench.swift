import Bench
import PowerMeter

/// Bench scoping for tests without QEMU: a `Bench` over an `InProcessBoard` (the `FakeBoard` firmware stand-in)
/// and a `SimulatedMeter` watching it, closed however the body ends.
/// ```swift
/// try await FakeBench.with { bench, firmware in
///     let measurement = try await bench.measure(model, windows: 5)
/// }
/// ```
public enum FakeBench {
    public static func with<Result: Sendable>(
        _ options: FakeBoard.Options = .init(), meter: SimulatedMeter.Configuration = .init(),
        _ body: (Bench, FakeBoard) async throws -> Result
    ) async throws -> Result {
        let board = try await InProcessBoard.start(options)
        let simulated = SimulatedMeter(configuration: meter)
        await simulated.watch(board.device)
        return try await Bench.with(board: board, meter: simulated) { bench in try await body(bench, board.firmware) }
    }
}
