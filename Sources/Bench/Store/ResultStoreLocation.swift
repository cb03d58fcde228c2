import Foundation

/// Where results are kept: a SQLite file on this host (the default), or a PostgreSQL database shared by every host
/// of a bench farm (`postgres://user:password@host:port/database`, docs/bench-farm.md).
public enum ResultStoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresStoreAddress)

    /// `postgres://…` or `postgresql://…` names a PostgreSQL database; anything else is a SQLite file path.
    public init(parsing text: String) throws(ResultStoreError) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(try PostgresStoreAddress(parsing: text))
        } else if lowered.hasPrefix("postgres:") || lowered.hasPrefix("postgresql:") {
            throw .invalidURL(PostgresStoreAddress.redact(text),
                              reason: "a PostgreSQL store is written postgres://user:password@host:port/database")
        } else {
            self = .sqlite(path: text)
        }
    }

    /// As shown to people: the SQLite path, or the database URL without its password.
    public var description: String {
        switch self {
        case let .sqlite(path): path
        case let .postgres(address): address.description
        }
    }
}

/// A parsed `postgres://user:password@host:port/database?sslmode=…&connect_timeout=…` URL.
public struct PostgresStoreAddress: Sendable, Equatable, CustomStringConvertible {
    /// libpq's `sslmode` values that TinyHIL understands.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// No TLS (the default, as on a loopback or a private farm network).
        case disable
        /// TLS if the server offers it, without certificate verification.
        case prefer
        /// TLS, without certificate verification (libpq's meaning of `require`).
        case require
        /// TLS with the certificate verified against the system's trust roots and the host name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode
    /// How long connecting (TCP, TLS, authentication) may take before it is reported as unreachable.
    public var connectTimeoutSeconds: Int

    public static let defaultPort = 5432
    public static let defaultConnectTimeoutSeconds = 5

    public init(parsing text: String) throws(ResultStoreError) {
        let shown = Self.redact(text)
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              ["postgres", "postgresql"].contains(scheme) else {
            throw .invalidURL(shown, reason: "not a URL; write postgres://user:password@host:port/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidURL(shown, reason: "no host; write postgres://user:password@HOST:port/database")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .invalidURL(shown, reason: "no user name; write postgres://USER:password@host:port/database")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw .invalidURL(shown, reason: "no database name (or a path with several parts); write postgres://user:password@host:port/DATABASE")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw .invalidURL(shown, reason: "port \(port) is outside 1…65535")
        }
        var tlsMode = TLSMode.disable
        var timeout = Self.defaultConnectTimeoutSeconds
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    throw .invalidURL(shown, reason: "sslmode=\(item.value ?? "") is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tlsMode = mode
            case "connect_timeout":
                guard let value = item.value.flatMap(Int.init), (1...600).contains(value) else {
                    throw .invalidURL(shown, reason: "connect_timeout=\(item.value ?? "") is not a whole number of seconds in 1…600")
                }
                timeout = value
            default:
                throw .invalidURL(shown, reason: "unknown parameter \(item.name); known: sslmode, connect_timeout")
            }
        }
        self.host = host
        self.port = components.port ?? Self.defaultPort
        self.user = user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        self.tlsMode = tlsMode
        self.connectTimeoutSeconds = timeout
    }

    /// The URL with its password replaced by `***` (for messages, reports and logs).
    public var description: String {
        let credentials = password == nil ? user : "\(user):***"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(credentials)@\(hostPart):\(port)/\(database)"
    }

    /// `text` with any password (between the user name's `:` and the last `@`) replaced by `***`, for messages about
    /// a URL that did not parse.
    static func redact(_ text: String) -> String {
        guard let schemeColon = text.firstIndex(of: ":"), let at = text.lastIndex(of: "@"), schemeColon < at else {
            return text
        }
        var userStart = text.index(after: schemeColon)
        while userStart < at, text[userStart] == "/" { userStart = text.index(after: userStart) }
        guard let colon = text[userStart..<at].firstIndex(of: ":") else { return text }
        return String(text[...colon]) + "***" + String(text[at...])
    }
}
