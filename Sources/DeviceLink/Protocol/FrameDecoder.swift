/// Turns an arbitrary byte stream into frames: survives reads split anywhere, garbage between frames, corrupted
/// and oversized frames. Resynchronises on every 0x00. Never returns a frame that failed its length or CRC check.
public struct FrameDecoder: Sendable {
    /// How many received frames were dropped, by reason.
    public struct DropCounts: Equatable, Sendable {
        public var malformed = 0
        public var checksum = 0
        public var version = 0
        public var oversized = 0
        public init() {}
        public var total: Int { malformed + checksum + version + oversized }
    }

    /// Largest payload accepted; a longer run of bytes before a delimiter is discarded.
    public var maxPayloadBytes: Int {
        didSet { maxBodyBytes = COBS.maxEncodedBytes(rawBytes: maxPayloadBytes + Frame.headerBytes + Frame.checksumBytes) }
    }
    public private(set) var dropped = DropCounts()

    private var maxBodyBytes: Int
    private var body: [UInt8] = []
    private var discarding = false
    private var ready: [Frame] = []
    private var readyIndex = 0

    public init(maxPayloadBytes: Int = Frame.absoluteMaxPayloadBytes) {
        self.maxPayloadBytes = maxPayloadBytes
        self.maxBodyBytes = COBS.maxEncodedBytes(rawBytes: maxPayloadBytes + Frame.headerBytes + Frame.checksumBytes)
    }

    /// Feeds received bytes; complete frames become available through `nextFrame()`.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            if byte == 0 {
                finishFrame()
            } else if !discarding {
                if body.count == maxBodyBytes {
                    body.removeAll(keepingCapacity: true)
                    discarding = true
                    dropped.oversized += 1
                } else {
                    body.append(byte)
                }
            }
        }
    }

    /// The next complete, valid frame, or nil when more bytes are needed.
    public mutating func nextFrame() -> Frame? {
        guard readyIndex < ready.count else { return nil }
        let frame = ready[readyIndex]
        readyIndex += 1
        if readyIndex == ready.count {
            ready.removeAll(keepingCapacity: true)
            readyIndex = 0
        }
        return frame
    }

    /// Forgets a partial frame (e.g. after reconnecting).
    public mutating func reset() {
        body.removeAll(keepingCapacity: true)
        discarding = false
    }

    private mutating func finishFrame() {
        defer {
            body.removeAll(keepingCapacity: true)
            discarding = false
        }
        guard !discarding, !body.isEmpty else { return }
        do {
            ready.append(try Frame(cobsBody: body))
        } catch {
            switch error {
            case .checksumMismatch: dropped.checksum += 1
            case .unsupportedVersion: dropped.version += 1
            case .cobs, .tooShort, .lengthMismatch: dropped.malformed += 1
            }
        }
    }
}
