import Foundation

/// Where a bench's board is, as written on a command line or in a configuration:
/// `virtual`, `pico-emulated`, `/dev/ttyACM0`, `serial:E6614103E7452D2F` (USB serial number), `tcp://host:port`, `unix:/path`,
/// `pty:/dev/pts/5`, `rfc2217://host:port`, `labgrid:PLACE`.
public enum DeviceEndpoint: Equatable, Sendable, CustomStringConvertible {
    /// The firmware under QEMU (`VirtualBoard`).
    case virtual
    /// The Pico firmware under the RP2040 emulator (`EmulatedPico`), written `pico-emulated`.
    case emulatedPico
    /// A serial port by path (libserialport; `/dev/pts/*` paths are opened with termios instead).
    case serialPath(String)
    /// A USB serial port chosen by its USB serial number (survives re-enumeration).
    case serialNumber(String)
    case tcp(host: String, port: UInt16)
    case unixSocket(path: String)
    /// A pseudo-terminal, opened with termios.
    case pseudoTerminal(path: String)
    /// A serial port served over RFC 2217 (ser2net `telnet(rfc2217)`), `rfc2217://host:port`, set to 115200 8N1.
    case rfc2217(host: String, port: UInt16)
    /// A labgrid place, `labgrid:PLACE`: acquired through the coordinator, its `board` (and `meter`) resources reached
    /// over RFC 2217. Opened by the Bench module (`BenchConfiguration.openBoard`), which holds the place for the run.
    case labgridPlace(String)

    /// Why an endpoint string was not understood.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public var text: String
        public var description: String {
            "cannot understand bench '\(text)': use virtual, pico-emulated, /dev/ttyACM0, serial:SERIALNUMBER, tcp://host:port, rfc2217://host:port, labgrid:PLACE, unix:/path or pty:/dev/pts/N"
        }
    }

    public static func parse(_ text: String) throws(ParseError) -> DeviceEndpoint {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "virtual" || trimmed == "qemu" { return .virtual }
        if trimmed == "pico-emulated" { return .emulatedPico }
        if let rest = trimmed.dropPrefix("serial:"), !rest.isEmpty { return .serialNumber(rest) }
        if let rest = trimmed.dropPrefix("unix:"), !rest.isEmpty { return .unixSocket(path: rest) }
        if let rest = trimmed.dropPrefix("pty:"), !rest.isEmpty { return .pseudoTerminal(path: rest) }
        if let rest = trimmed.dropPrefix("labgrid:") {
            let place = rest.trimmingCharacters(in: .whitespaces)
            guard !place.isEmpty, !place.contains(where: { $0.isWhitespace || $0 == "/" }) else { throw ParseError(text: text) }
            return .labgridPlace(place)
        }
        if let rest = trimmed.dropPrefix("rfc2217://"), case let .tcp(host, port)? = try? parse("tcp://" + rest) {
            return .rfc2217(host: host, port: port)
        }
        if let rest = trimmed.dropPrefix("tcp://") {
            guard let colon = rest.lastIndex(of: ":"), let port = UInt16(rest[rest.index(after: colon)...]), port > 0 else {
                throw ParseError(text: text)
            }
            var host = String(rest[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { throw ParseError(text: text) }
            return .tcp(host: host, port: port)
        }
        if trimmed.hasPrefix("/dev/pts/") { return .pseudoTerminal(path: trimmed) }
        if trimmed.hasPrefix("/") { return .serialPath(trimmed) }
        throw ParseError(text: text)
    }

    public var description: String {
        switch self {
        case .virtual: "virtual"
        case .emulatedPico: "pico-emulated"
        case let .serialPath(path): path
        case let .serialNumber(serial): "serial:\(serial)"
        case let .tcp(host, port): "tcp://\(host):\(port)"
        case let .unixSocket(path): "unix:\(path)"
        case let .pseudoTerminal(path): "pty:\(path)"
        case let .rfc2217(host, port): "rfc2217://\(host):\(port)"
        case let .labgridPlace(place): "labgrid:\(place)"
        }
    }

    /// Opens the board: for `.virtual` builds the firmware (with `firmwareVersion` baked in when given) and starts
    /// QEMU; otherwise takes the exclusive `BoardLock` (on every key of its ``BoardIdentity``) and connects. Either
    /// way HELLO has been answered; `close()` on the returned board releases everything.
    public func open(timeouts: DeviceTimeouts = .standard, firmwareVersion: String? = nil) async throws -> any Board {
        switch self {
        case .virtual:
            return try await VirtualBoard.start(timeouts: timeouts, firmwareVersion: firmwareVersion)
        case .labgridPlace:
            throw DeviceError.openFailed(TransportError.openFailed(
                endpoint: description, reason: "a labgrid place is opened through a bench (BenchConfiguration.openBoard), which acquires it"))
        case .emulatedPico:
            // The emulator is about 100 times slower than a Pico: its own timeouts, whatever the caller's.
            return try await EmulatedPico.start(timeouts: EmulatedPico.timeouts)
        default:
            let lock = try BoardLock.acquire(keys: lockKeys(), endpoint: description)
            let transport: any Transport
            do {
                transport = try await openTransport()
            } catch {
                lock.release()
                throw DeviceError.openFailed(error)
            }
            let device = Device(transport: transport, lock: lock, timeouts: timeouts)
            try await closingOnFailure(device.close) { () async throws(DeviceError) in _ = try await device.hello() }
            return ConnectedBoard(device: device, boardID: description)
        }
    }

    /// Opens the byte stream only (no lock, no HELLO). Not available for `.virtual` (use `VirtualBoard`).
    public func openTransport() async throws(TransportError) -> any Transport {
        switch self {
        case .virtual: throw .openFailed(endpoint: "virtual", reason: "use VirtualBoard.start() for the virtual board")
        case .emulatedPico: throw .openFailed(endpoint: "pico-emulated", reason: "use EmulatedPico.start() for the emulated Pico")
        case .labgridPlace:
            throw .openFailed(endpoint: description, reason: "acquire the place first (BenchConfiguration.openBoard resolves it to rfc2217://)")
        case let .serialPath(path): return try SerialPortTransport(path: path)
        case let .serialNumber(serial): return try SerialPortTransport(serialNumber: serial)
        case let .tcp(host, port): return try await SocketTransport.connect(host: host, port: port)
        case let .unixSocket(path): return try await SocketTransport.connect(unixPath: path)
        case let .pseudoTerminal(path): return try PseudoTerminalTransport(path: path)
        case let .rfc2217(host, port):
            do { return try await RFC2217Transport.connect(host: host, port: port) } catch { throw error.transportError }
        }
    }

    /// The board lock's keys: every identity of the board this endpoint reaches (``BoardIdentity``).
    public func lockKeys() -> [String] { BoardIdentity.of(self).keys }

    /// The first of ``lockKeys()``.
    public func lockKey() -> String { lockKeys()[0] }
}

extension String {
    fileprivate func dropPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
