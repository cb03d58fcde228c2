import DeviceLink
import Foundation
import XCTest

/// Hostile raw frames against the real firmware under QEMU (mps2-an385), written straight onto QEMU's UART
/// connection (the real `SocketTransport` under `Device`, bypassing `Device`'s well-formed framing). After every frame
/// the board must still answer HELLO with the same boot count; damaged frames get no reply (and are counted in
/// HELLO's frames_dropped), well-framed bad requests get a typed ERROR, and a model loaded before the barrage still
/// gives its TFLite Micro reference outputs afterwards (fixtures/models/dscnn_int8).
final class VirtualBoardHostileFrameTests: XCTestCase {
    func testHostileFramesGetTypedErrorsAndLeaveTheBoardIntact() async throws {
        try requireFirmwareSources()
        let model = try FixtureModel.named("dscnn_int8")
        let uartBox = HostileUARTBox()
        let board = try await VirtualBoard.start(wrapTransport: { uart in
            uartBox.uart = uart
            return uart
        })
        do {
            let uart = try XCTUnwrap(uartBox.uart)
            try await runBarrage(board: board, uart: uart, model: model)
        } catch {
            await board.close()
            throw error
        }
        await board.close()
    }

    private func runBarrage(board: VirtualBoard, uart: SocketTransport, model: FixtureModel) async throws {
        let device = board.device
        let first = try await device.hello()
        XCTAssertEqual(first.serialNumber, "qemu-mps2-an385", "the virtual board's documented fixed serial number")
        let info = try await device.load(model.bytes, slot: 0)
        XCTAssertEqual(info.slot, 0)
        let before = try await device.infer(model.inputs[0])
        XCTAssertEqual(before.output, model.referenceOutputs[0], "dscnn_int8 input 0 vs TFLM before the barrage")
        let start = try await device.hello()
        XCTAssertEqual(start.bootCount, first.bootCount)

        let capacity = start.modelCapacityBytes
        var sequence: UInt16 = 0xF000 // far from Device's own sequence numbers: never taken for a retry
        func next() -> UInt16 {
            sequence &+= 1
            return sequence
        }
        let cases: [HostileFrame] = [
            HostileFrame("HELLO with a flipped CRC bit", .dropped,
                         wire: Self.corruptedCRC(Frame(type: 0x01, sequence: next(), payload: [2]))),
            HostileFrame("header payload_length 0x2000 on a 1-byte payload (CRC correct)", .dropped,
                         wire: Self.lyingLength(Frame(type: 0x01, sequence: next(), payload: [2]), declared: 0x2000)),
            HostileFrame("INFER cut 3 bytes short", .dropped,
                         wire: Self.truncated(Frame(type: 0x05, sequence: next(), payload: model.inputs[0]), by: 3)),
            HostileFrame("LOAD_CHUNK with a 9,000-byte payload (over max_payload)", .dropped,
                         wire: Frame(type: 0x03, sequence: next(), payload: Self.u32(0) + [UInt8](repeating: 7, count: 9000)).wireBytes),
            HostileFrame("unknown request type 0x42", .error(.unknownCommand),
                         wire: Frame(type: 0x42, sequence: next(), payload: [1, 2, 3]).wireBytes),
            HostileFrame("ERROR (0x7F) sent as a request", .error(.unknownCommand),
                         wire: Frame(type: 0x7F, sequence: next(), payload: []).wireBytes),
            HostileFrame("a version 1 HELLO", .error(.versionMismatch),
                         wire: Frame(type: 0x01, sequence: next(), payload: [1], version: 1).wireBytes),
            HostileFrame("LOAD_BEGIN of capacity + 1 bytes into slot 1", .error(.modelTooLarge),
                         wire: Frame(type: 0x02, sequence: next(), payload: Self.u32(capacity &+ 1) + Self.u32(0) + [0, 1]).wireBytes),
            HostileFrame("LOAD_BEGIN of 0xFFFFFFFF bytes into slot 1", .error(.modelTooLarge),
                         wire: Frame(type: 0x02, sequence: next(), payload: Self.u32(0xFFFF_FFFF) + Self.u32(0) + [0, 1]).wireBytes),
            HostileFrame("LOAD_BEGIN into slot 9 (no such slot)", .error(.badState),
                         wire: Frame(type: 0x02, sequence: next(), payload: Self.u32(16) + Self.u32(0) + [0, 9]).wireBytes),
            HostileFrame("LOAD_BEGIN of 16 bytes into slot 1", .reply(0x82),
                         wire: Frame(type: 0x02, sequence: next(), payload: Self.u32(16) + Self.u32(0) + [0, 1]).wireBytes),
            HostileFrame("LOAD_CHUNK of 32 bytes past the declared 16", .error(.badLength),
                         wire: Frame(type: 0x03, sequence: next(), payload: Self.u32(0) + [UInt8](repeating: 1, count: 32)).wireBytes),
            HostileFrame("LOAD_CHUNK at offset 0xFFFFFFF8 (wraps 32 bits)", .error(.chunkOutOfOrder),
                         wire: Frame(type: 0x03, sequence: next(), payload: Self.u32(0xFFFF_FFF8) + [UInt8](repeating: 1, count: 16)).wireBytes),
            HostileFrame("LOAD_END before the declared bytes arrived", .error(.badState),
                         wire: Frame(type: 0x04, sequence: next(), payload: []).wireBytes),
            HostileFrame("SELECT of slot 1 (holds no model)", .error(.badState),
                         wire: Frame(type: 0x0D, sequence: next(), payload: [1]).wireBytes),
            HostileFrame("SELECT of slot 200", .error(.badState),
                         wire: Frame(type: 0x0D, sequence: next(), payload: [200]).wireBytes),
            HostileFrame("RUN_WINDOW of 0xFFFFFFFF inferences", .error(.windowTooLong),
                         wire: Frame(type: 0x0A, sequence: next(), payload: Self.u32(0xFFFF_FFFF) + model.inputs[0]).wireBytes),
            HostileFrame("INFER_BATCH announcing 65,535 inputs with one attached", .error(.inputSizeMismatch),
                         wire: Frame(type: 0x06, sequence: next(), payload: [0, 0xFF, 0xFF] + model.inputs[0]).wireBytes),
            HostileFrame("INFER with one input byte too many", .error(.inputSizeMismatch),
                         wire: Frame(type: 0x05, sequence: next(), payload: model.inputs[0] + [0]).wireBytes),
            HostileFrame("OUTPUT_CHUNK at offset 0xFFFFFFFF", .error(.badLength),
                         wire: Frame(type: 0x0C, sequence: next(), payload: Self.u32(0xFFFF_FFFF) + [0xFF, 0xFF]).wireBytes),
            HostileFrame("INPUT_CHUNK at offset 0xFFFFFF00", .error(.chunkOutOfOrder),
                         wire: Frame(type: 0x0B, sequence: next(), payload: Self.u32(0xFFFF_FF00) + [1, 2, 3]).wireBytes),
            HostileFrame("MARKER level 7", .error(.unknownCommand),
                         wire: Frame(type: 0x08, sequence: next(), payload: [7]).wireBytes),
            HostileFrame("RESET what = 5", .error(.unknownCommand),
                         wire: Frame(type: 0x09, sequence: next(), payload: [5]).wireBytes),
            HostileFrame("SET_BAUD of 0xFFFFFFFF baud", .error(.baudUnsupported),
                         wire: Frame(type: 0x0E, sequence: next(), payload: Self.u32(0xFFFF_FFFF)).wireBytes),
            HostileFrame("HELLO with an empty payload", .error(.badLength),
                         wire: Frame(type: 0x01, sequence: next(), payload: []).wireBytes),
            HostileFrame("300 bytes of garbage without a delimiter, then a delimiter", .dropped,
                         wire: (0..<300).map { UInt8(1 + $0 % 255) } + [0]),
        ]

        var dropped = 0
        for hostile in cases {
            // Only frames answering this test's own sequence numbers count: a late duplicate of a HELLO reply (when
            // Device retried while the board was still swallowing a long hostile frame) belongs to Device.
            let ownSequence = Self.sequence(of: hostile.wire)
            let replies = try await exchange(hostile.wire, on: uart, expectingReply: hostile.expectation != .dropped)
                .filter { $0.sequence >= 0xF000 && (ownSequence == nil || $0.sequence == ownSequence) }
            switch hostile.expectation {
            case .dropped:
                dropped += 1
                XCTAssertEqual(replies.count, 0, "\(hostile.name): a damaged frame must get no reply, got \(replies)")
            case let .error(code):
                XCTAssertEqual(replies.count, 1, "\(hostile.name): expected exactly one ERROR reply")
                if let reply = replies.first {
                    XCTAssertEqual(reply.type, 0x7F, "\(hostile.name): expected ERROR, got type \(reply.type)")
                    let error = try ErrorReply(payload: reply.payload)
                    XCTAssertEqual(error.knownCode, code, "\(hostile.name): \(error.message)")
                    XCTAssertFalse(error.message.isEmpty, "\(hostile.name): an ERROR must say what is wrong")
                }
            case let .reply(type):
                XCTAssertEqual(replies.map(\.type), [type], "\(hostile.name)")
            }
            let hello = try await device.hello()
            XCTAssertEqual(hello.bootCount, start.bootCount, "\(hostile.name): the board rebooted")
            XCTAssertEqual(Int(hello.framesDropped) - Int(start.framesDropped), dropped,
                           "\(hostile.name): HELLO's frames_dropped must count exactly the damaged frames so far")
            XCTAssertEqual(hello.selectedSlot, 0, "\(hostile.name): slot 0 must stay selected")
        }

        let after = try await device.infer(model.inputs[0])
        XCTAssertEqual(after.output, before.output, "outputs after the barrage must be bit-identical to those before")
        XCTAssertEqual(after.output, model.referenceOutputs[0], "dscnn_int8 input 0 vs TFLM after the barrage")
        let other = try await device.infer(model.inputs[1])
        XCTAssertEqual(other.output, model.referenceOutputs[1], "dscnn_int8 input 1 vs TFLM after the barrage")
        let last = try await device.hello()
        XCTAssertEqual(last.bootCount, start.bootCount, "no reboot during the barrage")
        XCTAssertEqual(last.bootReason, start.bootReason)
    }

    /// Writes `wire` and collects the frames the board sends back: the first one (up to 10 s) when a reply is
    /// expected, then whatever else arrives until 300 ms pass in silence.
    private func exchange(_ wire: [UInt8], on uart: SocketTransport, expectingReply: Bool) async throws -> [Frame] {
        var decoder = FrameDecoder(maxPayloadBytes: 8192)
        var frames: [Frame] = []
        // Whatever is still arriving from before (a late reply to Device) is no answer to this frame.
        while try await !uart.read(maxBytes: 4096, timeout: .milliseconds(300)).isEmpty {}
        try await uart.write(wire)
        let deadline = ContinuousClock.now + .seconds(10)
        var quietSince = ContinuousClock.now
        while ContinuousClock.now < deadline {
            let bytes = try await uart.read(maxBytes: 4096, timeout: .milliseconds(100))
            if bytes.isEmpty {
                if (!expectingReply || !frames.isEmpty) && ContinuousClock.now - quietSince >= .milliseconds(300) { break }
                continue
            }
            quietSince = ContinuousClock.now
            decoder.append(bytes)
            while let frame = decoder.nextFrame() { frames.append(frame) }
        }
        XCTAssertEqual(decoder.dropped.total, 0, "the board sent bytes that are no valid frame")
        return frames
    }

    /// The sequence number of the well-formed frame in `wire`, or nil when it holds none.
    private static func sequence(of wire: [UInt8]) -> UInt16? {
        var decoder = FrameDecoder()
        decoder.append(wire)
        return decoder.nextFrame()?.sequence
    }

    private static func u32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    private static func encode(raw: [UInt8]) -> [UInt8] { COBS.encode(raw) + [0] }

    private static func corruptedCRC(_ frame: Frame) -> [UInt8] {
        var raw = frame.rawBytes
        raw[raw.count - 2] ^= 0x10
        return encode(raw: raw)
    }

    private static func lyingLength(_ frame: Frame, declared: UInt16) -> [UInt8] {
        var raw = Array(frame.rawBytes.dropLast(4))
        raw[4] = UInt8(declared & 0xFF)
        raw[5] = UInt8(declared >> 8)
        return encode(raw: raw + u32(CRC32.checksum(raw)))
    }

    private static func truncated(_ frame: Frame, by bytes: Int) -> [UInt8] {
        encode(raw: Array(frame.rawBytes.dropLast(bytes)))
    }
}

/// One hostile frame: what it is, its exact wire bytes, what the board must do with it.
private struct HostileFrame {
    enum Expectation: Equatable {
        case dropped
        case error(BoardErrorCode)
        case reply(UInt8)
    }

    let name: String
    let expectation: Expectation
    let wire: [UInt8]

    init(_ name: String, _ expectation: Expectation, wire: [UInt8]) {
        self.name = name
        self.expectation = expectation
        self.wire = wire
    }
}

/// Holds QEMU's UART connection handed out by `VirtualBoard.start(wrapTransport:)`.
private final class HostileUARTBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: SocketTransport?
    var uart: SocketTransport? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
