import DeviceLink
import Foundation
import PowerMeter
import Yams

/// A bench configuration file (`bench.yml`, YAML read with Yams): one board, or several boards on one bench host.
///
/// One board (the flat form; every earlier file is one):
/// ```yaml
/// board: serial:E6614103E7452D2F     # or /dev/ttyACM0, tcp://bench-pi:4000, rfc2217://host:4001, virtual
/// board_id: pico-bench-1             # optional; defaults to the endpoint
/// meter: ppk2:/dev/ttyACM1           # or simulated (the default)
/// supply_volts: 3.3
/// marker_pin: 0                      # PPK2 logic input (0…7) the board's marker GPIO is wired to
/// firmware: check                    # or reflash, any (FirmwarePolicy: a board running another build)
/// flash_via: bootsel                 # or openocd (how `reflash` and `tinyhil flash` flash the Pico)
/// ```
/// Several boards, each under a name (`--board NAME` or `TINYHIL_BOARD` selects one):
/// ```yaml
/// default_board: pico-1              # optional; without it a file with several boards needs a selection
/// boards:
///   pico-1:
///     board: serial:E6614103E7452D2F
///     board_id: pico-bench-1         # optional; defaults to the name (pico-1)
///     meter: ppk2:/dev/serial/by-id/usb-Nordic_Semiconductor_PPK2_AAAA-if00
///     marker_pin: 0
///   pico-2:
///     board: serial:E6614103E7452D30
///     meter: ppk2:/dev/serial/by-id/usb-Nordic_Semiconductor_PPK2_BBBB-if00
///     marker_pin: 1
/// ```
/// For the simulated meter: `seed`, `sample_noise`, `window_noise` (relative standard deviations). Every mistake is
/// a ``BenchError`` naming the file, the line and the key.
public struct BenchFile: Sendable, Equatable {
    /// One board of the file, under the name it is selected by.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var configuration: BenchConfiguration
    }

    /// The boards in file order. A flat file has one, named by its `board_id` (else its endpoint).
    public var boards: [Entry]
    /// The board used when none is selected: `default_board`, or the only one.
    public var defaultBoard: String?
    /// Whether the file is the flat one-board form.
    public var isFlat: Bool
    /// Where the text came from (in error messages).
    public var path: String

    /// Keys of one board.
    public static let boardKeys: Set<String> = [
        "board", "board_id", "meter", "supply_volts", "marker_pin", "seed", "sample_noise", "window_noise",
        "firmware", "flash_via", "labgrid", "coordinator", "wait_seconds",
    ]
    /// Keys at the top of a file with several boards.
    public static let hostKeys: Set<String> = ["boards", "default_board"]

    /// Reads a file; errors name the path (and the line and key when the text is at fault).
    public static func load(path: String) throws(BenchError) -> BenchFile {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .configuration(path: path, line: nil, reason: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, path: path)
    }

    /// Parses a file's text.
    public static func parse(_ text: String, path: String) throws(BenchError) -> BenchFile {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw syntaxError(error, path: path)
        }
        guard let root else {
            throw .configuration(path: path, line: nil, reason: "the file is empty (give 'board: …' or 'boards:')")
        }
        let top = try mapping(root, key: nil, path: path)
        if top.contains(where: { $0.key == "board" }) || !top.contains(where: { $0.key == "boards" }) {
            let configuration = try board(top, prefix: "", defaultID: nil, path: path)
            let name = configuration.boardID ?? configuration.board.description
            return BenchFile(boards: [Entry(name: name, configuration: configuration)], defaultBoard: name, isFlat: true,
                             path: path)
        }
        for entry in top where !hostKeys.contains(entry.key) {
            let known = boardKeys.contains(entry.key) ? " ('\(entry.key)' belongs inside a board under 'boards:')" : ""
            throw .configurationEntry(path: path, line: entry.line, key: entry.key,
                                      reason: "unknown key at the top of a file with 'boards:'\(known); known: boards, default_board")
        }
        let boardsEntry = top.first { $0.key == "boards" }!
        let named = try mapping(boardsEntry.value, key: "boards", path: path)
        guard !named.isEmpty else {
            throw .configurationEntry(path: path, line: boardsEntry.line, key: "boards",
                                      reason: "no boards (give one or more 'NAME:' mappings with 'board: ENDPOINT')")
        }
        var entries: [Entry] = []
        for item in named {
            let fields = try mapping(item.value, key: "boards.\(item.key)", path: path)
            let configuration = try board(fields, prefix: "boards.\(item.key).", defaultID: item.key, path: path,
                                          line: item.line)
            entries.append(Entry(name: item.key, configuration: configuration))
        }
        var defaultBoard: String? = entries.count == 1 ? entries[0].name : nil
        if let chosen = top.first(where: { $0.key == "default_board" }) {
            let name = try string(chosen, key: "default_board", path: path)
            guard entries.contains(where: { $0.name == name }) else {
                throw .configurationEntry(path: path, line: chosen.line, key: "default_board",
                                          reason: "no board named '\(name)' (boards: \(entries.map(\.name).joined(separator: ", ")))")
            }
            defaultBoard = name
        }
        return BenchFile(boards: entries, defaultBoard: defaultBoard, isFlat: false, path: path)
    }

    /// The board named `name`, or the default one when `name` is nil.
    public func configuration(board name: String?) throws(BenchError) -> BenchConfiguration {
        let names = boards.map(\.name).joined(separator: ", ")
        guard let wanted = name ?? defaultBoard else {
            throw .configuration(path: path, line: nil,
                                 reason: "\(boards.count) boards (\(names)): choose one with --board NAME or TINYHIL_BOARD, or set default_board")
        }
        if let entry = boards.first(where: { $0.name == wanted }) { return entry.configuration }
        if isFlat {
            throw .configuration(path: path, line: nil,
                                 reason: "board '\(wanted)' was asked for, but this file describes one board (\(names)); list several under 'boards:' to choose by name")
        }
        throw .configuration(path: path, line: nil, reason: "no board named '\(wanted)' (boards: \(names))")
    }

    /// One board from values given outside a file (`--bench ENDPOINT`, `TINYHIL_PORT`), checked like a file's.
    static func board(_ values: [String: String], origin: String) throws(BenchError) -> BenchConfiguration {
        let fields = values.sorted { $0.key < $1.key }.map { Field(key: $0.key, line: nil, value: Node($0.value)) }
        do { return try board(fields, prefix: "", defaultID: nil, path: origin) } catch {
            // Not a file: no line, and the value is the whole of what was given.
            if case let .configurationEntry(path, _, _, reason) = error { throw .configuration(path: path, line: nil, reason: reason) }
            throw error
        }
    }

    // MARK: - Reading nodes

    /// A mapping's entries in file order, with string keys and their lines.
    struct Field {
        var key: String
        var line: Int?
        var value: Node
    }

    static func mapping(_ node: Node, key: String?, path: String) throws(BenchError) -> [Field] {
        guard case let .mapping(mapping) = node else {
            let what = key.map { "'\($0)' must be a mapping of keys to values" } ?? "expected 'key: value' lines"
            if let key { throw .configurationEntry(path: path, line: node.mark?.line, key: key, reason: what) }
            throw .configuration(path: path, line: node.mark?.line, reason: "\(what), found \(describe(node))")
        }
        var fields: [Field] = []
        for (keyNode, value) in mapping {
            guard case let .scalar(scalar) = keyNode else {
                throw .configuration(path: path, line: keyNode.mark?.line, reason: "a key must be a plain name")
            }
            fields.append(Field(key: scalar.string, line: keyNode.mark?.line, value: value))
        }
        return fields
    }

    static func board(
        _ fields: [Field], prefix: String, defaultID: String?, path: String, line: Int? = nil
    ) throws(BenchError) -> BenchConfiguration {
        for field in fields where !boardKeys.contains(field.key) {
            throw .configurationEntry(path: path, line: field.line, key: prefix + field.key,
                                      reason: "unknown key '\(field.key)' (known: \(boardKeys.sorted().joined(separator: ", ")))")
        }
        func field(_ key: String) -> Field? { fields.first { $0.key == key } }
        func number(_ key: String) throws(BenchError) -> Double? {
            guard let entry = field(key) else { return nil }
            let text = try string(entry, key: prefix + key, path: path)
            guard let value = Double(text), value.isFinite else {
                throw .configurationEntry(path: path, line: entry.line, key: prefix + key,
                                          reason: "must be a number, found '\(text)'")
            }
            return value
        }
        func integer(_ key: String, in range: ClosedRange<Int>) throws(BenchError) -> Int? {
            guard let entry = field(key) else { return nil }
            let text = try string(entry, key: prefix + key, path: path)
            guard let value = Int(text), range.contains(value) else {
                throw .configurationEntry(path: path, line: entry.line, key: prefix + key,
                                          reason: "must be a whole number in \(range.lowerBound)…\(range.upperBound), found '\(text)'")
            }
            return value
        }
        if let placeField = field("labgrid") {
            if let both = field("board") {
                throw .configurationEntry(path: path, line: both.line, key: prefix + "board",
                                          reason: "give either 'board:' or 'labgrid: PLACE' (the place names its board), not both")
            }
            let place = try string(placeField, key: prefix + "labgrid", path: path)
            var labgridFields = fields.filter { $0.key != "labgrid" }
            labgridFields.append(Field(key: "board", line: placeField.line, value: Node("labgrid:" + place)))
            return try board(labgridFields, prefix: prefix, defaultID: defaultID, path: path, line: line)
        }
        guard let boardField = field("board") else {
            let example = "e.g. board: /dev/ttyACM0, board: virtual or labgrid: PLACE"
            if prefix.isEmpty {
                throw .configuration(path: path, line: nil, reason: "'board' is missing (\(example))")
            }
            throw .configurationEntry(path: path, line: line, key: prefix + "board", reason: "is missing (\(example))")
        }
        let boardText = try string(boardField, key: prefix + "board", path: path)
        let endpoint: DeviceEndpoint
        do {
            try PlannedBoard.refuse(boardText)
            endpoint = try DeviceEndpoint.parse(boardText)
        } catch let error as BenchError {
            throw error
        } catch {
            throw .configurationEntry(path: path, line: boardField.line, key: prefix + "board", reason: "\(error)")
        }
        let supply = Volts(try number("supply_volts") ?? 3.3)
        let markerPin = try integer("marker_pin", in: 0...7)
        let meterField = field("meter")
        let meterText = try meterField.map { (entry) throws(BenchError) in try string(entry, key: prefix + "meter", path: path) } ?? "simulated"
        let meter: BenchConfiguration.MeterChoice
        if meterText == "simulated" {
            var simulated = SimulatedMeter.Configuration(
                imperfections: BenchConfiguration.virtualImperfections,
                seed: UInt64(try integer("seed", in: 0...Int.max) ?? 1))
            if let noise = try number("sample_noise") { simulated.imperfections.sampleNoise = noise }
            if let noise = try number("window_noise") { simulated.imperfections.windowNoise = noise }
            simulated.model.supply = supply
            meter = .simulated(simulated)
        } else if meterText.hasPrefix("ppk2:") {
            let endpointText = String(meterText.dropFirst("ppk2:".count))
            let meterEndpoint: DeviceEndpoint
            do { meterEndpoint = try DeviceEndpoint.parse(endpointText) } catch {
                throw .configurationEntry(path: path, line: meterField?.line, key: prefix + "meter",
                                          reason: "meter endpoint: \(error.description)")
            }
            var ppk2 = PPK2Meter.Configuration()
            ppk2.supply = supply
            if let markerPin { ppk2.markerPin = markerPin }
            meter = .ppk2(meterEndpoint, ppk2)
        } else {
            throw .configurationEntry(path: path, line: meterField?.line, key: prefix + "meter",
                                      reason: "must be 'simulated' or 'ppk2:ENDPOINT', found '\(meterText)'")
        }
        var policy = FirmwarePolicy.check
        if let entry = field("firmware") {
            let text = try string(entry, key: prefix + "firmware", path: path)
            guard let chosen = FirmwarePolicy(rawValue: text) else {
                throw .configurationEntry(path: path, line: entry.line, key: prefix + "firmware",
                                          reason: "must be check, reflash or any, found '\(text)'")
            }
            policy = chosen
        }
        var flashMethod = FlashMethod.bootsel
        if let entry = field("flash_via") {
            let text = try string(entry, key: prefix + "flash_via", path: path)
            guard let chosen = FlashMethod(rawValue: text) else {
                throw .configurationEntry(path: path, line: entry.line, key: prefix + "flash_via",
                                          reason: "must be bootsel or openocd, found '\(text)'")
            }
            flashMethod = chosen
        }
        let boardID = try field("board_id").map { (entry) throws(BenchError) in try string(entry, key: prefix + "board_id", path: path) }
        var configuration = BenchConfiguration(board: endpoint, boardID: boardID ?? defaultID, meter: meter,
                                               firmwarePolicy: policy, flashMethod: flashMethod)
        let isPlace = if case .labgridPlace = endpoint { true } else { false }
        for key in ["coordinator", "wait_seconds"] where !isPlace {
            if let entry = field(key) {
                throw .configurationEntry(path: path, line: entry.line, key: prefix + key,
                                          reason: "belongs to a labgrid place ('labgrid: PLACE' or board: labgrid:PLACE)")
            }
        }
        if let entry = field("coordinator") {
            configuration.labgridCoordinator = try string(entry, key: prefix + "coordinator", path: path)
        }
        if let seconds = try number("wait_seconds") {
            guard seconds >= 0 else {
                throw .configurationEntry(path: path, line: field("wait_seconds")?.line, key: prefix + "wait_seconds",
                                          reason: "must be zero or more seconds, found \(seconds)")
            }
            configuration.labgridWait = .milliseconds(Int64(seconds * 1000))
        }
        return configuration
    }

    static func string(_ field: Field, key: String, path: String) throws(BenchError) -> String {
        guard case let .scalar(scalar) = field.value, !(scalar.string.isEmpty && scalar.style == .plain) else {
            throw .configurationEntry(path: path, line: field.line, key: key,
                                      reason: "must be a single value, found \(describe(field.value))")
        }
        return scalar.string
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): scalar.string.isEmpty ? "nothing" : "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    static func syntaxError(_ error: any Error, path: String) -> BenchError {
        switch error as? YamlError {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let around = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return .configuration(path: path, line: mark.line, reason: "not valid YAML: \(problem)\(around)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return .configuration(path: path, line: context.mark.line > 0 ? context.mark.line : nil,
                                  reason: "key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) given twice in one mapping")
        case let .reader(problem, _, _, _):
            return .configuration(path: path, line: nil, reason: "cannot read the text: \(problem)")
        default:
            return .configuration(path: path, line: nil, reason: "not valid YAML: \(error)")
        }
    }
}
