import Foundation
import Logging
import PostgresNIO

/// One PostgreSQL connection used synchronously (the result store's API is synchronous): each call waits for its
/// EventLoopFuture, on the calling thread, never on a Swift concurrency thread or an event loop. Not thread-safe on
/// its own: `PostgresResultBackend` serialises calls.
final class PostgresSession: @unchecked Sendable {
    let address: PostgresStoreAddress
    private(set) var connection: PostgresConnection
    private let logger: Logger

    init(address: PostgresStoreAddress) throws(ResultStoreError) {
        self.address = address
        var logger = Logger(label: "tinyhil.result-store.postgres")
        logger.logLevel = .error
        self.logger = logger
        connection = try Self.connect(address, logger: logger)
    }

    /// Waits for the close (PostgresNIO requires a connection to be closed before it is released); the store is
    /// released on a caller's thread, never on an event loop.
    deinit { try? connection.close().wait() }

    /// Connects again when the server closed the connection (a restart, an idle timeout) since the last call.
    func reconnectIfClosed() throws(ResultStoreError) {
        if connection.isClosed { connection = try Self.connect(address, logger: logger) }
    }

    func execute(_ query: PostgresQuery) throws {
        _ = try connection.query(query, logger: logger).wait()
    }

    func query(_ query: PostgresQuery) throws -> [PostgresRow] {
        Array(try connection.query(query, logger: logger).wait().rows)
    }

    /// Connects (TCP, TLS when asked, authentication) within the URL's connect timeout, or throws a typed error
    /// saying what to fix.
    static func connect(_ address: PostgresStoreAddress, logger: Logger) throws(ResultStoreError) -> PostgresConnection {
        let tls: PostgresConnection.Configuration.TLS
        do {
            tls = try tlsConfiguration(address.tlsMode)
        } catch {
            throw .cannotOpen(path: address.description, reason: "cannot set up TLS: \(error)")
        }
        var configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password,
            database: address.database, tls: tls)
        configuration.options.connectTimeout = .seconds(Int64(address.connectTimeoutSeconds))
        let eventLoop = PostgresConnection.defaultEventLoopGroup.any()
        let future = PostgresConnection.connect(on: eventLoop, configuration: configuration, id: 1, logger: logger)
        let outcome = TimedOutcome<PostgresConnection>()
        future.whenComplete { outcome.finish($0) }
        // The connect timeout bounds TCP; startup and authentication (a port where something else listens and never
        // answers) get the same time again.
        guard let result = outcome.wait(seconds: 2 * address.connectTimeoutSeconds) else {
            future.whenSuccess { late in late.close().whenComplete { _ in _ = late } }  // arrived too late: close it
            throw .serverUnreachable(
                location: address.description,
                reason: "no answer within \(2 * address.connectTimeoutSeconds) s (is something other than PostgreSQL listening on port \(address.port)?)")
        }
        switch result {
        case let .success(connection): return connection
        case let .failure(error): throw classify(error, address: address)
        }
    }

    private static func tlsConfiguration(_ mode: PostgresStoreAddress.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable:
            return .disable
        case .prefer, .require:
            var unverified = TLSConfiguration.makeClientConfiguration()
            unverified.certificateVerification = .none
            let context = try NIOSSLContext(configuration: unverified)
            return mode == .prefer ? .prefer(context) : .require(context)
        case .verifyFull:
            return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    /// The typed error for a failed connection attempt.
    static func classify(_ error: any Error, address: PostgresStoreAddress) -> ResultStoreError {
        let location = address.description
        guard let psql = error as? PSQLError else {
            return .serverUnreachable(location: location, reason: "\(error)")
        }
        switch psql.code {
        case .server:
            let state = psql.serverInfo?[.sqlState] ?? ""
            let message = psql.serverInfo?[.message] ?? "\(psql)"
            switch state {
            case "28P01", "28000":  // invalid_password, invalid_authorization_specification (no pg_hba.conf entry)
                return .authenticationFailed(location: location, user: address.user, reason: message)
            case "3D000":  // invalid_catalog_name
                return .databaseMissing(location: location, database: address.database)
            default:
                return .cannotOpen(path: location, reason: "the server refused the connection (SQLSTATE \(state)): \(message)")
            }
        case .authMechanismRequiresPassword:
            return .authenticationFailed(location: location, user: address.user,
                                         reason: "the server asks for a password and the URL has none (postgres://user:PASSWORD@…)")
        case .unsupportedAuthMechanism, .saslError:
            return .authenticationFailed(location: location, user: address.user, reason: explain(psql))
        case .sslUnsupported:
            return .tlsFailed(location: location, reason: "the server does not offer TLS (enable ssl on the server, or use sslmode=prefer or disable)")
        case .failedToAddSSLHandler:
            return .tlsFailed(location: location, reason: explain(psql))
        case .messageDecodingFailure, .unexpectedBackendMessage, .receivedUnencryptedDataAfterSSLRequest:
            return .serverUnreachable(location: location,
                                      reason: "the program on port \(address.port) does not speak PostgreSQL's protocol (\(explain(psql)))")
        default:
            if let underlying = psql.underlying, underlying is NIOSSLError || "\(type(of: underlying))".contains("SSL") {
                return .tlsFailed(location: location, reason: "\(underlying)")
            }
            return .serverUnreachable(location: location, reason: explain(psql))
        }
    }

    /// A one-line account of a PostgresNIO error: the server's message and SQLSTATE, or the underlying error.
    static func explain(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let message = psql.serverInfo?[.message] {
            let state = psql.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            let detail = psql.serverInfo?[.detail].map { "; \($0)" } ?? ""
            return message + state + detail
        }
        if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
        return "\(psql.code)"
    }
}

/// The outcome of a future, waited for with a deadline from a thread that is not an event loop.
private final class TimedOutcome<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<Value, any Error>?

    func finish(_ result: Result<Value, any Error>) {
        lock.withLock { outcome = result }
        done.signal()
    }

    func wait(seconds: Int) -> Result<Value, any Error>? {
        guard done.wait(timeout: .now() + .seconds(seconds)) == .success else { return nil }
        return lock.withLock { outcome }
    }
}
