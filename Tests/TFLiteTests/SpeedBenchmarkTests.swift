import Foundation
import TinyHILTestSupport
import XCTest

import TFLite

/// Prints how long reading and writing the LeNet takes (a benchmark, not a pass/fail timing).
/// Run optimized for meaningful numbers: `swift test -c release --filter SpeedBenchmarkTests`.
final class SpeedBenchmarkTests: XCTestCase {
    func testPrintReadAndWriteTimes() throws {
        let bytes = try Fixtures.modelBytes("lenet_int8")
        let repetitions = 50
        let clock = ContinuousClock()
        var model = try Model(bytes: bytes)
        let readTime = try clock.measure {
            for _ in 0..<repetitions { model = try Model(bytes: bytes) }
        }
        var written: [UInt8] = []
        let writeTime = try clock.measure {
            for _ in 0..<repetitions { written = try model.serialized() }
        }
        XCTAssertFalse(written.isEmpty)
        func microseconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
        }
        print(String(format: "benchmark lenet_int8 (%d bytes): read+validate %.1f µs, write %.1f µs (mean of %d)",
                     bytes.count, microseconds(readTime) / Double(repetitions), microseconds(writeTime) / Double(repetitions), repetitions))
    }
}
