/// One 32-bit PPK2 sample word, little-endian on the wire:
/// bits 0–13 ADC value, 14–16 measurement range, 18–23 a 6-bit rolling counter, 24–31 logic inputs D0–D7.
public struct PPK2SampleWord: Sendable, Equatable {
    public var raw: UInt32
    public init(raw: UInt32) { self.raw = raw }

    public init(adc: Int, range: Int, counter: Int, logic: UInt8) {
        raw = UInt32(adc & 0x3FFF) | UInt32(range & 0x7) << 14 | UInt32(counter & 0x3F) << 18 | UInt32(logic) << 24
    }

    public var adc: Int { Int(raw & 0x3FFF) }
    public var range: Int { Int((raw >> 14) & 0x7) }
    public var counter: Int { Int((raw >> 18) & 0x3F) }
    public var logic: UInt8 { UInt8(truncatingIfNeeded: raw >> 24) }

    public var bytes: [UInt8] { [UInt8](unsafeUninitializedCapacity: 4) { buffer, count in
        for index in 0..<4 { buffer[index] = UInt8(truncatingIfNeeded: raw >> (8 * UInt32(index))) }
        count = 4
    } }

    /// Modulus of the rolling counter.
    public static let counterModulus = 64
}

/// Turns the PPK2 byte stream into calibrated samples.
///
/// - Reads may end in the middle of a word: the partial bytes are carried to the next `feed`.
/// - Sample loss: each word's counter should be the previous one + 1 (mod 64). When it is not, the missing
///   count `(counter − expected) mod 64` is inserted as lost samples (current `nan`, marker held) so time stays
///   aligned. A gap of 64 or more samples aliases modulo 64 and cannot be seen from the counter alone.
/// - A word whose range field is 5…7 (impossible on a PPK2: corrupted) is recorded as a lost sample.
public struct PPK2StreamDecoder: Sendable {
    public let calibration: PPK2Calibration
    public let supply: Volts
    /// Logic input (0…7) that carries the board's marker line.
    public let markerPin: Int
    public let spikeFilter: PPK2SpikeFilter?

    public private(set) var currentsAmperes: [Double] = []
    public private(set) var markers: [Bool] = []
    public private(set) var lostSampleRanges: [Range<Int>] = []
    /// Words with an impossible range field (counted among the lost samples).
    public private(set) var corruptedWords = 0

    private var carry: [UInt8] = []
    private var expectedCounter: Int?
    private var filterState = PPK2SpikeFilter.State()

    public init(calibration: PPK2Calibration, supply: Volts, markerPin: Int, spikeFilter: PPK2SpikeFilter? = PPK2SpikeFilter()) {
        precondition((0...7).contains(markerPin), "PPK2 logic inputs are D0…D7")
        self.calibration = calibration
        self.supply = supply
        self.markerPin = markerPin
        self.spikeFilter = spikeFilter
    }

    public var lostSampleCount: Int { lostSampleRanges.reduce(0) { $0 + $1.count } }
    /// Bytes of an incomplete word waiting for the next read.
    public var pendingByteCount: Int { carry.count }

    public mutating func feed(_ bytes: [UInt8]) {
        var index = 0
        if !carry.isEmpty {
            while carry.count < 4, index < bytes.count {
                carry.append(bytes[index])
                index += 1
            }
            guard carry.count == 4 else { return }
            decode(word(carry, at: 0))
            carry.removeAll(keepingCapacity: true)
        }
        while index + 4 <= bytes.count {
            decode(word(bytes, at: index))
            index += 4
        }
        carry.append(contentsOf: bytes[index...])
    }

    private func word(_ bytes: [UInt8], at index: Int) -> PPK2SampleWord {
        PPK2SampleWord(raw: UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8
            | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24)
    }

    private mutating func decode(_ word: PPK2SampleWord) {
        if let expected = expectedCounter, word.counter != expected {
            let missing = (word.counter - expected + PPK2SampleWord.counterModulus) % PPK2SampleWord.counterModulus
            appendLost(missing)
        }
        expectedCounter = (word.counter + 1) % PPK2SampleWord.counterModulus
        guard word.range < PPK2Calibration.rangeCount else {
            corruptedWords += 1
            appendLost(1)
            return
        }
        var amperes = calibration.current(adc: word.adc, range: word.range, supply: supply).value
        if let spikeFilter { amperes = spikeFilter.filter(amperes, range: word.range, state: &filterState) }
        currentsAmperes.append(amperes)
        markers.append(word.logic & (1 << UInt8(markerPin)) != 0)
    }

    private mutating func appendLost(_ count: Int) {
        guard count > 0 else { return }
        let start = currentsAmperes.count
        currentsAmperes.append(contentsOf: repeatElement(.nan, count: count))
        markers.append(contentsOf: repeatElement(markers.last ?? false, count: count))
        if let last = lostSampleRanges.last, last.upperBound == start {
            lostSampleRanges[lostSampleRanges.count - 1] = last.lowerBound..<(start + count)
        } else {
            lostSampleRanges.append(start..<(start + count))
        }
    }

    /// The samples decoded so far as a trace (10 µs period).
    public func trace() -> Trace {
        Trace(samplePeriod: PPK2Meter.samplePeriod, supplyVoltage: supply, currentsAmperes: currentsAmperes,
              markers: markers, lostSampleRanges: lostSampleRanges)
    }
}
