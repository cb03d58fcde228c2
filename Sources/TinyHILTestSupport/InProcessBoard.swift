import DeviceLink

/// A `FakeBoard` served in this process as a `Board`: what a Bench test needs instead of QEMU.
/// ```swift
/// let board = try await InProcessBoard.start()
/// let bench = try await Bench(board: board, meter: meter)   // a SimulatedMeter that watches board.device
/// ```
public final class InProcessBoard: Board {
    public let device: Device
    /// The firmware stand-in (to inspect what it executed, or to `reboot()` it).
    public let firmware: FakeBoard
    public let boardID = "fake-board"
    private let serving: Task<Void, Never>

    private init(device: Device, firmware: FakeBoard, serving: Task<Void, Never>) {
        self.device = device
        self.firmware = firmware
        self.serving = serving
    }

    /// Starts the fake firmware, connects and says HELLO.
    public static func start(
        _ options: FakeBoard.Options = .init(),
        timeouts: DeviceTimeouts = .init(command: .milliseconds(500), perInference: .milliseconds(500))
    ) async throws(DeviceError) -> InProcessBoard {
        let (host, boardEnd) = InProcessTransport.pair()
        let firmware = FakeBoard(transport: boardEnd, options: options)
        let serving = Task { await firmware.run() }
        let board = InProcessBoard(device: Device(transport: host, timeouts: timeouts), firmware: firmware, serving: serving)
        try await closingOnFailure(board.close) { () async throws(DeviceError) in _ = try await board.device.hello() }
        return board
    }

    /// True once `close()` ran.
    public var isClosed: Bool { serving.isCancelled }

    public func close() async {
        await device.close()  // closes both directions of the link, which ends `run()`
        serving.cancel()
        await serving.value
    }
}
