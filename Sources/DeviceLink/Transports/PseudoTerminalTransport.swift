#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pseudo-terminal (e.g. QEMU's `-serial pty`, socat) or any tty libserialport cannot open, in raw mode via termios.
public final class PseudoTerminalTransport: Transport {
    public let endpoint: String
    private let channel: FileDescriptorChannel

    /// Opens `path` (e.g. `/dev/pts/5`) and puts it in raw 8-bit mode without echo or flow control.
    public init(path: String) throws(TransportError) {
        endpoint = path
        let fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .openFailed(endpoint: path, reason: POSIX.errorText) }
        if let reason = Self.makeRaw(fd: fd) {
            POSIX.close(fd)
            throw .openFailed(endpoint: path, reason: reason)
        }
        channel = try FileDescriptorChannel(fd: fd, endpoint: path, isSocket: false)
    }

    /// Adopts an already-open terminal descriptor (e.g. a pty master from `openpty`), making it raw.
    public init(adopting fd: Int32, endpoint: String) throws(TransportError) {
        self.endpoint = endpoint
        if let reason = Self.makeRaw(fd: fd) {
            POSIX.close(fd)
            throw .openFailed(endpoint: endpoint, reason: reason)
        }
        channel = try FileDescriptorChannel(fd: fd, endpoint: endpoint, isSocket: false)
    }

    /// Returns nil on success, else the reason.
    static func makeRaw(fd: Int32) -> String? {
        var settings = termios()
        guard tcgetattr(fd, &settings) == 0 else { return "not a terminal: \(POSIX.errorText)" }
        cfmakeraw(&settings)
        settings.c_cflag |= tcflag_t(CLOCAL | CREAD)
        settings.c_cflag &= ~tcflag_t(CRTSCTS)
        settings.c_iflag &= ~tcflag_t(IXON | IXOFF | IXANY)
        guard tcsetattr(fd, TCSANOW, &settings) == 0 else { return "cannot set raw mode: \(POSIX.errorText)" }
        return nil
    }

    public func write(_ bytes: [UInt8]) async throws(TransportError) { try await channel.write(bytes) }

    public func read(maxBytes: Int, timeout: Duration) async throws(TransportError) -> [UInt8] {
        try await channel.read(maxBytes: maxBytes, timeout: timeout)
    }

    public func close() async { await channel.close() }
}
