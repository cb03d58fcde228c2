#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP or Unix-domain stream socket: QEMU's `-serial tcp:…` / `-chardev socket`, ser2net.
public final class SocketTransport: Transport {
    public let endpoint: String
    private let channel: FileDescriptorChannel

    /// Adopts a connected stream socket (e.g. from `accept` or `socketpair`); the transport closes it.
    public init(adopting fd: Int32, endpoint: String) throws(TransportError) {
        self.endpoint = endpoint
        self.channel = try FileDescriptorChannel(fd: fd, endpoint: endpoint, isSocket: true)
    }

    /// Connects to `host:port` (name or numeric address), trying every address the resolver returns.
    public static func connect(host: String, port: UInt16, timeout: Duration = .seconds(5)) async throws(TransportError)
        -> SocketTransport
    {
        let endpoint = "tcp://\(host):\(port)"
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .openFailed(endpoint: endpoint, reason: "cannot resolve host: \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastReason = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd < 0 {
                lastReason = POSIX.errorText
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if let reason = connectWithTimeout(fd: fd, address: info.pointee.ai_addr, length: info.pointee.ai_addrlen, timeout: timeout) {
                POSIX.close(fd)
                lastReason = reason
                continue
            }
            return try SocketTransport(adopting: fd, endpoint: endpoint)
        }
        throw .openFailed(endpoint: endpoint, reason: lastReason)
    }

    /// Connects to a Unix-domain stream socket at `path`.
    public static func connect(unixPath path: String, timeout: Duration = .seconds(5)) async throws(TransportError)
        -> SocketTransport
    {
        let endpoint = "unix:\(path)"
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .openFailed(endpoint: endpoint, reason: POSIX.errorText) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else {
            POSIX.close(fd)
            throw .openFailed(endpoint: endpoint, reason: "socket path longer than \(capacity - 1) bytes; use a shorter directory")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in pathBytes.enumerated() { raw[index] = byte }
            raw[pathBytes.count] = 0
        }
        let reason = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connectWithTimeout(fd: fd, address: $0, length: socklen_t(MemoryLayout<sockaddr_un>.size), timeout: timeout)
            }
        }
        if let reason {
            POSIX.close(fd)
            throw .openFailed(endpoint: endpoint, reason: reason)
        }
        return try SocketTransport(adopting: fd, endpoint: endpoint)
    }

    /// Returns nil on success, else the reason.
    private static func connectWithTimeout(
        fd: Int32, address: UnsafePointer<sockaddr>?, length: socklen_t, timeout: Duration
    ) -> String? {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        if POSIX.connect(fd, address, length) == 0 { return nil }
        guard errno == EINPROGRESS || errno == EINTR else { return POSIX.errorText }
        var fds = [pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)]
        let ready = poll(&fds, 1, Int32(clamping: timeout.milliseconds))
        if ready <= 0 { return "connection timed out after \(timeout)" }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
        return error == 0 ? nil : String(cString: strerror(error))
    }

    public func write(_ bytes: [UInt8]) async throws(TransportError) { try await channel.write(bytes) }

    public func read(maxBytes: Int, timeout: Duration) async throws(TransportError) -> [UInt8] {
        try await channel.read(maxBytes: maxBytes, timeout: timeout)
    }

    public func close() async { await channel.close() }
}
