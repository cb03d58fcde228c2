import Foundation
import Testing
import TFLite
import TinyHILTestSupport
import Footprint

/// Prints how long a footprint takes (the genetic pruner computes thousands). Not a pass/fail test:
/// run with `TINYHIL_BENCHMARKS=1 swift test --filter FootprintBenchmark` (use `-c release` for real figures).
@Suite struct FootprintBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TINYHIL_BENCHMARKS"] == "1"))
    func footprintsPerSecond() throws {
        for name in ["lenet_int8", "resnet_int8", "dscnn_int8"] {
            guard FileManager.default.fileExists(atPath: Fixtures.model(name).path) else { continue }
            let model = try Model(contentsOf: Fixtures.model(name))
            let rounds = 2_000
            let start = ContinuousClock.now
            var sink = 0
            for _ in 0..<rounds { sink &+= try ModelFootprint(model: model).arenaHeadBytes }
            let elapsed = ContinuousClock.now - start
            let perCall = elapsed / rounds
            print("footprint \(name): \(perCall) per model (\(rounds) rounds, checksum \(sink))")
        }
    }
}
