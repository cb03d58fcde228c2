import Foundation

/// Two connected in-memory endpoints, for tests and in-process fakes: what one writes, the other reads.
public final class InProcessTransport: Transport {
    public let endpoint: String
    private let incoming: ByteQueue
    private let outgoing: ByteQueue

    private init(endpoint: String, incoming: ByteQueue, outgoing: ByteQueue) {
        self.endpoint = endpoint
        self.incoming = incoming
        self.outgoing = outgoing
    }

    /// A connected pair; closing either end closes both directions.
    public static func pair(name: String = "in-process") -> (InProcessTransport, InProcessTransport) {
        let aToB = ByteQueue()
        let bToA = ByteQueue()
        return (
            InProcessTransport(endpoint: "\(name)-a", incoming: bToA, outgoing: aToB),
            InProcessTransport(endpoint: "\(name)-b", incoming: aToB, outgoing: bToA)
        )
    }

    public func write(_ bytes: [UInt8]) async throws(TransportError) {
        guard outgoing.push(bytes), !incoming.isClosed else { throw .closed(endpoint: endpoint) }
    }

    public func read(maxBytes: Int, timeout: Duration) async throws(TransportError) -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        while true {
            switch incoming.pop(maxBytes: maxBytes) {
            case let .bytes(bytes): return bytes
            case .closed: throw .closed(endpoint: endpoint)
            case .empty:
                if outgoing.isClosed { throw .closed(endpoint: endpoint) }
                if ContinuousClock.now >= deadline { return [] }
                try? await Task.sleep(for: .milliseconds(1))
            }
        }
    }

    public func close() async {
        incoming.close()
        outgoing.close()
    }
}

/// A locked byte FIFO with a closed flag.
private final class ByteQueue: @unchecked Sendable {
    enum PopResult {
        case bytes([UInt8])
        case empty
        case closed
    }

    private let lock = NSLock()
    private var buffer: [UInt8] = []
    private var start = 0
    private var closed = false

    var isClosed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return closed
    }

    func push(_ bytes: [UInt8]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if closed { return false }
        buffer.append(contentsOf: bytes)
        return true
    }

    func pop(maxBytes: Int) -> PopResult {
        lock.lock()
        defer { lock.unlock() }
        let available = buffer.count - start
        if available == 0 { return closed ? .closed : .empty }
        let count = min(available, max(1, maxBytes))
        let out = Array(buffer[start..<(start + count)])
        start += count
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65536 {
            buffer.removeFirst(start)
            start = 0
        }
        return .bytes(out)
    }

    func close() {
        lock.lock()
        closed = true
        lock.unlock()
    }
}
