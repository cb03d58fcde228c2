import TinyHILTestSupport
import XCTest

@testable import DeviceLink

final class FramingTests: XCTestCase {
    func testCRC32CheckValue() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
    }

    func testDocumentTestVectors() throws {
        // docs/protocol.md §6.
        let hello = Frame(type: MessageType.hello.rawValue, sequence: 1, payload: [0x01])
        XCTAssertEqual(hello.wireBytes, [0x04, 0x01, 0x01, 0x01, 0x02, 0x01, 0x06, 0x01, 0x7e, 0x74, 0xe2, 0xbb, 0x00])
        // The doc's second vector is labelled MARKER but carries type 0x09 (RESET in §2's table); its bytes are
        // RESET(reboot), sequence 7. MARKER (0x08) is pinned with a CRC computed independently (Python zlib.crc32).
        let reset = Frame(type: MessageType.reset.rawValue, sequence: 7, payload: Request.reset(.reboot).payload)
        XCTAssertEqual(reset.wireBytes, [0x04, 0x01, 0x09, 0x07, 0x02, 0x01, 0x06, 0x01, 0xb3, 0x03, 0xf1, 0xd8, 0x00])
        let marker = Frame(type: MessageType.marker.rawValue, sequence: 7, payload: Request.marker(level: 1).payload)
        XCTAssertEqual(marker.wireBytes, [0x04, 0x01, 0x08, 0x07, 0x02, 0x01, 0x06, 0x01, 0x16, 0xd0, 0xad, 0x13, 0x00])
        XCTAssertEqual(Request.hello(hostProtocolVersion: 1).payload, [0x01])

        var decoder = FrameDecoder()
        decoder.append([0x04, 0x01, 0x09, 0x07, 0x02, 0x01, 0x06, 0x01, 0xb3, 0x03, 0xf1, 0xd8, 0x00])
        XCTAssertEqual(decoder.nextFrame(), reset)
        XCTAssertNil(decoder.nextFrame())
    }

    func testCOBSHandEncodedBlocks() throws {
        XCTAssertEqual(COBS.encode([]), [0x01])
        XCTAssertEqual(COBS.encode([0x00]), [0x01, 0x01])
        XCTAssertEqual(COBS.encode([0x11, 0x22, 0x00, 0x33]), [0x03, 0x11, 0x22, 0x02, 0x33])
        let run254 = [UInt8](repeating: 0x42, count: 254)
        XCTAssertEqual(COBS.encode(run254), [0xFF] + run254 + [0x01])
        XCTAssertEqual(try COBS.decode([0xFF] + run254), run254)  // trailing code byte may be omitted
        XCTAssertThrowsError(try COBS.decode([0x05, 0x01]))
        XCTAssertThrowsError(try COBS.decode([0x02, 0x00]))
    }

    func testCOBSRoundTripsRandomBodies() throws {
        var random = SeededGenerator(seed: 1)
        for trial in 0..<800 {
            let length = trial < 520 ? trial : Int.random(in: 0...1200, using: &random)
            let raw = random.bytes(count: length, zeroBias: [0, 0.02, 0.5, 1][trial % 4])
            let encoded = COBS.encode(raw)
            XCTAssertFalse(encoded.contains(0))
            XCTAssertLessThanOrEqual(encoded.count, COBS.maxEncodedBytes(rawBytes: raw.count))
            XCTAssertEqual(try COBS.decode(encoded), raw, "length \(length)")
        }
    }

    func testDecoderSurvivesRandomSplitsAndGarbage() {
        var random = SeededGenerator(seed: 2)
        var frames: [Frame] = []
        var stream: [UInt8] = [0x13, 0x37, 0x55]  // garbage before the first delimiter
        for index in 0..<400 {
            let payload = random.bytes(count: Int.random(in: 0...1500, using: &random), zeroBias: 0.1)
            let frame = Frame(type: UInt8.random(in: 1...0xFF, using: &random), sequence: UInt16(index + 1), payload: payload)
            frames.append(frame)
            if index % 7 == 0 { stream += [0x00, 0x00] }  // empty frames are ignored
            stream += frame.wireBytes
        }
        var decoder = FrameDecoder()
        var received: [Frame] = []
        var position = 0
        while position < stream.count {
            let take = min(stream.count - position, Int.random(in: 1...700, using: &random))
            decoder.append(stream[position..<(position + take)])
            position += take
            while let frame = decoder.nextFrame() { received.append(frame) }
        }
        XCTAssertEqual(received, frames)
        XCTAssertEqual(decoder.dropped.total, 1, "only the leading garbage is dropped")
    }

    /// Corrupt one to four bytes anywhere in a stream of frames: every frame the decoder returns must be one that
    /// was sent, unchanged, and frames untouched by corruption must all arrive.
    func testCorruptionAnywhereNeverYieldsAWrongFrame() {
        var random = SeededGenerator(seed: 3)
        var acceptedCorrupted = 0
        for _ in 0..<1500 {
            let frames = (0..<3).map { index in
                Frame(
                    type: UInt8.random(in: 1...0x0A, using: &random), sequence: UInt16(index + 1),
                    payload: random.bytes(count: Int.random(in: 0...300, using: &random), zeroBias: 0.05))
            }
            let wires = frames.map(\.wireBytes)
            var stream = wires.flatMap { $0 }
            var touched = Set<Int>()
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<stream.count, using: &random)
                var flipped = stream[position]
                while flipped == stream[position] { flipped = UInt8.random(in: 0...255, using: &random) }
                stream[position] = flipped
                var start = 0
                for (index, wire) in wires.enumerated() {
                    if position >= start && position < start + wire.count { touched.insert(index) }
                    start += wire.count
                }
            }
            var decoder = FrameDecoder()
            decoder.append(stream)
            var received: [Frame] = []
            while let frame = decoder.nextFrame() { received.append(frame) }
            for frame in received where !frames.contains(frame) { acceptedCorrupted += 1 }
            for index in 0..<frames.count where !touched.contains(index) {
                // A frame whose own bytes are intact still arrives unless a corrupted delimiter merged it away.
                let previousDelimiterIntact = index == 0 || !touched.contains(index - 1)
                if previousDelimiterIntact { XCTAssertTrue(received.contains(frames[index])) }
            }
        }
        XCTAssertEqual(acceptedCorrupted, 0)
    }

    func testOversizedRunIsDiscardedAndNextFrameDecodes() {
        var decoder = FrameDecoder(maxPayloadBytes: 64)
        decoder.append([UInt8](repeating: 0x41, count: 5000))
        let good = Frame(type: 5, sequence: 9, payload: Array(repeating: 7, count: 64))
        decoder.append([0x00] + good.wireBytes)
        XCTAssertEqual(decoder.nextFrame(), good)
        XCTAssertEqual(decoder.dropped.oversized, 1)
        let tooLong = Frame(type: 5, sequence: 10, payload: Array(repeating: 7, count: 65))
        decoder.append(tooLong.wireBytes + good.wireBytes)
        XCTAssertEqual(decoder.nextFrame(), good)
        XCTAssertNil(decoder.nextFrame())
    }

    func testWrongVersionAndLengthAreDropped() {
        var decoder = FrameDecoder()
        let wrongVersion = Frame(type: 1, sequence: 1, payload: [1], version: 2)
        decoder.append(wrongVersion.wireBytes)
        var raw = Frame(type: 1, sequence: 1, payload: [1, 2]).rawBytes
        raw[4] = 3  // declared length disagrees; CRC recomputed so only the length check can catch it
        raw.removeLast(4)
        let crc = CRC32.checksum(raw)
        raw += [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24)]
        decoder.append(COBS.encode(raw) + [0])
        XCTAssertNil(decoder.nextFrame())
        XCTAssertEqual(decoder.dropped.version, 1)
        XCTAssertEqual(decoder.dropped.malformed, 1)
    }
}
