import Foundation

/// A testing tool: sits between the host and a board (wrapping the host's transport) and damages the byte stream
/// in both directions — drops, corrupts and duplicates bytes, duplicates whole writes, delays delivery, and
/// disconnects in the middle of a frame — driven by a seeded PRNG so every run is reproducible.
///
/// The protocol must turn every such fault into a correct result or a typed error within the call's timeout.
public final class FaultInjectingTransport: Transport, @unchecked Sendable {
    /// Fault rates: per byte for byte faults, per `write`/`read` call for the others.
    public struct Profile: Equatable, Sendable {
        public var byteDropRate: Double
        public var byteCorruptRate: Double
        public var byteDuplicateRate: Double
        /// A whole write sent twice (exercises the board's duplicate suppression).
        public var writeDuplicateRate: Double
        public var delayRate: Double
        public var maxDelay: Duration
        /// Write a prefix of a frame, then close the connection.
        public var disconnectRate: Double

        public init(
            byteDropRate: Double = 0, byteCorruptRate: Double = 0, byteDuplicateRate: Double = 0,
            writeDuplicateRate: Double = 0, delayRate: Double = 0, maxDelay: Duration = .zero, disconnectRate: Double = 0
        ) {
            self.byteDropRate = byteDropRate
            self.byteCorruptRate = byteCorruptRate
            self.byteDuplicateRate = byteDuplicateRate
            self.writeDuplicateRate = writeDuplicateRate
            self.delayRate = delayRate
            self.maxDelay = maxDelay
            self.disconnectRate = disconnectRate
        }
    }

    /// How many faults of each kind were injected.
    public struct Counts: Equatable, Sendable {
        public var droppedBytes = 0
        public var corruptedBytes = 0
        public var duplicatedBytes = 0
        public var duplicatedWrites = 0
        public var delays = 0
        public var disconnects = 0
        public init() {}
        public var total: Int { droppedBytes + corruptedBytes + duplicatedBytes + duplicatedWrites + delays + disconnects }
    }

    public let endpoint: String
    private let inner: any Transport
    private let lock = NSLock()
    private var state: UInt64
    private var profile: Profile
    private var counts = Counts()
    private var disconnected = false

    public init(wrapping inner: any Transport, profile: Profile, seed: UInt64) {
        self.inner = inner
        self.profile = profile
        self.state = seed
        self.endpoint = "faulty(\(inner.endpoint))"
    }

    public var injected: Counts { lock.withLock { counts } }

    /// Changes the fault rates (e.g. zero while setting up).
    public func setProfile(_ profile: Profile) { lock.withLock { self.profile = profile } }

    public func write(_ bytes: [UInt8]) async throws(TransportError) {
        let plan = lock.withLock { () -> (bytes: [UInt8], twice: Bool, delay: Duration?, cutAt: Int?) in
            if disconnected { return ([], false, nil, nil) }
            let damaged = damage(bytes)
            let twice = chance(profile.writeDuplicateRate)
            if twice { counts.duplicatedWrites += 1 }
            let delay = delayIfAny()
            var cut: Int?
            if chance(profile.disconnectRate) && damaged.count > 1 {
                cut = Int(uniform(UInt64(damaged.count - 1))) + 1
                counts.disconnects += 1
                disconnected = true
            }
            return (damaged, twice, delay, cut)
        }
        if plan.bytes.isEmpty && plan.cutAt == nil && isDisconnected { throw .closed(endpoint: endpoint) }
        if let delay = plan.delay { try? await Task.sleep(for: delay) }
        if let cut = plan.cutAt {
            try? await inner.write(Array(plan.bytes[0..<cut]))
            await inner.close()
            throw .closed(endpoint: endpoint)
        }
        try await inner.write(plan.bytes)
        if plan.twice { try await inner.write(plan.bytes) }
    }

    public func read(maxBytes: Int, timeout: Duration) async throws(TransportError) -> [UInt8] {
        if isDisconnected { throw .closed(endpoint: endpoint) }
        let received = try await inner.read(maxBytes: maxBytes, timeout: timeout)
        if received.isEmpty { return received }
        let (damaged, delay) = lock.withLock { (damage(received), delayIfAny()) }
        if let delay { try? await Task.sleep(for: delay) }
        return damaged
    }

    public func close() async {
        lock.withLock { disconnected = true }
        await inner.close()
    }

    private var isDisconnected: Bool { lock.withLock { disconnected } }

    // MARK: - PRNG (SplitMix64), called with `lock` held

    private func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private func chance(_ rate: Double) -> Bool {
        rate > 0 && Double(next() >> 11) / Double(1 << 53) < rate
    }

    private func uniform(_ bound: UInt64) -> UInt64 { bound == 0 ? 0 : next() % bound }

    private func delayIfAny() -> Duration? {
        guard chance(profile.delayRate), profile.maxDelay > .zero else { return nil }
        counts.delays += 1
        let micros = profile.maxDelay.components.seconds * 1_000_000 + profile.maxDelay.components.attoseconds / 1_000_000_000_000
        return .microseconds(Int64(uniform(UInt64(max(1, micros)))))
    }

    private func damage(_ bytes: [UInt8]) -> [UInt8] {
        let anyByteFault = profile.byteDropRate + profile.byteCorruptRate + profile.byteDuplicateRate
        guard anyByteFault > 0 else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 4)
        for byte in bytes {
            if chance(profile.byteDropRate) {
                counts.droppedBytes += 1
                continue
            }
            var value = byte
            if chance(profile.byteCorruptRate) {
                value ^= UInt8(truncatingIfNeeded: uniform(255) + 1)
                counts.corruptedBytes += 1
            }
            out.append(value)
            if chance(profile.byteDuplicateRate) {
                out.append(value)
                counts.duplicatedBytes += 1
            }
        }
        return out
    }
}

/// A testing tool: counts the bytes that cross a transport (to measure wire efficiency).
public final class ByteCountingTransport: Transport, @unchecked Sendable {
    public let endpoint: String
    private let inner: any Transport
    private let lock = NSLock()
    private var written = 0
    private var read = 0

    public init(wrapping inner: any Transport) {
        self.inner = inner
        self.endpoint = inner.endpoint
    }

    /// Bytes written and read so far.
    public var totals: (writtenBytes: Int, readBytes: Int) { lock.withLock { (written, read) } }

    public func write(_ bytes: [UInt8]) async throws(TransportError) {
        try await inner.write(bytes)
        lock.withLock { written += bytes.count }
    }

    public func read(maxBytes: Int, timeout: Duration) async throws(TransportError) -> [UInt8] {
        let bytes = try await inner.read(maxBytes: maxBytes, timeout: timeout)
        lock.withLock { read += bytes.count }
        return bytes
    }

    public func close() async { await inner.close() }
}
