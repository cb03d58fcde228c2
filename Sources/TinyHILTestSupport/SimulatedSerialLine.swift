import DeviceLink
import Foundation

/// Both ends' baud rates on a simulated UART: bytes only arrive when the rates agree (a mismatch garbles them; here
/// they are dropped, which a receiver sees the same way: no valid frame).
public actor SimulatedSerialLine {
    public private(set) var hostBaud = 115_200
    public private(set) var boardBaud = 115_200

    public init() {}

    public var ratesAgree: Bool { hostBaud == boardBaud }
    public func setHost(_ baud: Int) { hostBaud = baud }
    public func setBoard(_ baud: Int) { boardBaud = baud }
}

/// The host end of an in-process pair behind a `SimulatedSerialLine`: a transport with a settable rate.
public final class RatedTransport: Transport, BaudRateAdjustable {
    public let inner: InProcessTransport
    public let line: SimulatedSerialLine
    public var endpoint: String { inner.endpoint }

    public init(inner: InProcessTransport, line: SimulatedSerialLine) {
        self.inner = inner
        self.line = line
    }

    public func write(_ bytes: [UInt8]) async throws(TransportError) {
        guard await line.ratesAgree else { return }
        try await inner.write(bytes)
    }

    public func read(maxBytes: Int, timeout: Duration) async throws(TransportError) -> [UInt8] {
        try await inner.read(maxBytes: maxBytes, timeout: timeout)
    }

    public func close() async { await inner.close() }

    public func setBaudRate(_ baud: Int) async throws(TransportError) { await line.setHost(baud) }
}
