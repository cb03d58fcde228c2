/// Why a RFC 2217 (Telnet COM-PORT-OPTION) server could not be used as asked.
public enum RFC2217Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The server answered WONT/DONT to a Telnet option the link needs (COM-PORT-OPTION, BINARY).
    case optionRefused(endpoint: String, option: String, answer: String)
    /// The server did not answer a negotiation or a COM-PORT command within the time given.
    case noAnswer(endpoint: String, request: String, waited: Duration)
    /// The server confirmed a different value than the one requested (e.g. a baud rate its port cannot do).
    case valueMismatch(endpoint: String, setting: String, requested: String, answered: String)
    /// The byte stream underneath failed (connection refused, closed, reset).
    case transport(TransportError)

    public var description: String {
        switch self {
        case let .optionRefused(endpoint, option, answer):
            "\(endpoint) refused the Telnet option \(option) (it answered \(answer)): it is not a RFC 2217 serial server. "
                + "In ser2net use the accepter 'telnet(rfc2217),tcp,PORT' with a serialdev connector."
        case let .noAnswer(endpoint, request, waited):
            "\(endpoint) did not answer \(request) within \(waited): it is a raw TCP port or not a RFC 2217 server, "
                + "or its serial port does not support that setting. Check the ser2net accepter (telnet(rfc2217),tcp,PORT)."
        case let .valueMismatch(endpoint, setting, requested, answered):
            "\(endpoint) set \(setting) to \(answered), not the requested \(requested): its serial port does not support "
                + "\(requested). Choose a value the port supports."
        case let .transport(error):
            error.description
        }
    }

    /// The same failure as a `TransportError`, for callers that speak `Transport` only.
    public var transportError: TransportError {
        switch self {
        case let .transport(error): error
        case let .optionRefused(endpoint, _, _), let .noAnswer(endpoint, _, _), let .valueMismatch(endpoint, _, _, _):
            .openFailed(endpoint: endpoint, reason: description)
        }
    }
}
