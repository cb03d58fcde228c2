/// The Telnet layer under RFC 2217 (RFC 854 commands, RFC 855 option negotiation, RFC 856 BINARY, RFC 858 SGA):
/// byte values, the escaping of data, and a stream decoder that separates data from commands even when a command
/// is split across reads.
enum Telnet {
    static let iac: UInt8 = 255
    static let dont: UInt8 = 254
    static let `do`: UInt8 = 253
    static let wont: UInt8 = 252
    static let will: UInt8 = 251
    static let subnegotiationBegin: UInt8 = 250
    static let subnegotiationEnd: UInt8 = 240

    /// Option codes.
    static let binary: UInt8 = 0
    static let echo: UInt8 = 1
    static let suppressGoAhead: UInt8 = 3
    static let comPortOption: UInt8 = 44

    /// Data with every 0xFF doubled, as Telnet requires in the data stream and inside subnegotiations.
    static func escaped(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(iac) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        for byte in bytes {
            out.append(byte)
            if byte == iac { out.append(iac) }
        }
        return out
    }

    /// `IAC verb option`, verb one of WILL, WONT, DO, DONT.
    static func negotiation(_ verb: UInt8, _ option: UInt8) -> [UInt8] { [iac, verb, option] }

    /// `IAC SB option payload… IAC SE` with the payload escaped.
    static func subnegotiation(_ option: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [iac, subnegotiationBegin, option] + escaped(payload) + [iac, subnegotiationEnd]
    }

    static func verbName(_ verb: UInt8) -> String {
        switch verb {
        case will: "WILL"
        case wont: "WONT"
        case `do`: "DO"
        case dont: "DONT"
        default: "command \(verb)"
        }
    }

    static func optionName(_ option: UInt8) -> String {
        switch option {
        case binary: "BINARY"
        case echo: "ECHO"
        case suppressGoAhead: "SUPPRESS-GO-AHEAD"
        case comPortOption: "COM-PORT-OPTION"
        default: "option \(option)"
        }
    }
}

/// What the server sent besides data.
enum TelnetCommand: Equatable, Sendable {
    /// WILL, WONT, DO or DONT for an option.
    case negotiation(verb: UInt8, option: UInt8)
    /// `IAC SB option payload IAC SE`, payload unescaped.
    case subnegotiation(option: UInt8, payload: [UInt8])
}

/// Splits a Telnet byte stream into data and commands. Keeps its state between `feed` calls, so an IAC (or a whole
/// subnegotiation) cut in two by the network is still decoded correctly.
struct TelnetDecoder: Sendable {
    private enum State: Sendable {
        case data
        /// Saw IAC in the data stream.
        case command
        /// Saw IAC WILL/WONT/DO/DONT; the option byte comes next.
        case negotiation(verb: UInt8)
        /// Inside IAC SB; the first byte is the option.
        case subnegotiation
        /// Saw IAC inside a subnegotiation: IAC (escaped 0xFF) or SE (end) comes next.
        case subnegotiationCommand
    }

    /// Subnegotiations longer than this are cut off (a garbled stream must not grow memory without bound).
    static let maximumSubnegotiationBytes = 256

    private var state = State.data
    private var subnegotiation: [UInt8] = []

    /// Appends the data bytes in `bytes` to `data` and returns the commands, in order.
    mutating func feed(_ bytes: [UInt8], data: inout [UInt8]) -> [TelnetCommand] {
        var commands: [TelnetCommand] = []
        for byte in bytes {
            switch state {
            case .data:
                if byte == Telnet.iac { state = .command } else { data.append(byte) }
            case .command:
                switch byte {
                case Telnet.iac:
                    data.append(Telnet.iac)
                    state = .data
                case Telnet.will, Telnet.wont, Telnet.do, Telnet.dont:
                    state = .negotiation(verb: byte)
                case Telnet.subnegotiationBegin:
                    subnegotiation = []
                    state = .subnegotiation
                default:
                    // NOP, GA, BREAK, … carry no data for a serial line.
                    state = .data
                }
            case let .negotiation(verb):
                commands.append(.negotiation(verb: verb, option: byte))
                state = .data
            case .subnegotiation:
                if byte == Telnet.iac {
                    state = .subnegotiationCommand
                } else if subnegotiation.count < Self.maximumSubnegotiationBytes {
                    subnegotiation.append(byte)
                }
            case .subnegotiationCommand:
                if byte == Telnet.subnegotiationEnd {
                    if let option = subnegotiation.first {
                        commands.append(.subnegotiation(option: option, payload: Array(subnegotiation.dropFirst())))
                    }
                    subnegotiation = []
                    state = .data
                } else {
                    // IAC IAC is an escaped 0xFF; anything else is a protocol error we tolerate by keeping the byte.
                    if subnegotiation.count < Self.maximumSubnegotiationBytes { subnegotiation.append(byte) }
                    state = .subnegotiation
                }
            }
        }
        return commands
    }
}
