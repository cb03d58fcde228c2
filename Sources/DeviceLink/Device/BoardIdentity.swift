#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The names one board goes by, whichever way its endpoint was spelled: the lock keys of its ``BoardLock``.
///
/// Two spellings of one board must share at least one key, so each endpoint yields every identity it can prove:
/// - a serial device: the real path after all symlinks (`/dev/serial/by-id/…` → `/dev/ttyACM0`), plus the USB
///   serial number when the operating system lists one for that device;
/// - `serial:NUMBER`: the USB serial number, plus the real path of the port that has it, when present;
/// - a pseudo-terminal or Unix socket: its real path;
/// - `tcp://host:port` and `rfc2217://host:port`: every address the host resolves to, numeric, with the port;
///   an address of this machine (loopback, unspecified, or one of its interfaces) is `local`, because a server
///   listening on all interfaces answers on each of them (`tcp://localhost:P`, `tcp://127.0.0.1:P` and
///   `tcp://[::1]:P` are one board).
public struct BoardIdentity: Equatable, Sendable {
    /// Lock keys, sorted, without duplicates.
    public let keys: [String]

    public init(keys: [String]) { self.keys = Array(Set(keys)).sorted() }

    /// True when the two identities share a key, i.e. may be the same board.
    public func overlaps(_ other: BoardIdentity) -> Bool { !Set(keys).isDisjoint(with: other.keys) }

    /// The identity of the board `endpoint` reaches (resolves paths and names; does not open anything).
    /// - Parameter ports: the serial ports the system lists (default: libserialport's list; empty on failure).
    public static func of(_ endpoint: DeviceEndpoint, ports: [SerialPortInfo]? = nil) -> BoardIdentity {
        switch endpoint {
        case .virtual:
            return BoardIdentity(keys: ["virtual"])
        case .emulatedPico:
            return BoardIdentity(keys: ["emulated-pico"])
        case let .labgridPlace(place):
            return BoardIdentity(keys: ["labgrid-\(place)"])
        case let .serialNumber(serial):
            let listed = ports ?? ((try? SerialPortInfo.all()) ?? [])
            let paths = listed.filter { $0.usbSerialNumber == serial }.map { "path-" + realPath($0.path) }
            return BoardIdentity(keys: ["usb-\(serial)"] + paths)
        case let .serialPath(path), let .pseudoTerminal(path):
            let resolved = realPath(path)
            let listed = ports ?? ((try? SerialPortInfo.all()) ?? [])
            let serials = listed.filter { realPath($0.path) == resolved }.compactMap(\.usbSerialNumber)
            return BoardIdentity(keys: ["path-\(resolved)"] + serials.map { "usb-\($0)" })
        case let .unixSocket(path):
            return BoardIdentity(keys: ["unix-\(realPath(path))"])
        case let .tcp(host, port), let .rfc2217(host, port):  // one server, whichever protocol it speaks
            let addresses = numericAddresses(of: host)
            guard !addresses.isEmpty else { return BoardIdentity(keys: ["tcp-\(host.lowercased())-\(port)"]) }
            let local = localAddresses()
            return BoardIdentity(keys: addresses.map { address in
                local.contains(address) || isLoopbackOrUnspecified(address) ? "tcp-local-\(port)" : "tcp-\(address)-\(port)"
            })
        }
    }

    /// `realpath(3)`: absolute, every symlink resolved; the path as given when it does not exist.
    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return (path as NSString).standardizingPath }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Every address `host` resolves to, in numeric form (`getaddrinfo` + `getnameinfo`), empty on failure.
    static func numericAddresses(of host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var entry = list
        while let info = entry {
            entry = info.pointee.ai_next
            if let text = numericText(info.pointee.ai_addr, length: info.pointee.ai_addrlen) { addresses.append(text) }
        }
        return addresses
    }

    /// The addresses of this machine's interfaces (`getifaddrs`), numeric.
    static func localAddresses() -> Set<String> {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return [] }
        defer { freeifaddrs(list) }
        var addresses = Set<String>()
        var entry = list
        while let interface = entry {
            entry = interface.pointee.ifa_next
            guard let address = interface.pointee.ifa_addr else { continue }
            let family = Int32(address.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            let length = socklen_t(family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
            if let text = numericText(address, length: length) { addresses.insert(text) }
        }
        return addresses
    }

    private static func numericText(_ address: UnsafeMutablePointer<sockaddr>?, length: socklen_t) -> String? {
        guard let address else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 else {
            return nil
        }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Drop an IPv6 scope (`fe80::1%eth0`) so it matches the interface list's spelling.
        return text.split(separator: "%", maxSplits: 1).first.map(String.init)
    }

    /// 127.0.0.0/8, ::1, 0.0.0.0, ::, and IPv4-mapped loopback.
    static func isLoopbackOrUnspecified(_ address: String) -> Bool {
        let text = address.lowercased()
        let v4 = text.hasPrefix("::ffff:") ? String(text.dropFirst(7)) : text
        return v4.hasPrefix("127.") || v4 == "0.0.0.0" || text == "::1" || text == "::"
    }
}
