/// What the host's side of the link has seen since the `Device` was created.
public struct LinkStatistics: Equatable, Sendable {
    /// Requests sent for the first time.
    public var requests = 0
    /// Re-sends after a timeout (same sequence number).
    public var retries = 0
    /// Requests that ended without a valid reply after every attempt.
    public var timeouts = 0
    /// Valid frames with a sequence number or type the host was not waiting for (late replies to earlier attempts).
    public var staleFrames = 0
    /// Received frames dropped by the decoder (bad CRC, bad length, oversized).
    public var droppedFrames = 0
    /// Model uploads begun (`load`, any slot).
    public var modelUploads = 0
    public var bytesWritten = 0
    public var bytesRead = 0
}
