import Foundation
import XCTest

@testable import DeviceLink

/// The Telnet/RFC 2217 client against scripted in-process servers. Expected byte sequences are written out by hand
/// from RFC 854 (IAC = 255, SB = 250, SE = 240, WILL 251, WONT 252, DO 253, DONT 254) and RFC 2217 (COM-PORT-OPTION
/// = 44, SET-BAUDRATE = 1, server answers at code + 100).
final class RFC2217ProtocolTests: XCTestCase {
    /// What the client offers on connect: WILL BINARY, DO BINARY, WILL SGA, DO SGA, WILL COM-PORT-OPTION.
    static let offer: [UInt8] = [255, 251, 0, 255, 253, 0, 255, 251, 3, 255, 253, 3, 255, 251, 44]
    /// A server accepting everything: DO BINARY, WILL BINARY, DO SGA, WILL SGA, DO COM-PORT-OPTION.
    static let acceptance: [UInt8] = [255, 253, 0, 255, 251, 0, 255, 253, 3, 255, 251, 3, 255, 253, 44]

    func testDecoderHandlesCommandsSplitAcrossEveryByteBoundary() {
        // data 0x41, escaped 0xFF, WILL ECHO, data 0x42, SB COM-PORT 101 (0,0,0xFF escaped,0x00) SE, data 0xFF 0xFF.
        let stream: [UInt8] = [
            0x41, 255, 255, 255, 251, 1, 0x42, 255, 250, 44, 101, 0, 0, 255, 255, 0, 255, 240, 255, 255, 255, 255,
        ]
        let expectedData: [UInt8] = [0x41, 0xFF, 0x42, 0xFF, 0xFF]
        let expectedCommands: [TelnetCommand] = [
            .negotiation(verb: 251, option: 1), .subnegotiation(option: 44, payload: [101, 0, 0, 255, 0]),
        ]
        // Whole, byte by byte, and every two-piece split.
        var pieces: [[[UInt8]]] = [[stream], stream.map { [$0] }]
        for cut in 1..<stream.count { pieces.append([Array(stream[..<cut]), Array(stream[cut...])]) }
        for split in pieces {
            var decoder = TelnetDecoder()
            var data: [UInt8] = []
            var commands: [TelnetCommand] = []
            for piece in split { commands += decoder.feed(piece, data: &data) }
            XCTAssertEqual(data, expectedData, "split \(split.map(\.count))")
            XCTAssertEqual(commands, expectedCommands, "split \(split.map(\.count))")
        }
    }

    func testEscapingDoublesEveryFF() {
        XCTAssertEqual(Telnet.escaped([0xFF, 1, 0xFF, 0xFF]), [0xFF, 0xFF, 1, 0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(Telnet.escaped([1, 2]), [1, 2])
        // SET-BAUDRATE 0x0000FFFF: the 0xFF value bytes are doubled inside the subnegotiation.
        XCTAssertEqual(
            Telnet.subnegotiation(44, [1, 0, 0, 0xFF, 0xFF]), [255, 250, 44, 1, 0, 0, 255, 255, 255, 255, 255, 240])
    }

    func testNegotiatesSetsLineAndEscapesDataBothWays() async throws {
        let (client, server) = InProcessTransport.pair(name: "fake-rfc2217")
        let script = FakeServer(server, steps: [
            (Self.offer, Self.acceptance),
            // SET-BAUDRATE 115200 = 0x0001C200 → same value back.
            ([255, 250, 44, 1, 0, 1, 0xC2, 0, 255, 240], [255, 250, 44, 101, 0, 1, 0xC2, 0, 255, 240]),
            ([255, 250, 44, 2, 8, 255, 240], [255, 250, 44, 102, 8, 255, 240]),
            ([255, 250, 44, 3, 1, 255, 240], [255, 250, 44, 103, 1, 255, 240]),
            // The answer to SET-STOPSIZE arrives one byte at a time, followed by data with an escaped 0xFF, split.
            ([255, 250, 44, 4, 1, 255, 240], [255, 250, 44, 104, 1, 255, 240, 7, 255, 255, 9]),
        ], oneByteAtATime: true)
        let transport = try await RFC2217Transport.start(over: client, endpoint: "rfc2217://fake", answerTimeout: .seconds(2))
        try await script.finished()
        var received: [UInt8] = []
        while received.count < 3 { received += try await transport.read(maxBytes: 64, timeout: .seconds(2)) }
        XCTAssertEqual(received, [7, 0xFF, 9])
        try await transport.write([0xFF, 1, 0xFF])
        var onWire: [UInt8] = []
        while onWire.count < 5 { onWire += try await server.read(maxBytes: 64, timeout: .seconds(2)) }
        XCTAssertEqual(onWire, [0xFF, 0xFF, 1, 0xFF, 0xFF])
        await transport.close()
    }

    func testServerRefusingComPortOptionIsTypedRefusal() async throws {
        let (client, server) = InProcessTransport.pair(name: "fake-telnet")
        // A plain Telnet server: BINARY yes, COM-PORT-OPTION no.
        _ = FakeServer(server, steps: [(Self.offer, [255, 253, 0, 255, 251, 0, 255, 254, 44])])
        let start = ContinuousClock.now
        do {
            _ = try await RFC2217Transport.start(over: client, endpoint: "rfc2217://fake", answerTimeout: .seconds(5))
            XCTFail("negotiation succeeded")
        } catch {
            XCTAssertEqual(error, .optionRefused(endpoint: "rfc2217://fake", option: "COM-PORT-OPTION", answer: "DONT COM-PORT-OPTION"))
            XCTAssertTrue(error.description.contains("telnet(rfc2217)"), error.description)
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))
    }

    func testServerRefusingBinaryIsTypedRefusal() async throws {
        let (client, server) = InProcessTransport.pair(name: "fake")
        _ = FakeServer(server, steps: [(Self.offer, [255, 253, 0, 255, 252, 0, 255, 253, 44])])
        do {
            _ = try await RFC2217Transport.start(over: client, endpoint: "e", answerTimeout: .seconds(5))
            XCTFail("negotiation succeeded")
        } catch {
            XCTAssertEqual(error, .optionRefused(endpoint: "e", option: "BINARY", answer: "WONT BINARY"))
        }
    }

    func testServerAnsweringAnotherBaudRateIsValueMismatch() async throws {
        let (client, server) = InProcessTransport.pair(name: "fake")
        _ = FakeServer(server, steps: [
            (Self.offer, Self.acceptance),
            // Asked 115200, answers 9600 = 0x00002580.
            ([255, 250, 44, 1, 0, 1, 0xC2, 0, 255, 240], [255, 250, 44, 101, 0, 0, 0x25, 0x80, 255, 240]),
        ])
        do {
            _ = try await RFC2217Transport.start(over: client, endpoint: "e", answerTimeout: .seconds(5))
            XCTFail("negotiation succeeded")
        } catch {
            XCTAssertEqual(
                error, .valueMismatch(endpoint: "e", setting: "the baud rate", requested: "115200 bit/s", answered: "9600 bit/s"))
        }
    }

    func testSilentServerIsNoAnswerWithinTheTimeout() async throws {
        let (client, server) = InProcessTransport.pair(name: "raw")
        let start = ContinuousClock.now
        do {
            _ = try await RFC2217Transport.start(over: client, endpoint: "e", answerTimeout: .milliseconds(400))
            XCTFail("negotiation succeeded")
        } catch {
            guard case .noAnswer = error else { return XCTFail("\(error)") }
        }
        let elapsed = ContinuousClock.now - start
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(400))
        XCTAssertLessThan(elapsed, .seconds(2))
        await server.close()
    }

    func testServerClosingDuringNegotiationIsTransportClosed() async throws {
        let (client, server) = InProcessTransport.pair(name: "gone")
        await server.close()
        do {
            _ = try await RFC2217Transport.start(over: client, endpoint: "e", answerTimeout: .seconds(5))
            XCTFail("negotiation succeeded")
        } catch {
            XCTAssertEqual(error, .transport(.closed(endpoint: "e")))
        }
    }

    func testEndpointSpelling() throws {
        XCTAssertEqual(try DeviceEndpoint.parse("rfc2217://bench-3.lab:4001"), .rfc2217(host: "bench-3.lab", port: 4001))
        XCTAssertEqual(try DeviceEndpoint.parse("rfc2217://[::1]:7000"), .rfc2217(host: "::1", port: 7000))
        XCTAssertEqual(DeviceEndpoint.rfc2217(host: "h", port: 1).description, "rfc2217://h:1")
        XCTAssertThrowsError(try DeviceEndpoint.parse("rfc2217://host"))
        XCTAssertThrowsError(try DeviceEndpoint.parse("rfc2217://:4001"))
    }
}

/// A scripted server: for each step, waits until the client has sent `expect` (after the previous step's bytes) and
/// then writes `reply`.
struct FakeServer: Sendable {
    private let task: Task<Void, any Error>

    init(_ transport: InProcessTransport, steps: [([UInt8], [UInt8])], oneByteAtATime: Bool = false) {
        task = Task {
            var received: [UInt8] = []
            var searchFrom = 0
            for (expect, reply) in steps {
                while true {
                    if let end = FakeServer.find(expect, in: received, from: searchFrom) {
                        searchFrom = end
                        break
                    }
                    let bytes = try await transport.read(maxBytes: 256, timeout: .seconds(5))
                    if bytes.isEmpty { throw TransportError.writeTimedOut(endpoint: "fake server waited for \(expect)") }
                    received += bytes
                }
                if oneByteAtATime {
                    for byte in reply {
                        try await transport.write([byte])
                        try await Task.sleep(for: .milliseconds(1))
                    }
                } else {
                    try await transport.write(reply)
                }
            }
        }
    }

    func finished() async throws { try await task.value }

    /// The index after the first occurrence of `pattern` at or after `start`.
    static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count - start >= pattern.count else { return nil }
        for index in start...(bytes.count - pattern.count) where Array(bytes[index..<index + pattern.count]) == pattern {
            return index + pattern.count
        }
        return nil
    }
}
