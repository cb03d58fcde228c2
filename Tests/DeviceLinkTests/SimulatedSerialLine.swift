import DeviceLink
import Foundation

/// Both ends' baud rates on a simulated UART: bytes only arrive when the rates agree (a mismatch garbles them; here
/// they are dropped, which a receiver sees the same way: no valid frame).
actor SimulatedSerialLine {
    private(set) var hostBaud = 115_200
    private(set) var boardBaud = 115_200

    var ratesAgree: Bool { hostBaud == boardBaud }
    func setHost(_ baud: Int) { hostBaud = baud }
    func setBoard(_ baud: Int) { boardBaud = baud }
}

/// The host end of an in-process pair behind a `SimulatedSerialLine`: a transport with a settable rate.
final class RatedTransport: Transport, BaudRateAdjustable {
    let inner: InProcessTransport
    let line: SimulatedSerialLine
    var endpoint: String { inner.endpoint }

    init(inner: InProcessTransport, line: SimulatedSerialLine) {
        self.inner = inner
        self.line = line
    }

    func write(_ bytes: [UInt8]) async throws(TransportError) {
        guard await line.ratesAgree else { return }
        try await inner.write(bytes)
    }

    func read(maxBytes: Int, timeout: Duration) async throws(TransportError) -> [UInt8] {
        try await inner.read(maxBytes: maxBytes, timeout: timeout)
    }

    func close() async { await inner.close() }

    func setBaudRate(_ baud: Int) async throws(TransportError) { await line.setHost(baud) }
}
