import DeviceLink
import Yams

/// The resources of an acquired labgrid place, read from `labgrid-client -p PLACE env` (YAML).
///
/// Naming convention (docs/bench-farm.md): the board's serial port is the NetworkSerialPort named `board`, the
/// PPK2's (optional) the one named `meter`; the names come from the exporter configuration's resource names or from
/// `labgrid-client add-named-match`. Both are reached over RFC 2217 (the exporter's ser2net).
public struct LabgridPlaceResources: Sendable, Equatable {
    /// One NetworkSerialPort: a ser2net RFC 2217 server.
    public struct SerialPort: Sendable, Equatable {
        public var name: String
        public var host: String
        public var port: UInt16
        public var bitsPerSecond: Int?
        public var endpoint: DeviceEndpoint { .rfc2217(host: host, port: port) }
    }

    public var place: String
    public var serialPorts: [SerialPort]
    /// Every resource as `Class/name` (for messages).
    public var all: [String]

    /// The `board` resource, required.
    public func board() throws(LabgridError) -> SerialPort {
        guard let board = serialPorts.first(where: { $0.name == "board" }) else {
            throw .noBoardResource(place: place, found: all)
        }
        return board
    }

    /// The `meter` resource, if the place has one.
    public var meter: SerialPort? { serialPorts.first { $0.name == "meter" } }

    /// Parses `labgrid-client env` output for `place`.
    public static func parse(environment text: String, place: String) throws(LabgridError) -> LabgridPlaceResources {
        // Anything the client printed before the YAML (warnings) is not part of it.
        guard let start = text.range(of: "targets:") else {
            throw .unreadableEnvironment(place: place, reason: "no 'targets:' in: \(text.prefix(300))")
        }
        let loaded: Any?
        do { loaded = try Yams.load(yaml: String(text[start.lowerBound...])) } catch {
            throw .unreadableEnvironment(place: place, reason: "not YAML: \(error)")
        }
        guard let targets = (loaded as? [String: Any])?["targets"] as? [String: Any],
              let target = (targets[place] ?? targets.values.first) as? [String: Any] else {
            throw .unreadableEnvironment(place: place, reason: "no target for the place in: \(text.prefix(300))")
        }
        var ports: [SerialPort] = []
        var all: [String] = []
        for item in target["resources"] as? [Any] ?? [] {
            guard let entry = item as? [String: Any], let (cls, value) = entry.first, entry.count == 1,
                  let parameters = value as? [String: Any] else { continue }
            let name = parameters["name"] as? String ?? "(unnamed)"
            all.append("\(cls)/\(name)")
            guard cls == "NetworkSerialPort" else { continue }
            guard let host = parameters["host"] as? String, !host.isEmpty else {
                throw .unreadableEnvironment(place: place, reason: "NetworkSerialPort '\(name)' has no host")
            }
            guard let number = parameters["port"] as? Int, let port = UInt16(exactly: number), port > 0 else {
                throw .resourcesUnavailable(
                    place: place, detail: "NetworkSerialPort '\(name)' has no port (its exporter's ser2net is not running)")
            }
            ports.append(SerialPort(name: name, host: host, port: port, bitsPerSecond: parameters["speed"] as? Int))
        }
        return LabgridPlaceResources(place: place, serialPorts: ports, all: all)
    }
}
