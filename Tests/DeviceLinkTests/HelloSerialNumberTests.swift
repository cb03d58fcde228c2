import DeviceLink
import Foundation
import XCTest

/// HELLO's serial_number (added to protocol v2 in December 2026, docs/protocol.md): decoded when present, nil for older firmware whose reply
/// ends after baud_confirm_ms and for a board that reports "" (could not read its ID).
final class HelloSerialNumberTests: XCTestCase {
    /// A version 2 HELLO payload as firmware built before the field sends it, assembled by hand from docs/protocol.md.
    private static let firmware10Payload: [UInt8] = {
        var payload: [UInt8] = [2, 0, 0x00, 0x20, 2, 0x03]  // version, cycles, max_payload 8192, 2 outstanding, flash+marker
        payload += [0x40, 0x59, 0x73, 0x07]  // cpu_hz 125_000_000
        payload += [0x00, 0x20, 0x04, 0x00]  // ram 264 KiB
        payload += [0x00, 0x00, 0x0C, 0x00]  // model capacity 768 KiB
        payload += [0x00, 0x20, 0x03, 0x00]  // arena 200 KiB
        payload += [0, 0, 0, 0, 1, 0, 0, 0]  // dropped 0, boot 1
        payload += [5] + Array("1.0.0".utf8) + [1] + Array("x".utf8) + [11] + Array("rp2040-pico".utf8)
        payload += [5] + Array("0.1.0".utf8)
        payload += [1, 3, 0]  // CONV_2D
        payload += [2, 0xFF, 0]  // 2 slots, none selected, power-on
        payload += [0x40, 0x42, 0x0F, 0x00, 0xC0, 0x27, 0x09, 0x00, 0xD0, 0x07, 0x00, 0x00]
        return payload
    }()

    func testOlderFirmwareWithoutTheFieldDecodesAsNone() throws {
        let hello = try HelloReply(payload: Self.firmware10Payload)
        XCTAssertNil(hello.serialNumber)
        XCTAssertEqual(hello.boardName, "rp2040-pico")
        XCTAssertEqual(hello.payload, Self.firmware10Payload, "no serial: re-encodes to the older payload")
    }

    func testSerialNumberIsDecodedAndReencoded() throws {
        let payload = Self.firmware10Payload + [16] + Array("E6614103E7452D2F".utf8)
        let hello = try HelloReply(payload: payload)
        XCTAssertEqual(hello.serialNumber, "E6614103E7452D2F")
        XCTAssertEqual(hello.bootCount, 1)
        XCTAssertEqual(hello.payload, payload)
    }

    func testEmptySerialNumberIsNone() throws {
        XCTAssertNil(try HelloReply(payload: Self.firmware10Payload + [0]).serialNumber)
    }

    func testSerialNumberLongerThanThePayloadIsATypedError() {
        XCTAssertThrowsError(try HelloReply(payload: Self.firmware10Payload + [16] + Array("E661".utf8))) { error in
            guard case .truncatedPayload(_, let field, _, _) = error as? ProtocolError else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "serial_number")
        }
    }

    /// The Pico firmware reads its flash chip's unique ID with command 0x4B. The emulator (rp2040py) does not model
    /// 0x4B and answers all ones, so the emulated Pico must report 16 F's; a hung or crashed read would fail HELLO.
    func testEmulatedPicoReportsTheFlashIDItsEmulatorAnswers() async throws {
        try requireFirmwareSources()
        let python = EmulatedPico.python(repository: FirmwareBuild.defaultRepository)
        if !EmulatedPicoTests.pythonHas(python, module: "rp2040py") {
            let message = "no Python with rp2040py at \(python): run ci/install-deps or set TINYHIL_PYTHON"
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw EmulatedPicoTests.EnvironmentMissing(description: message) }
            throw XCTSkip(message)
        }
        try await EmulatedPico.withBoard(repository: FirmwareBuild.defaultRepository) { board in
            let hello = try await board.device.hello()
            XCTAssertEqual(hello.serialNumber, "FFFFFFFFFFFFFFFF")
            let again = try await board.device.hello()
            XCTAssertEqual(again.serialNumber, hello.serialNumber, "read once, reported the same")
            XCTAssertEqual(again.bootCount, hello.bootCount)
        }
    }
}
