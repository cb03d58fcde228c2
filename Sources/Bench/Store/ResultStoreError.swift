/// Why the result store could not do what was asked, and what to do about it.
public enum ResultStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    case cannotOpen(path: String, reason: String)
    case newerSchema(path: String, migrations: [String])
    case writeFailed(reason: String)
    case readFailed(reason: String)
    /// A `postgres://` store URL that cannot be used as written (shown without its password).
    case invalidURL(String, reason: String)
    /// No PostgreSQL server answered at the URL's host and port within the connect timeout.
    case serverUnreachable(location: String, reason: String)
    /// The server refused the URL's user name or password (or pg_hba.conf has no entry for this host and user).
    case authenticationFailed(location: String, user: String, reason: String)
    /// The server runs, but the URL's database does not exist on it.
    case databaseMissing(location: String, database: String)
    /// TLS (`sslmode=…`) could not be set up: the server offers none, or its certificate is not trusted.
    case tlsFailed(location: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            "cannot open the result store at \(path): \(reason). Check the path and its permissions."
        case let .newerSchema(path, migrations):
            "the result store at \(path) was written by a newer TinyHIL (unknown migrations: \(migrations.joined(separator: ", "))). Upgrade TinyHIL or use another store."
        case let .writeFailed(reason):
            "recording a result failed: \(reason)"
        case let .readFailed(reason):
            "reading results failed: \(reason)"
        case let .invalidURL(url, reason):
            "the result store URL \(url) cannot be used: \(reason)."
        case let .serverUnreachable(location, reason):
            "no PostgreSQL server answered at \(location): \(reason). Check the host and port in the URL, that the server runs, and that it accepts TCP connections from this host (listen_addresses, firewall)."
        case let .authenticationFailed(location, user, reason):
            "PostgreSQL at \(location) refused user \(user): \(reason). Check the user name and password in the URL, and that the server's pg_hba.conf lets this host connect as \(user)."
        case let .databaseMissing(location, database):
            "the PostgreSQL server at \(location) has no database \(database). Create it once (createdb -O <user> \(database), docs/bench-farm.md) or fix the name in the URL."
        case let .tlsFailed(location, reason):
            "TLS to PostgreSQL at \(location) failed: \(reason). With sslmode=verify-full the server's certificate must be trusted by this host (its CA installed) and name the URL's host; sslmode=require encrypts without verifying; sslmode=disable turns TLS off."
        }
    }
}
