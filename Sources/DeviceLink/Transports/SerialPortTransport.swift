import CSerialPort

/// A real serial port (USB CDC ACM, USB-UART bridge) through libserialport: 8N1, no flow control.
/// Pseudo-terminals cannot be opened this way; use `PseudoTerminalTransport` for them.
public final class SerialPortTransport: Transport, BaudRateAdjustable {
    public let endpoint: String
    private let channel: FileDescriptorChannel
    private let handle: SerialPortHandle

    /// Opens the port at `path` with the given baud rate (ignored by USB CDC devices).
    public init(path: String, baudRate: Int = 115_200) throws(TransportError) {
        endpoint = path
        var port: OpaquePointer?
        guard sp_get_port_by_name(path, &port) == SP_OK, let port else {
            throw .openFailed(endpoint: path, reason: "no such serial port")
        }
        guard sp_open(port, SP_MODE_READ_WRITE) == SP_OK else {
            let reason = sp_last_error_message().map { message in
                defer { sp_free_error_message(message) }
                return String(cString: message)
            } ?? "sp_open failed"
            sp_free_port(port)
            throw .openFailed(endpoint: path, reason: reason)
        }
        _ = sp_set_baudrate(port, Int32(baudRate))
        _ = sp_set_bits(port, 8)
        _ = sp_set_parity(port, SP_PARITY_NONE)
        _ = sp_set_stopbits(port, 1)
        _ = sp_set_flowcontrol(port, SP_FLOWCONTROL_NONE)
        var fd: Int32 = -1
        guard sp_get_port_handle(port, &fd) == SP_OK, fd >= 0 else {
            sp_close(port)
            sp_free_port(port)
            throw .openFailed(endpoint: path, reason: "libserialport gave no file descriptor")
        }
        let owned = SerialPortHandle(port: port)
        handle = owned
        channel = try FileDescriptorChannel(fd: fd, endpoint: path, isSocket: false) { _ in owned.release() }
    }

    /// Opens the port whose USB serial number is `serialNumber` (stable across re-enumeration, unlike tty paths).
    public convenience init(serialNumber: String, baudRate: Int = 115_200) throws(TransportError) {
        let ports = try SerialPortInfo.all()
        guard let match = ports.first(where: { $0.usbSerialNumber == serialNumber }) else {
            let known = ports.compactMap(\.usbSerialNumber)
            throw .openFailed(
                endpoint: "serial:\(serialNumber)",
                reason: "no USB serial port has serial number \(serialNumber) (present: \(known.isEmpty ? "none" : known.joined(separator: ", "))); run 'tinyhil devices'"
            )
        }
        try self.init(path: match.path, baudRate: baudRate)
    }

    public func write(_ bytes: [UInt8]) async throws(TransportError) { try await channel.write(bytes) }

    public func read(maxBytes: Int, timeout: Duration) async throws(TransportError) -> [UInt8] {
        try await channel.read(maxBytes: maxBytes, timeout: timeout)
    }

    public func close() async { await channel.close() }

    /// Changes the line's rate (protocol v2 SET_BAUD; a USB CDC device ignores it).
    public func setBaudRate(_ baud: Int) async throws(TransportError) {
        guard let rate = Int32(exactly: baud), handle.setBaudRate(rate) else {
            throw .ioFailed(endpoint: endpoint, operation: "sp_set_baudrate(\(baud))", errno: 0)
        }
    }
}

/// Owns a libserialport port so the channel can close it exactly once.
private final class SerialPortHandle: @unchecked Sendable {
    private var port: OpaquePointer?

    init(port: OpaquePointer) { self.port = port }

    func setBaudRate(_ baud: Int32) -> Bool {
        guard let port else { return false }
        return sp_set_baudrate(port, baud) == SP_OK
    }

    func release() {
        guard let port else { return }
        self.port = nil
        sp_close(port)
        sp_free_port(port)
    }
}
