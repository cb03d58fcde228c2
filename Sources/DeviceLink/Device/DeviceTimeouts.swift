/// How long the host waits for each kind of reply, and how often it retries.
public struct DeviceTimeouts: Equatable, Sendable {
    /// HELLO, MARKER, RESET, LOAD_CHUNK: a board answers these at once.
    public var command: Duration
    /// LOAD_BEGIN on a board that keeps models in RAM.
    public var loadBeginRAM: Duration
    /// LOAD_BEGIN on a flash board (HELLO flag bit 0): the board erases flash before replying.
    public var loadBeginFlash: Duration
    /// LOAD_END: the board checks the model, plans the arena and prepares every operator.
    public var loadEnd: Duration
    /// Allowance per inference, added to `command` for INFER, PROFILE, each INFER_BATCH input and RUN_WINDOW.
    public var perInference: Duration
    /// Allowance per KiB of request plus reply payload, added to every timeout: a link's byte rate (a 115200-baud
    /// UART moves about 11 KiB/s; QEMU's emulated UART is slower still under load).
    public var perKibibyte: Duration
    /// Sends per request (1 = no retry). Retries reuse the sequence number, so the board never executes twice.
    public var attempts: Int

    public init(
        command: Duration = .seconds(2), loadBeginRAM: Duration = .seconds(2), loadBeginFlash: Duration = .seconds(60),
        loadEnd: Duration = .seconds(10), perInference: Duration = .seconds(10), perKibibyte: Duration = .milliseconds(250),
        attempts: Int = 3
    ) {
        self.perKibibyte = perKibibyte
        self.command = command
        self.loadBeginRAM = loadBeginRAM
        self.loadBeginFlash = loadBeginFlash
        self.loadEnd = loadEnd
        self.perInference = perInference
        self.attempts = max(1, attempts)
    }

    /// Defaults for real boards and the virtual board.
    public static let standard = DeviceTimeouts()

    /// Extra time to move `bytes` over the link.
    public func transfer(bytes: Int) -> Duration { perKibibyte * Double(bytes) / 1024 }

    /// Timeout for a request that runs `inferences` inferences.
    public func inference(count inferences: Int) -> Duration { command + perInference * max(1, inferences) }
}
