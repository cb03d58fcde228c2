/// A bidirectional byte stream to a board or an instrument: a USB serial port (libserialport), a pseudo-terminal
/// (termios), a TCP or Unix socket. Everything above it (the frame codec, the `Device` actor, meter drivers)
/// speaks to this protocol only, so a fake or fault-injecting transport can stand in for hardware.
public protocol Transport: Sendable {
    /// Human-readable endpoint, e.g. `/dev/ttyACM0`, `tcp://127.0.0.1:5555`.
    var endpoint: String { get }

    /// Writes all bytes or throws.
    func write(_ bytes: [UInt8]) async throws(TransportError)

    /// Returns between 1 and `maxBytes` bytes as soon as any are available.
    /// Returns an empty array when `timeout` passes with nothing received.
    /// Throws `TransportError.closed` when the other end has gone away.
    func read(maxBytes: Int, timeout: Duration) async throws(TransportError) -> [UInt8]

    /// Releases the underlying descriptor. Further reads and writes throw `.closed`. Safe to call twice.
    func close() async
}

/// Why a transport operation failed, with what to do about it.
public enum TransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The endpoint could not be opened (no such port, permission denied, connection refused).
    case openFailed(endpoint: String, reason: String)
    /// The other end went away: the USB device vanished, the socket was closed, QEMU exited.
    case closed(endpoint: String)
    /// An operating-system call failed while the endpoint was open.
    case ioFailed(endpoint: String, operation: String, errno: Int32)
    /// A write could not complete within its deadline.
    case writeTimedOut(endpoint: String)

    public var description: String {
        switch self {
        case let .openFailed(endpoint, reason):
            "cannot open \(endpoint): \(reason). Check that the device is connected and that you may use it (e.g. the 'dialout' group)."
        case let .closed(endpoint):
            "\(endpoint) closed: the board or instrument disconnected (USB reset, power loss or emulator exit). Reconnect and retry."
        case let .ioFailed(endpoint, operation, errno):
            "\(operation) on \(endpoint) failed with errno \(errno)."
        case let .writeTimedOut(endpoint):
            "writing to \(endpoint) timed out: the other end is not reading (flow control stuck or device hung)."
        }
    }
}
