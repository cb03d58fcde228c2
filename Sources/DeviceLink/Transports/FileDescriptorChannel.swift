#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation

/// Non-blocking I/O on one file descriptor (socket, pty, serial port) for the `Transport` implementations.
///
/// Blocking calls (`poll`) run on two private dispatch queues, never on Swift's cooperative thread pool. A wake-up
/// pipe lets `close()` interrupt a pending read at once; the descriptor is closed only after in-flight calls ended.
final class FileDescriptorChannel: @unchecked Sendable {
    let endpoint: String
    private let fd: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let usesSend: Bool
    private let closeDescriptor: @Sendable (Int32) -> Void
    private let readQueue: DispatchQueue
    private let writeQueue: DispatchQueue
    private let lock = NSLock()
    private var isClosed = false
    /// How long one write may wait for the other end to drain.
    let writeTimeout: Duration

    /// Takes ownership of `fd` (switched to non-blocking). `closeDescriptor` releases it (default: `close`).
    init(
        fd: Int32, endpoint: String, isSocket: Bool, writeTimeout: Duration = .seconds(5),
        closeDescriptor: @escaping @Sendable (Int32) -> Void = { POSIX.close($0) }
    ) throws(TransportError) {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else {
            closeDescriptor(fd)
            throw .openFailed(endpoint: endpoint, reason: "pipe() failed: \(POSIX.errorText)")
        }
        for descriptor in [fd, pipeFDs[0], pipeFDs[1]] {
            let flags = fcntl(descriptor, F_GETFL)
            _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        self.fd = fd
        self.endpoint = endpoint
        self.wakeRead = pipeFDs[0]
        self.wakeWrite = pipeFDs[1]
        self.usesSend = isSocket
        self.writeTimeout = writeTimeout
        self.closeDescriptor = closeDescriptor
        self.readQueue = DispatchQueue(label: "tinyhil.read \(endpoint)")
        self.writeQueue = DispatchQueue(label: "tinyhil.write \(endpoint)")
    }

    deinit {
        if !isClosed { closeDescriptor(fd) }
        POSIX.close(wakeRead)
        POSIX.close(wakeWrite)
    }

    private var closed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return isClosed
    }

    func read(maxBytes: Int, timeout: Duration) async throws(TransportError) -> [UInt8] {
        let result: Result<[UInt8], TransportError> = await withCheckedContinuation { continuation in
            readQueue.async { continuation.resume(returning: self.blockingRead(maxBytes: maxBytes, timeout: timeout)) }
        }
        return try result.get()
    }

    func write(_ bytes: [UInt8]) async throws(TransportError) {
        let result: Result<Void, TransportError> = await withCheckedContinuation { continuation in
            writeQueue.async { continuation.resume(returning: self.blockingWrite(bytes)) }
        }
        try result.get()
    }

    func close() async {
        guard markClosed() else { return }
        var one: UInt8 = 1
        _ = POSIX.write(wakeWrite, &one, 1)
        // Both queues are serial: once these blocks run, no call uses the descriptor any more.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            readQueue.async {
                self.writeQueue.async {
                    self.closeDescriptor(self.fd)
                    continuation.resume()
                }
            }
        }
    }

    /// Returns false when already closed.
    private func markClosed() -> Bool {
        lock.withLock {
            if isClosed { return false }
            isClosed = true
            return true
        }
    }

    private func blockingRead(maxBytes: Int, timeout: Duration) -> Result<[UInt8], TransportError> {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: max(1, maxBytes))
        while true {
            if closed { return .failure(.closed(endpoint: endpoint)) }
            let remaining = ContinuousClock.now.duration(to: deadline)
            let waitMillis = remaining <= .zero ? 0 : Int32(clamping: remaining.milliseconds + 1)
            var fds = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, waitMillis)
            if ready < 0 {
                if errno == EINTR { continue }
                return .failure(.ioFailed(endpoint: endpoint, operation: "poll", errno: errno))
            }
            if closed || fds[1].revents != 0 { return .failure(.closed(endpoint: endpoint)) }
            if ready == 0 || fds[0].revents == 0 {
                if remaining <= .zero { return .success([]) }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { POSIX.read(fd, $0.baseAddress, $0.count) }
            if count > 0 { return .success(Array(buffer[0..<count])) }
            if count == 0 { return .failure(.closed(endpoint: endpoint)) }
            switch errno {
            case EAGAIN, EWOULDBLOCK, EINTR: continue
            // A pty whose other side closed, a USB device that vanished, a reset connection.
            case EIO, ENXIO, ENODEV, ECONNRESET, EPIPE, EBADF: return .failure(.closed(endpoint: endpoint))
            default: return .failure(.ioFailed(endpoint: endpoint, operation: "read", errno: errno))
            }
        }
    }

    private func blockingWrite(_ bytes: [UInt8]) -> Result<Void, TransportError> {
        let deadline = ContinuousClock.now + writeTimeout
        var offset = 0
        while offset < bytes.count {
            if closed { return .failure(.closed(endpoint: endpoint)) }
            let count = bytes.withUnsafeBytes { raw -> Int in
                let start = raw.baseAddress! + offset
                let length = raw.count - offset
                return usesSend ? POSIX.sendNoSignal(fd, start, length) : POSIX.write(fd, start, length)
            }
            if count > 0 {
                offset += count
                continue
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK, EINTR:
                let remaining = ContinuousClock.now.duration(to: deadline)
                if remaining <= .zero { return .failure(.writeTimedOut(endpoint: endpoint)) }
                var fds = [
                    pollfd(fd: fd, events: Int16(POLLOUT), revents: 0),
                    pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                ]
                _ = poll(&fds, 2, Int32(clamping: remaining.milliseconds + 1))
                if fds[1].revents != 0 { return .failure(.closed(endpoint: endpoint)) }
            case EIO, ENXIO, ENODEV, ECONNRESET, EPIPE, EBADF: return .failure(.closed(endpoint: endpoint))
            default: return .failure(.ioFailed(endpoint: endpoint, operation: "write", errno: errno))
            }
        }
        return .success(())
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
