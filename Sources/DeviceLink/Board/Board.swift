/// Something that runs the TinyHIL firmware and speaks docs/protocol.md: a Pico on a USB-UART, the firmware under
/// QEMU (`VirtualBoard`), an emulated Pico, a board behind a bench host. Like `Transport` (bytes) and `PowerMeter`
/// (current), a board is a resource with one lifecycle: it is opened connected (HELLO answered), used through
/// `device`, and closed exactly once by `close()`, which releases everything it holds (the link, the board lock, an
/// emulator process).
///
/// Implementations: `VirtualBoard` (QEMU mps2-an385), `EmulatedPico` (`--bench pico-emulated`: the Pico firmware
/// under rp2040py), `ConnectedBoard` (any other `DeviceEndpoint`). Planned: remote benches.
///
/// The board's facts (counter unit, clock, capacities, boot count) are its HELLO reply (`facts()`); which model the
/// board holds is owned by `device` alone (`Device.model`), which forgets it when the boot count changes.
public protocol Board: AnyObject, Sendable {
    /// The protocol client for this board (HELLO already answered when the board was opened).
    var device: Device { get }
    /// A stable identifier for results (USB serial number, endpoint, or `virtual-mps2-an385`).
    var boardID: String { get }
    /// Closes the link and releases what the board holds (lock, emulator). Safe to call twice.
    func close() async
}

extension Board {
    /// The board's HELLO reply: counter unit, clock, capacities, firmware version and boot count.
    /// Asks the board again only when no HELLO has been answered yet.
    public func facts() async throws(DeviceError) -> HelloReply {
        if let known = await device.boardInfo { return known }
        return try await device.hello()
    }
}
