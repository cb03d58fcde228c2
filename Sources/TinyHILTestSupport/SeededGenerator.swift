// The package's one seeded generator (SplitMix64, `SeededGenerator` of the PowerMeter module), re-exported for tests
// that must reproduce from their seed.
@_exported import struct PowerMeter.SeededGenerator

extension SeededGenerator {
    /// Random bytes; `zeroBias` in 0...1 makes zeros more frequent (COBS edge cases).
    public mutating func bytes(count: Int, zeroBias: Double = 0) -> [UInt8] {
        (0..<count).map { _ in Double.random(in: 0..<1, using: &self) < zeroBias ? 0 : UInt8.random(in: 0...255, using: &self) }
    }
}
