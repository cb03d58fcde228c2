import PowerMeter
import XCTest

final class PPK2StreamDecoderTests: XCTestCase {
    let calibration = PPK2Calibration.uncalibrated
    let supply = Volts(3.3)

    private func words(_ count: Int, adc: Int = 5000, range: Int = 1, logic: UInt8 = 0, firstCounter: Int = 0) -> [UInt8] {
        (0..<count).flatMap { PPK2SampleWord(adc: adc, range: range, counter: firstCounter + $0, logic: logic).bytes }
    }

    func testWordLayout() {
        // ADC 0x1234, range 3, counter 0x2A, logic 0xA5:
        // 0x1234 | 3 << 14 | 0x2A << 18 | 0xA5 << 24 = 0xA5A8D234 → little-endian 34 D2 A8 A5.
        let word = PPK2SampleWord(adc: 0x1234, range: 3, counter: 0x2A, logic: 0xA5)
        XCTAssertEqual(word.raw, 0xA5A8_D234)
        XCTAssertEqual(word.bytes, [0x34, 0xD2, 0xA8, 0xA5])
        XCTAssertEqual(PPK2SampleWord(raw: 0xA5A8_D234).adc, 0x1234)
        XCTAssertEqual(PPK2SampleWord(raw: 0xA5A8_D234).range, 3)
        XCTAssertEqual(PPK2SampleWord(raw: 0xA5A8_D234).counter, 0x2A)
        XCTAssertEqual(PPK2SampleWord(raw: 0xA5A8_D234).logic, 0xA5)
    }

    func testSplitReadsDecodeLikeWholeReads() {
        let bytes = words(100, logic: 0b100) + words(100, adc: 9000, range: 2, firstCounter: 100)
        var whole = PPK2StreamDecoder(calibration: calibration, supply: supply, markerPin: 2)
        whole.feed(bytes)
        var split = PPK2StreamDecoder(calibration: calibration, supply: supply, markerPin: 2)
        var offset = 0, size = 1
        while offset < bytes.count {
            let end = min(bytes.count, offset + size)
            split.feed(Array(bytes[offset..<end]))
            offset = end
            size = size % 7 + 1  // 1, 2, …, 7, 1, …: most reads end mid-word
        }
        XCTAssertEqual(split.currentsAmperes, whole.currentsAmperes)
        XCTAssertEqual(split.markers, whole.markers)
        XCTAssertEqual(split.currentsAmperes.count, 200)
        XCTAssertEqual(split.pendingByteCount, 0)
        XCTAssertEqual(split.markers.prefix(100).allSatisfy { $0 }, true)
        XCTAssertEqual(split.markers.suffix(100).allSatisfy { !$0 }, true)
    }

    func testCounterJumpInsertsLostSamples() {
        var decoder = PPK2StreamDecoder(calibration: calibration, supply: supply, markerPin: 0, spikeFilter: nil)
        decoder.feed(words(10))                              // counters 0…9
        decoder.feed(words(5, firstCounter: 23))             // 10…22 missing: 13 samples
        decoder.feed(words(3, firstCounter: 62))             // 28…61 missing: 34; then 62, 63, 0 (wraps)
        decoder.feed(words(2, firstCounter: 1))              // 1, 2: continues after the wrap
        XCTAssertEqual(decoder.lostSampleRanges, [10..<23, 28..<62])
        XCTAssertEqual(decoder.lostSampleCount, 47)
        XCTAssertEqual(decoder.currentsAmperes.count, 10 + 13 + 5 + 34 + 3 + 2)
        XCTAssertTrue(decoder.currentsAmperes[10].isNaN)
        XCTAssertFalse(decoder.currentsAmperes[23].isNaN)
    }

    func testImpossibleRangeCountsAsLost() {
        var decoder = PPK2StreamDecoder(calibration: calibration, supply: supply, markerPin: 0, spikeFilter: nil)
        decoder.feed(words(3) + PPK2SampleWord(adc: 1, range: 6, counter: 3, logic: 0).bytes + words(2, firstCounter: 4))
        XCTAssertEqual(decoder.corruptedWords, 1)
        XCTAssertEqual(decoder.lostSampleRanges, [3..<4])
        XCTAssertEqual(decoder.currentsAmperes.count, 6)
    }

    func testSpikeFilterAfterRangeSwitchMatchesHandCalculation() {
        let filter = PPK2SpikeFilter()
        var state = PPK2SpikeFilter.State()
        let input: [(Double, Int)] = [(1, 1), (1, 1), (1, 1), (10, 2), (10, 2), (10, 2), (10, 2)]
        let output = input.map { filter.filter($0.0, range: $0.1, state: &state) }
        // α = 0.18 moving average, replacing the switch sample and the two after it:
        // 0.18·10 + 0.82·1 = 2.62; 0.18·10 + 0.82·2.62 = 3.9484; 0.18·10 + 0.82·3.9484 = 5.037688; then raw 10.
        let expected = [1, 1, 1, 2.62, 3.9484, 5.037688, 10]
        for (value, want) in zip(output, expected) { XCTAssertEqual(value, want, accuracy: 1e-12) }
    }

    func testSpikeFilterIntoHighestRangeHoldsTwoSamples() {
        let filter = PPK2SpikeFilter()
        var state = PPK2SpikeFilter.State()
        let input: [(Double, Int)] = [(1, 3), (1, 3), (100, 4), (100, 4), (100, 4), (100, 4)]
        let output = input.map { filter.filter($0.0, range: $0.1, state: &state) }
        // Range 4: α = 0.06; the first two samples after the switch hold the old average (1); the third is
        // 0.06·100 + 0.94·1 = 6.94; then raw.
        let expected = [1, 1, 1, 1, 6.94, 100]
        for (value, want) in zip(output, expected) { XCTAssertEqual(value, want, accuracy: 1e-12) }
    }
}
