/// A serial port on another host, served by a RFC 2217 server such as ser2net (`accepter: telnet(rfc2217),tcp,PORT`):
/// `rfc2217://host:port`. The client side of the Telnet COM-PORT-OPTION: it negotiates BINARY (both ways), SGA and
/// COM-PORT-OPTION, sets baud rate, data bits, parity and stop bits, switches DTR/RTS and purges buffers — each
/// checked against the server's answer — and escapes 0xFF in both directions.
///
/// One reader at a time (as for every `Transport`); change settings between exchanges, not while a read waits.
public actor RFC2217Transport: Transport {
    public nonisolated let endpoint: String
    /// How long to wait for the server's answer to a negotiation or a COM-PORT command.
    public nonisolated let answerTimeout: Duration
    private let link: any Transport
    private var decoder = TelnetDecoder()
    /// Data decoded but not yet returned by `read`.
    private var pending: [UInt8] = []
    /// Options we perform (the server said DO) and options the server performs (it said WILL).
    private var localEnabled: Set<UInt8> = []
    private var remoteEnabled: Set<UInt8> = []
    /// Options we asked for and have no answer to yet.
    private var localRequested: Set<UInt8> = []
    private var remoteRequested: Set<UInt8> = []
    /// Refused options and the server's answer, e.g. `DONT COM-PORT-OPTION`.
    private var refusals: [UInt8: String] = [:]
    /// The latest server answer to each COM-PORT command (keyed by the client command code).
    private var answers: [UInt8: [UInt8]] = [:]

    private static let optionsWeDo: Set<UInt8> = [Telnet.binary, Telnet.suppressGoAhead, Telnet.comPortOption]
    private static let optionsServerMayDo: Set<UInt8> = [Telnet.binary, Telnet.suppressGoAhead]

    private init(link: any Transport, endpoint: String, answerTimeout: Duration) {
        self.link = link
        self.endpoint = endpoint
        self.answerTimeout = answerTimeout
    }

    /// Connects to `host:port`, negotiates the options and, unless `settings` is nil, sets the serial line.
    public static func connect(
        host: String, port: UInt16, settings: SerialLineSettings? = .standard, connectTimeout: Duration = .seconds(5),
        answerTimeout: Duration = .seconds(3)
    ) async throws(RFC2217Error) -> RFC2217Transport {
        let endpoint = "rfc2217://\(host):\(port)"
        let socket: SocketTransport
        do {
            socket = try await SocketTransport.connect(host: host, port: port, timeout: connectTimeout)
        } catch {
            throw .transport(error.at(endpoint))
        }
        return try await start(over: socket, endpoint: endpoint, settings: settings, answerTimeout: answerTimeout)
    }

    /// Negotiates over an already connected byte stream (e.g. an in-process fake server in tests). Closes `link`
    /// when negotiation fails.
    public static func start(
        over link: any Transport, endpoint: String, settings: SerialLineSettings? = .standard,
        answerTimeout: Duration = .seconds(3)
    ) async throws(RFC2217Error) -> RFC2217Transport {
        let transport = RFC2217Transport(link: link, endpoint: endpoint, answerTimeout: answerTimeout)
        try await closingOnFailure(transport.close) { () async throws(RFC2217Error) in
            try await transport.negotiate()
            if let settings { try await transport.apply(settings) }
        }
        return transport
    }

    // MARK: - Transport

    public func write(_ bytes: [UInt8]) async throws(TransportError) {
        do { try await link.write(Telnet.escaped(bytes)) } catch { throw error.at(endpoint) }
    }

    public func read(maxBytes: Int, timeout: Duration) async throws(TransportError) -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        while true {
            if !pending.isEmpty {
                let count = min(max(1, maxBytes), pending.count)
                let bytes = Array(pending.prefix(count))
                pending.removeFirst(count)
                return bytes
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            try await pump(timeout: max(remaining, .zero))
            if pending.isEmpty && remaining <= .zero { return [] }
        }
    }

    public func close() async { await link.close() }

    // MARK: - Serial port control

    /// Sets baud rate, data bits, parity and stop bits, in that order.
    public func apply(_ settings: SerialLineSettings) async throws(RFC2217Error) {
        try await setBaudRate(bitsPerSecond: settings.baudRateBitsPerSecond)
        try await setDataBits(settings.dataBits)
        try await setParity(settings.parity)
        try await setStopBits(settings.stopBits)
    }

    public func setBaudRate(bitsPerSecond: UInt32) async throws(RFC2217Error) {
        let value = withUnsafeBytes(of: bitsPerSecond.bigEndian) { Array($0) }
        let answer = try await request(.setBaudRate, value: value)
        let answered = answer.count == 4 ? answer.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } : nil
        guard answered == bitsPerSecond else {
            throw .valueMismatch(
                endpoint: endpoint, setting: "the baud rate", requested: "\(bitsPerSecond) bit/s",
                answered: answered.map { "\($0) bit/s" } ?? "a malformed answer \(answer)")
        }
    }

    /// 5 to 8 data bits.
    public func setDataBits(_ bits: UInt8) async throws(RFC2217Error) {
        try await requestConfirmed(.setDataSize, value: bits, setting: "the data size", describe: { "\($0) bits" })
    }

    public func setParity(_ parity: SerialLineSettings.Parity) async throws(RFC2217Error) {
        try await requestConfirmed(.setParity, value: parity.rawValue, setting: "the parity") {
            SerialLineSettings.Parity(rawValue: $0).map { "\($0)" } ?? "code \($0)"
        }
    }

    public func setStopBits(_ stopBits: SerialLineSettings.StopBits) async throws(RFC2217Error) {
        try await requestConfirmed(.setStopSize, value: stopBits.rawValue, setting: "the stop bits") {
            SerialLineSettings.StopBits(rawValue: $0).map { "\($0)" } ?? "code \($0)"
        }
    }

    /// Sets the DTR line (on a Pico's USB CDC port, DTR on tells the firmware a host is listening).
    public func setDataTerminalReady(_ on: Bool) async throws(RFC2217Error) {
        try await requestConfirmed(.setControl, value: on ? ComPortControl.dtrOn : ComPortControl.dtrOff, setting: "DTR") {
            Self.controlName($0)
        }
    }

    public func setRequestToSend(_ on: Bool) async throws(RFC2217Error) {
        try await requestConfirmed(.setControl, value: on ? ComPortControl.rtsOn : ComPortControl.rtsOff, setting: "RTS") {
            Self.controlName($0)
        }
    }

    /// Empties the server's serial buffers and drops data already decoded here but not yet read.
    public func purge(_ target: SerialPurgeTarget) async throws(RFC2217Error) {
        try await requestConfirmed(.purgeData, value: target.rawValue, setting: "the purge") { "buffer code \($0)" }
        if target != .transmit { pending.removeAll() }
    }

    private static func controlName(_ value: UInt8) -> String {
        switch value {
        case ComPortControl.dtrOn: "DTR on"
        case ComPortControl.dtrOff: "DTR off"
        case ComPortControl.rtsOn: "RTS on"
        case ComPortControl.rtsOff: "RTS off"
        default: "control code \(value)"
        }
    }

    // MARK: - Negotiation and requests

    private func negotiate() async throws(RFC2217Error) {
        localRequested = Self.optionsWeDo
        remoteRequested = Self.optionsServerMayDo
        let offer =
            Telnet.negotiation(Telnet.will, Telnet.binary) + Telnet.negotiation(Telnet.do, Telnet.binary)
            + Telnet.negotiation(Telnet.will, Telnet.suppressGoAhead) + Telnet.negotiation(Telnet.do, Telnet.suppressGoAhead)
            + Telnet.negotiation(Telnet.will, Telnet.comPortOption)
        do { try await link.write(offer) } catch { throw .transport(error.at(endpoint)) }
        try await waitUntil("WILL COM-PORT-OPTION and BINARY") { () throws(RFC2217Error) -> Bool in
            for option in [Telnet.comPortOption, Telnet.binary] {
                if let answer = refusals[option] {
                    throw .optionRefused(endpoint: endpoint, option: Telnet.optionName(option), answer: answer)
                }
            }
            return localEnabled.isSuperset(of: [Telnet.comPortOption, Telnet.binary]) && remoteEnabled.contains(Telnet.binary)
        }
    }

    /// Sends a COM-PORT command and returns the server's answer (its value bytes).
    private func request(_ command: ComPortCommand, value: [UInt8]) async throws(RFC2217Error) -> [UInt8] {
        answers[command.rawValue] = nil
        do {
            try await link.write(Telnet.subnegotiation(Telnet.comPortOption, [command.rawValue] + value))
        } catch {
            throw .transport(error.at(endpoint))
        }
        try await waitUntil("\(command.name) \(value)") { () throws(RFC2217Error) -> Bool in answers[command.rawValue] != nil }
        return answers[command.rawValue] ?? []
    }

    /// Sends a one-byte COM-PORT command and checks that the server answered the same value.
    private func requestConfirmed(
        _ command: ComPortCommand, value: UInt8, setting: String, describe: (UInt8) -> String
    ) async throws(RFC2217Error) {
        let answer = try await request(command, value: [value])
        guard answer == [value] else {
            throw .valueMismatch(
                endpoint: endpoint, setting: setting, requested: describe(value),
                answered: answer.count == 1 ? describe(answer[0]) : "a malformed answer \(answer)")
        }
    }

    /// Reads and handles server traffic until `isDone` holds, or throws `.noAnswer` after `answerTimeout`.
    private func waitUntil(_ request: String, _ isDone: () throws(RFC2217Error) -> Bool) async throws(RFC2217Error) {
        let deadline = ContinuousClock.now + answerTimeout
        while try !isDone() {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { throw .noAnswer(endpoint: endpoint, request: request, waited: answerTimeout) }
            // Short slices, so an answer consumed by a concurrent `read` is noticed.
            do { try await pump(timeout: min(remaining, .milliseconds(50))) } catch { throw .transport(error) }
        }
    }

    /// One read from the server: data goes to `pending`, commands are handled and answered.
    private func pump(timeout: Duration) async throws(TransportError) {
        let raw: [UInt8]
        do { raw = try await link.read(maxBytes: 4096, timeout: timeout) } catch { throw error.at(endpoint) }
        guard !raw.isEmpty else { return }
        var replies: [UInt8] = []
        for command in decoder.feed(raw, data: &pending) { replies += handle(command) }
        if !replies.isEmpty {
            do { try await link.write(replies) } catch { throw error.at(endpoint) }
        }
    }

    /// Applies one server command (RFC 1143's rule: answer only requests that change a state) and returns the reply.
    private func handle(_ command: TelnetCommand) -> [UInt8] {
        switch command {
        case let .subnegotiation(option, payload):
            if option == Telnet.comPortOption, let code = payload.first, code > ComPortCommand.serverOffset {
                answers[code - ComPortCommand.serverOffset] = Array(payload.dropFirst())
            }
            return []
        case let .negotiation(verb, option):
            switch verb {
            case Telnet.do:
                if localEnabled.contains(option) { return [] }
                guard Self.optionsWeDo.contains(option) else { return Telnet.negotiation(Telnet.wont, option) }
                localEnabled.insert(option)
                return localRequested.remove(option) != nil ? [] : Telnet.negotiation(Telnet.will, option)
            case Telnet.dont:
                if localRequested.remove(option) != nil { refusals[option] = "DONT \(Telnet.optionName(option))" }
                return localEnabled.remove(option) != nil ? Telnet.negotiation(Telnet.wont, option) : []
            case Telnet.will:
                if remoteEnabled.contains(option) { return [] }
                guard Self.optionsServerMayDo.contains(option) else { return Telnet.negotiation(Telnet.dont, option) }
                remoteEnabled.insert(option)
                return remoteRequested.remove(option) != nil ? [] : Telnet.negotiation(Telnet.do, option)
            case Telnet.wont:
                if remoteRequested.remove(option) != nil { refusals[option] = "WONT \(Telnet.optionName(option))" }
                return remoteEnabled.remove(option) != nil ? Telnet.negotiation(Telnet.dont, option) : []
            default:
                return []
            }
        }
    }
}

extension TransportError {
    /// The same error reported for `endpoint` (the socket underneath says `tcp://…`; users asked for `rfc2217://…`).
    fileprivate func at(_ endpoint: String) -> TransportError {
        switch self {
        case let .openFailed(_, reason): .openFailed(endpoint: endpoint, reason: reason)
        case .closed: .closed(endpoint: endpoint)
        case let .ioFailed(_, operation, errno): .ioFailed(endpoint: endpoint, operation: operation, errno: errno)
        case .writeTimedOut: .writeTimedOut(endpoint: endpoint)
        }
    }
}
