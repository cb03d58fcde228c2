import Foundation
import TinyHILTestSupport
import XCTest

/// A throwaway PostgreSQL server on loopback (ci/postgres-test-server: initdb in a temporary directory, pg_ctl on a
/// free port), started once per test class and removed afterwards. Without PostgreSQL's server programs the tests
/// that need it are skipped with the reason, except under CI=true, where they fail.
final class PostgresTestServer: @unchecked Sendable {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    let directory: String
    let url: String
    let port: Int
    let password: String
    private var databaseCount = 0
    private let lock = NSLock()

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ci/postgres-test-server").path

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static func start() throws -> PostgresTestServer {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tinyhil-postgres-\(UUID().uuidString.prefix(8))").path
        let (status, output, errors) = try run([script, "start", directory])
        guard status == 0 else {
            _ = try? run([script, "stop", directory])
            throw Unavailable(description: "ci/postgres-test-server start failed (exit \(status)): \(errors)")
        }
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        guard let url = values["url"], let port = values["port"].flatMap(Int.init), let password = values["password"] else {
            throw Unavailable(description: "ci/postgres-test-server printed no url/port/password: \(output)")
        }
        return PostgresTestServer(directory: directory, url: url, port: port, password: password)
    }

    private init(directory: String, url: String, port: Int, password: String) {
        self.directory = directory
        self.url = url
        self.port = port
        self.password = password
    }

    func stop() { _ = try? Self.run([Self.script, "stop", directory]) }

    /// A new, empty database; returns its URL.
    func createDatabase() throws -> String {
        let name = lock.withLock { () -> String in
            databaseCount += 1
            return "t\(databaseCount)_\(UUID().uuidString.prefix(6).lowercased())"
        }
        let (status, _, errors) = try Self.run([Self.script, "createdb", directory, name])
        guard status == 0 else { throw Unavailable(description: "createdb \(name) failed: \(errors)") }
        return url(database: name)
    }

    func url(database: String, user: String = "tinyhil", password: String? = nil, port: Int? = nil) -> String {
        "postgres://\(user):\(password ?? self.password)@127.0.0.1:\(port ?? self.port)/\(database)"
    }

    /// Rows of `sql` in the database of `databaseURL`, columns separated by `|` (psql -A -t).
    func psql(_ databaseURL: String, _ sql: String) throws -> [String] {
        let database = String(databaseURL.split(separator: "/").last ?? "")
        let (status, output, errors) = try Self.run([Self.script, "psql", directory, database, sql])
        guard status == 0 else { throw Unavailable(description: "psql failed: \(errors)") }
        return output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Runs `bash ARGUMENTS` and waits for it with waitpid (posix_spawn, not Foundation's Process: its exit monitor
    /// was seen to miss this script's exit, leaving the test waiting on a zombie).
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-pgrun-\(UUID().uuidString)").path
        let outputPath = base + ".out", errorsPath = base + ".err"
        defer {
            unlink(outputPath)
            unlink(errorsPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorsPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = (["/bin/bash"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, argv, environ)
        guard spawned == 0 else { throw Unavailable(description: "cannot start bash: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
        return (exitCode, output, errors)
    }
}

/// Test classes that need the server: one server per class, started in `setUp()` of the class.
class PostgresServerTestCase: XCTestCase {
    nonisolated(unsafe) private static var servers: [ObjectIdentifier: Result<PostgresTestServer, any Error>] = [:]

    override class func setUp() {
        super.setUp()
        servers[ObjectIdentifier(self)] = Result { try PostgresTestServer.start() }
    }

    override class func tearDown() {
        if case let .success(server)? = servers[ObjectIdentifier(self)] { server.stop() }
        servers[ObjectIdentifier(self)] = nil
        super.tearDown()
    }

    /// The class's server; skips the test when PostgreSQL is not installed (fails under CI=true).
    func server() throws -> PostgresTestServer {
        switch Self.servers[ObjectIdentifier(Self.self)] {
        case let .success(server)?:
            return server
        case let .failure(error)?:
            if PostgresTestServer.isCI {
                XCTFail("CI=true, so the PostgreSQL result-store tests must run, but the test server did not start: \(error)")
                throw error
            }
            throw XCTSkip("no PostgreSQL test server (install Debian's postgresql, ci/install-deps): \(error)")
        case nil:
            throw PostgresTestServer.Unavailable(description: "the class's setUp did not run")
        }
    }
}
