import Foundation
import GRDB
import TinyHILTestSupport
import XCTest

@testable import Bench

/// The result store on a real PostgreSQL server (ci/postgres-test-server, loopback): the same rows, schema,
/// migrations and queries as the SQLite store, concurrent first opens, a killed writer, and typed errors for bad URLs.
final class PostgresResultStoreTests: PostgresServerTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: scratch) }

    private func sqliteStore() throws -> ResultStore {
        try ResultStore(path: scratch.appendingPathComponent("\(UUID().uuidString).sqlite").path)
    }

    /// Every field set, with values that are easy to lose: sub-millisecond time, binary fractions, extreme doubles,
    /// an integer above 2³¹, quotes and non-ASCII text.
    static let everyField = StoredResult(
        recordedAt: Date(timeIntervalSince1970: 1_764_777_600.123_456_7), kind: .comparison,
        modelName: "lenet_int8 — ünïcode ✓", modelSHA256: String(repeating: "0f", count: 32),
        boardID: "pico-E6614C311B7E5F2A", meterID: "ppk2-C4A1", firmwareVersion: "1.4.0-rc.2",
        firmwareBuildID: "g1234abc-dirty", harnessVersion: "0.9.1",
        repositoryCommit: "0123456789abcdef0123456789abcdef01234567",
        energyMicrojoulesMedian: 0.1 + 0.2, energyMicrojoulesCILow: 1e-300, energyMicrojoulesCIHigh: 123_456_789.123_456_789,
        windowEnergiesMicrojoules: [0.1, 1.0 / 3.0, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude, -2.5, 9302.000_000_000_002],
        latencyMicrosecondsMedian: 1234.5678, counterPerInference: 3_000_000.25, counterUnit: "cycles",
        arenaBytes: Int(Int32.max) + 7, flashBytes: 262_144, accuracy: 0.8837, accuracySamples: 10_000,
        hostAgreement: 0.999, baselineModelName: "lenet'; DROP TABLE \"result\";--", baselineModelSHA256: "ab",
        ratioMedian: 0.978, ratioCILow: 0.968, ratioCIHigh: 0.993, tracePath: "/tmp/trace \"quoted\".csv")

    /// Only the required fields.
    static let requiredFieldsOnly = StoredResult(
        recordedAt: Date(timeIntervalSince1970: 1_764_777_601), kind: .measurement, modelName: "m", modelSHA256: "",
        boardID: "b", meterID: "", firmwareVersion: "0", firmwareBuildID: "", harnessVersion: "")

    func testEveryResultFieldReadsBackAsFromSQLite() throws {
        let postgres = try ResultStore(path: try server().createDatabase())
        let sqlite = try sqliteStore()
        for result in [Self.everyField, Self.requiredFieldsOnly] {
            let fromPostgres = try postgres.record(result)
            let fromSQLite = try sqlite.record(result)
            XCTAssertEqual(fromPostgres, fromSQLite)
        }
        let readPostgres = try postgres.results(), readSQLite = try sqlite.results()
        XCTAssertEqual(readPostgres.count, 2)
        XCTAssertEqual(readPostgres, readSQLite)
        // Field by field against the inserted values (only the time is kept to the millisecond, as SQLite keeps it).
        var expected = Self.everyField
        expected.id = readPostgres[0].id
        expected.recordedAt = readPostgres[0].recordedAt
        XCTAssertEqual(readPostgres[0], expected)
        XCTAssertEqual(readPostgres[0].recordedAt.timeIntervalSince1970, 1_764_777_600.123, accuracy: 0.000_001)
        XCTAssertEqual(readPostgres[0].windowEnergiesMicrojoules.map(\.bitPattern),
                       Self.everyField.windowEnergiesMicrojoules.map(\.bitPattern))
        XCTAssertEqual(readPostgres[0].energyMicrojoulesMedian?.bitPattern, (0.1 + 0.2).bitPattern)
    }

    func testEveryProfileFieldReadsBackAsFromSQLite() throws {
        let postgres = try ResultStore(path: try server().createDatabase())
        let sqlite = try sqliteStore()
        let profile = StoredProfile(
            recordedAt: Date(timeIntervalSince1970: 1_764_777_600.987_654), modelName: "dscnn_int8",
            modelSHA256: "cd", boardID: "virtual-mps2-an385", firmwareVersion: "1.4.0", firmwareBuildID: "b",
            harnessVersion: "0.9.1", repositoryCommit: nil, counterUnit: "instructions",
            totalCounter: Int64(Int32.max) * 3,
            operators: [.init(index: 0, name: "CONV_2D", counter: 1_234_567), .init(index: 1, name: "FULLY_CONNECTED", counter: 89)])
        XCTAssertEqual(try postgres.record(profile), try sqlite.record(profile))
        XCTAssertEqual(try postgres.profiles(), try sqlite.profiles())
        XCTAssertEqual(try postgres.profiles().first?.operators, profile.operators)
        XCTAssertEqual(try postgres.profiles(model: "other"), [])
    }

    /// The PostgreSQL tables have SQLite's columns in SQLite's order, and the same migration identifiers.
    func testSchemaAndMigrationsMatchSQLite() throws {
        let server = try server()
        let url = try server.createDatabase()
        let postgres = try ResultStore(path: url)
        let sqlitePath = scratch.appendingPathComponent("schema.sqlite").path
        let sqlite = try ResultStore(path: sqlitePath)
        let queue = try DatabaseQueue(path: sqlitePath)
        for table in ["result", "operatorProfile"] {
            let sqliteColumns = try queue.read { db in try db.columns(in: table).map(\.name) }
            let postgresColumns = try server.psql(url, """
                SELECT column_name FROM information_schema.columns WHERE table_name = '\(table)' ORDER BY ordinal_position
                """)
            XCTAssertEqual(postgresColumns, sqliteColumns, table)
            XCTAssertGreaterThan(sqliteColumns.count, 10)
        }
        XCTAssertEqual(try postgres.appliedMigrations(), try sqlite.appliedMigrations())
        XCTAssertEqual(try postgres.appliedMigrations(), ["v1: results", "v2: operator profiles"])
    }

    func testReopeningAppliesNoMigrationTwiceAndKeepsResults() throws {
        let server = try server()
        let url = try server.createDatabase()
        for round in 0..<3 {
            let store = try ResultStore(path: url)
            try store.record(Self.requiredFieldsOnly)
            XCTAssertEqual(try store.results().count, round + 1)
        }
        XCTAssertEqual(try server.psql(url, #"SELECT count(*) FROM "grdb_migrations""#), ["2"])
    }

    /// Several processes open one new database at the same moment (hosts of a farm starting together): all succeed,
    /// the migrations are applied once.
    func testProcessesMigratingOneNewDatabaseAtOnceAllSucceed() throws {
        let server = try server()
        let binary = try tinyhilBinary()
        let rounds = 4, openers = 3
        for round in 0..<rounds {
            let url = try server.createDatabase()
            let processes = try (0..<openers).map { _ in
                let process = Process()
                process.executableURL = binary
                process.arguments = ["_store-writer", "--store", url, "--count", "1"]
                process.standardOutput = FileHandle.nullDevice
                let errors = Pipe()
                process.standardError = errors
                try process.run()
                return (process, errors)
            }
            for (process, errors) in processes {
                let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitForExit()
                XCTAssertEqual(process.terminationStatus, 0, "round \(round): \(message)")
            }
            XCTAssertEqual(try ResultStore(path: url).results().count, openers, "round \(round)")
            XCTAssertEqual(try server.psql(url, #"SELECT "identifier" FROM "grdb_migrations" ORDER BY 1"#),
                           ["v1: results", "v2: operator profiles"], "round \(round)")
        }
    }

    func testADatabaseFromANewerTinyHILIsATypedError() throws {
        let server = try server()
        let url = try server.createDatabase()
        _ = try ResultStore(path: url)
        _ = try server.psql(url, #"INSERT INTO "grdb_migrations" VALUES ('v9: from the future')"#)
        XCTAssertThrowsError(try ResultStore(path: url)) { error in
            guard case let ResultStoreError.newerSchema(location, migrations) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(migrations, ["v9: from the future"])
            XCTAssertFalse(location.contains(server.password), "the password must not appear in messages")
        }
    }

    /// The same inserts give the same answers from both stores: results by model, kind and board, the firmware
    /// histories, and the regression reference (same board only).
    func testHistoryAndRegressionQueriesMatchSQLite() throws {
        let postgres = try ResultStore(path: try server().createDatabase())
        let sqlite = try sqliteStore()
        let start = Date(timeIntervalSince1970: 1_764_700_000)
        var minute = 0
        func row(_ board: String, _ firmware: String, _ energy: Double, kind: StoredResult.Kind = .measurement, model: String = "lenet") -> StoredResult {
            minute += 1
            return StoredResult(
                recordedAt: start.addingTimeInterval(Double(minute) * 60), kind: kind, modelName: model, modelSHA256: "h",
                boardID: board, meterID: "meter-\(board)", firmwareVersion: firmware, firmwareBuildID: "b\(firmware)",
                harnessVersion: "1", energyMicrojoulesMedian: energy, energyMicrojoulesCILow: energy * 0.99,
                energyMicrojoulesCIHigh: energy * 1.01, windowEnergiesMicrojoules: [energy],
                latencyMicrosecondsMedian: energy * 10, accuracy: kind == .accuracy ? 0.9 : nil, accuracySamples: kind == .accuracy ? 100 : nil)
        }
        let rows = [
            row("pico-1", "1.0", 100), row("pico-2", "1.0", 103), row("pico-1", "1.1", 90), row("pico-2", "1.1", 120),
            row("pico-1", "1.2", 91), row("pico-1", "1.0", 0, kind: .accuracy), row("pico-2", "1.2", 119, model: "dscnn"),
        ]
        // Two rows with the same time: the id breaks the tie in both stores.
        var tie = row("pico-2", "1.2", 118)
        tie.recordedAt = rows[4].recordedAt
        for result in rows + [tie] {
            try postgres.record(result)
            try sqlite.record(result)
        }
        for board in [nil, "pico-1", "pico-2", "pico-3"] {
            for kind in [nil] + StoredResult.Kind.allCases.map(Optional.some) {
                for model in [nil, "lenet", "dscnn"] {
                    XCTAssertEqual(try postgres.results(model: model, kind: kind, board: board),
                                   try sqlite.results(model: model, kind: kind, board: board), "\(model ?? "*") \(kind?.rawValue ?? "*") \(board ?? "*")")
                }
            }
        }
        for metric in Metric.allCases {
            XCTAssertEqual(try FirmwareHistory.load(from: postgres, metric: metric), try FirmwareHistory.load(from: sqlite, metric: metric))
        }
        // By hand: lenet's energy has one history per board, pico-1 over 1.0, 1.1, 1.2 and pico-2 over 1.0, 1.1, 1.2.
        let energy = try FirmwareHistory.load(from: postgres, model: "lenet", metric: .energy)
        XCTAssertEqual(energy.map(\.boardID), ["pico-1", "pico-2"])
        XCTAssertEqual(energy[0].points.map(\.value), [100, 90, 91])
        XCTAssertEqual(energy[1].points.map(\.value), [103, 120, 118])
        XCTAssertEqual(try FirmwareHistory.load(from: postgres, board: "pico-2", metric: .energy).map(\.modelName), ["dscnn", "lenet"])
        for board in [nil, "pico-1", "pico-2"] {
            for firmware in ["1.0", "1.1", "1.2", "2.0"] {
                XCTAssertEqual(
                    try postgres.lastResult(model: "lenet", kind: .measurement, board: board, excludingFirmwareVersion: firmware),
                    try sqlite.lastResult(model: "lenet", kind: .measurement, board: board, excludingFirmwareVersion: firmware))
            }
        }
        // By hand: excluding 1.2, pico-2's reference is its 1.1 row (120 µJ), not pico-1's newer 1.1 row… and pico-1's
        // reference is its own 1.1 row (90 µJ).
        XCTAssertEqual(try postgres.lastResult(model: "lenet", kind: .measurement, board: "pico-2", excludingFirmwareVersion: "1.2")?.energyMicrojoulesMedian, 120)
        XCTAssertEqual(try postgres.lastResult(model: "lenet", kind: .measurement, board: "pico-1", excludingFirmwareVersion: "1.2")?.energyMicrojoulesMedian, 90)
        XCTAssertEqual(try postgres.boards(), ["pico-1", "pico-2"])
    }

    /// `tinyhil report` on the shared database: every board, and no password in the page.
    func testReportShowsEveryBoardWithoutThePassword() throws {
        let server = try server()
        let postgres = try ResultStore(path: try server.createDatabase())
        for (board, energy) in [("pico-1", 100.0), ("pico-2", 104.0)] {
            var result = Self.requiredFieldsOnly
            result.boardID = board
            result.energyMicrojoulesMedian = energy
            result.energyMicrojoulesCILow = energy - 1
            result.energyMicrojoulesCIHigh = energy + 1
            try postgres.record(result)
        }
        let html = try HTMLReport.render(store: postgres)
        XCTAssertTrue(html.contains("<h2>Boards</h2>"))
        XCTAssertTrue(html.contains("m · pico-1") && html.contains("m · pico-2"))
        XCTAssertFalse(html.contains(server.password))
        XCTAssertTrue(html.contains("postgres://tinyhil:***@127.0.0.1"))
    }

    /// `tinyhil history` on the shared database: one history per board, `--board` picks one, no password shown.
    func testHistoryCommandShowsEveryBoard() throws {
        let server = try server()
        let url = try server.createDatabase()
        let postgres = try ResultStore(path: url)
        for (board, firmware, energy) in [("pico-1", "1.0", 100.0), ("pico-2", "1.0", 104.0), ("pico-1", "1.1", 80.0)] {
            var result = Self.requiredFieldsOnly
            result.boardID = board
            result.firmwareVersion = firmware
            result.energyMicrojoulesMedian = energy
            result.energyMicrojoulesCILow = energy - 1
            result.energyMicrojoulesCIHigh = energy + 1
            try postgres.record(result)
        }
        let all = try runTinyhil(["history", "--store", url, "--metric", "energy"])
        XCTAssertTrue(all.contains("m on pico-1 — ") && all.contains("m on pico-2 — "), all)
        XCTAssertTrue(all.contains("-20.0 %"), all)  // pico-1: 100 → 80 µJ
        let one = try runTinyhil(["history", "--store", url, "--board", "pico-2"])
        XCTAssertTrue(one.contains("m on pico-2") && !one.contains("pico-1"), one)
        let none = try runTinyhil(["history", "--store", url, "--board", "pico-9"])
        XCTAssertTrue(none.contains("No energy results in postgres://tinyhil:***@") && none.contains("on board pico-9"), none)
        XCTAssertFalse((all + one + none).contains(server.password))
    }

    private func runTinyhil(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = try tinyhilBinary()
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitForExit()
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, text)
        return text
    }

    /// A writer process is killed with SIGKILL while recording into the shared database; every result it reported
    /// as committed is there afterwards, and the database accepts new results.
    func testKilledWriterLosesNoCommittedResult() throws {
        let url = try server().createDatabase()
        let binary = try tinyhilBinary()
        _ = try ResultStore(path: url)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["_store-writer", "--store", url, "--count", "100000"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var committed: [Int64] = []
        var buffer = Data()
        let handle = output.fileHandleForReading
        while committed.count < 300 {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                if let id = Int64(line.trimmingCharacters(in: .whitespaces)) { committed.append(id) }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitForExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertGreaterThanOrEqual(committed.count, 300, "the writer stopped before being killed")
        let store = try ResultStore(path: url)
        let stored = try store.results()
        let storedIDs = Set(stored.compactMap(\.id))
        XCTAssertEqual(committed.filter { !storedIDs.contains($0) }, [], "results reported as committed are missing")
        // No half-written row: every stored row is complete.
        XCTAssertTrue(stored.allSatisfy { $0.modelName.hasPrefix("synthetic-") && $0.windowEnergiesMicrojoules.count == 1 })
        XCTAssertNoThrow(try store.record(Self.requiredFieldsOnly))
    }

    // MARK: Bad input: a typed error saying what to fix, within a bounded time

    private func openingFails(_ url: String, within seconds: Double, file: StaticString = #filePath, line: UInt = #line) -> ResultStoreError? {
        let started = Date()
        do {
            _ = try ResultStore(path: url)
            XCTFail("\(url) opened", file: file, line: line)
            return nil
        } catch {
            let elapsed = Date().timeIntervalSince(started)
            XCTAssertLessThanOrEqual(elapsed, seconds, "took \(elapsed) s", file: file, line: line)
            XCTAssertFalse("\(error)".contains("secret-pw"), "the password must not appear: \(error)", file: file, line: line)
            return error
        }
    }

    func testWrongPasswordIsAnAuthenticationError() throws {
        let server = try server()
        let error = openingFails(server.url(database: "tinyhil", password: "secret-pw"), within: 10)
        guard case let .authenticationFailed(_, user, _)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(user, "tinyhil")
        XCTAssertTrue(error!.description.contains("Check the user name and password"))
    }

    func testUnknownUserIsAnAuthenticationError() throws {
        let server = try server()
        let error = openingFails(server.url(database: "tinyhil", user: "nobody_here", password: "secret-pw"), within: 10)
        guard case let .authenticationFailed(_, user, _)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(user, "nobody_here")
    }

    func testMissingDatabaseSaysHowToCreateIt() throws {
        let server = try server()
        let error = openingFails(server.url(database: "no_such_db"), within: 10)
        guard case let .databaseMissing(_, database)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(database, "no_such_db")
        XCTAssertTrue(error!.description.contains("createdb"))
    }

    func testClosedPortIsUnreachable() throws {
        let server = try server()
        let closed = try Self.closedLoopbackPort()
        let error = openingFails(server.url(database: "tinyhil", password: "secret-pw", port: closed), within: 10)
        guard case .serverUnreachable? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(error!.description.contains("Check the host and port"))
    }

    /// A port where something listens but never speaks PostgreSQL: bounded by twice the connect timeout.
    func testSilentListenerIsUnreachableWithinTheTimeout() throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let error = openingFails("postgres://u:secret-pw@127.0.0.1:\(listener.port)/db?connect_timeout=2", within: 6)
        guard case .serverUnreachable? = error else { return XCTFail("\(String(describing: error))") }
    }

    /// A host that does not answer (TEST-NET-1, RFC 5737): the default connect timeout bounds the attempt.
    func testUnansweringHostIsUnreachableWithinTenSeconds() throws {
        let error = openingFails("postgres://u:secret-pw@192.0.2.1:5432/db", within: 10.5)
        guard case .serverUnreachable? = error else { return XCTFail("\(String(describing: error))") }
    }

    func testUnresolvableHostIsUnreachable() throws {
        let error = openingFails("postgres://u:secret-pw@no-such-host.invalid:5432/db?connect_timeout=3", within: 10)
        guard case .serverUnreachable? = error else { return XCTFail("\(String(describing: error))") }
    }

    // MARK: Helpers

    private func tinyhilBinary() throws -> URL {
        let candidates = [Bundle.main.bundleURL, Bundle(for: Self.self).bundleURL.deletingLastPathComponent()]
        let directory = candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("tinyhil").path) }
        guard let binary = directory?.appendingPathComponent("tinyhil") else {
            throw PostgresTestServer.Unavailable(description: "tinyhil executable not found beside the tests; build the package first")
        }
        return binary
    }

    /// A loopback port nobody listens on (bound, then closed).
    static func closedLoopbackPort() throws -> Int {
        let listener = try SilentListener()
        let port = listener.port
        listener.close()
        return port
    }
}

/// A loopback TCP socket that accepts connections (the kernel's backlog) and never answers.
final class SilentListener {
    let port: Int
    private var descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        guard descriptor >= 0 else { throw PostgresTestServer.Unavailable(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else {
            _ = Glibc.close(descriptor)
            throw PostgresTestServer.Unavailable(description: "bind/listen failed")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }
}

/// `sslmode=` against the test server's self-signed certificate: encrypted connections, and a typed error when the
/// certificate cannot be verified.
final class PostgresStoreTLSTests: PostgresServerTestCase {
    func testRequireEncryptsTheConnection() throws {
        let server = try server()
        let url = try server.createDatabase()
        let database = String(url.split(separator: "/").last ?? "")
        let store = try ResultStore(path: url + "?sslmode=require")
        try store.record(PostgresResultStoreTests.requiredFieldsOnly)
        XCTAssertEqual(try store.results().count, 1)
        let log = try String(contentsOfFile: server.directory + "/server.log", encoding: .utf8)
        let ours = log.split(separator: "\n").filter { $0.contains("connection authorized") && ($0.contains("database=\(database) ") || $0.hasSuffix("database=\(database)")) }
        XCTAssertFalse(ours.isEmpty, "no connection to \(database) in the server log")
        XCTAssertTrue(ours.allSatisfy { $0.contains("SSL enabled") }, ours.joined(separator: "\n"))
    }

    func testDisableConnectsWithoutTLS() throws {
        let server = try server()
        let url = try server.createDatabase()
        let database = String(url.split(separator: "/").last ?? "")
        _ = try ResultStore(path: url)
        let log = try String(contentsOfFile: server.directory + "/server.log", encoding: .utf8)
        let ours = log.split(separator: "\n").filter { $0.contains("connection authorized") && ($0.contains("database=\(database) ") || $0.hasSuffix("database=\(database)")) }
        XCTAssertFalse(ours.isEmpty)
        XCTAssertFalse(ours.contains { $0.contains("SSL enabled") }, ours.joined(separator: "\n"))
    }

    func testVerifyFullRefusesAnUntrustedCertificate() throws {
        let server = try server()
        let started = Date()
        XCTAssertThrowsError(try ResultStore(path: server.url(database: "tinyhil") + "?sslmode=verify-full")) { error in
            guard case ResultStoreError.tlsFailed = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("sslmode=require"))
            XCTAssertFalse("\(error)".contains(server.password))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }
}
