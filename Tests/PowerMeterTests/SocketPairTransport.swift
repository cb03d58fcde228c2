import DeviceLink
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One end of a Unix socket pair as a `Transport`, for driving a meter driver against a simulator in tests.
/// Non-blocking descriptor polled in short steps, so neither side ever blocks a cooperative thread.
final class SocketPairTransport: Transport, @unchecked Sendable {
    let endpoint: String
    private let lock = NSLock()
    private var descriptor: Int32

    private init(descriptor: Int32, endpoint: String) {
        self.descriptor = descriptor
        self.endpoint = endpoint
    }

    static func makePair() throws -> (host: SocketPairTransport, instrument: SocketPairTransport) {
        var fds: [Int32] = [0, 0]
        #if canImport(Glibc)
        let type = Int32(SOCK_STREAM.rawValue)
        #else
        let type = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, type, 0, &fds) == 0 else {
            throw TransportError.openFailed(endpoint: "socketpair", reason: String(cString: strerror(errno)))
        }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        return (SocketPairTransport(descriptor: fds[0], endpoint: "socketpair:host"),
                SocketPairTransport(descriptor: fds[1], endpoint: "socketpair:instrument"))
    }

    private var fd: Int32 { lock.withLock { descriptor } }

    func write(_ bytes: [UInt8]) async throws(TransportError) {
        var offset = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while offset < bytes.count {
            let fd = self.fd
            guard fd >= 0 else { throw .closed(endpoint: endpoint) }
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                offset += written
                continue
            }
            let error = errno
            if error == EAGAIN || error == EWOULDBLOCK || error == EINTR {
                guard ContinuousClock.now < deadline else { throw .writeTimedOut(endpoint: endpoint) }
                try? await Task.sleep(for: .microseconds(200))
                continue
            }
            if error == EPIPE || error == ECONNRESET { throw .closed(endpoint: endpoint) }
            throw .ioFailed(endpoint: endpoint, operation: "send", errno: error)
        }
    }

    func read(maxBytes: Int, timeout: Duration) async throws(TransportError) -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: maxBytes)
        while true {
            let fd = self.fd
            guard fd >= 0 else { throw .closed(endpoint: endpoint) }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, maxBytes, 0) }
            if count > 0 { return Array(buffer[0..<count]) }
            if count == 0 { throw .closed(endpoint: endpoint) }
            let error = errno
            guard error == EAGAIN || error == EWOULDBLOCK || error == EINTR else {
                throw .ioFailed(endpoint: endpoint, operation: "recv", errno: error)
            }
            if ContinuousClock.now >= deadline { return [] }
            try? await Task.sleep(for: .microseconds(500))
        }
    }

    func close() async {
        let fd = lock.withLock { () -> Int32 in
            let old = descriptor
            descriptor = -1
            return old
        }
        #if canImport(Glibc)
        if fd >= 0 { _ = Glibc.close(fd) }
        #else
        if fd >= 0 { _ = Darwin.close(fd) }
        #endif
    }
}
