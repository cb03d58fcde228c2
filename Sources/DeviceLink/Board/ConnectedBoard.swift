/// A board reached over a `DeviceEndpoint` (serial port, TCP, Unix socket, pseudo-terminal): the link and the
/// exclusive `BoardLock` are all it holds, and `close()` releases both (through `Device.close()`).
public final class ConnectedBoard: Board {
    public let device: Device
    public let boardID: String

    public init(device: Device, boardID: String) {
        self.device = device
        self.boardID = boardID
    }

    public func close() async { await device.close() }
}
