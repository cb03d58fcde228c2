/// A network serial port (RFC 2217) changes its line rate through the server: `Device.switchBaudRate` works over it
/// as over a local UART.
extension RFC2217Transport: BaudRateAdjustable {
    public func setBaudRate(_ baud: Int) async throws(TransportError) {
        guard let bitsPerSecond = UInt32(exactly: baud) else {
            throw .ioFailed(endpoint: endpoint, operation: "RFC 2217 SET-BAUDRATE \(baud) (not a rate)", errno: 0)
        }
        do { try await setBaudRate(bitsPerSecond: bitsPerSecond) } catch {
            throw .ioFailed(endpoint: endpoint, operation: "RFC 2217 SET-BAUDRATE \(baud): \(error)", errno: 0)
        }
    }
}
