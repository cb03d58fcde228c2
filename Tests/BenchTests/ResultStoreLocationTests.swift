import XCTest

@testable import Bench

/// `--store` / `$TINYHIL_STORE`: a path is a SQLite file, a postgres:// URL a shared database; bad URLs are typed
/// errors that never print the password.
final class ResultStoreLocationTests: XCTestCase {
    func testPathsAreSQLiteFiles() throws {
        XCTAssertEqual(try ResultStoreLocation(parsing: ".tinyhil/results.sqlite"), .sqlite(path: ".tinyhil/results.sqlite"))
        XCTAssertEqual(try ResultStoreLocation(parsing: "/var/lib/postgres-results.sqlite"), .sqlite(path: "/var/lib/postgres-results.sqlite"))
    }

    func testAFullURLIsParsed() throws {
        guard case let .postgres(address) = try ResultStoreLocation(
            parsing: "postgresql://bench:p%40ss:w@db.farm.example:6543/tinyhil_results?sslmode=verify-full&connect_timeout=3")
        else { return XCTFail("not postgres") }
        XCTAssertEqual(address.host, "db.farm.example")
        XCTAssertEqual(address.port, 6543)
        XCTAssertEqual(address.user, "bench")
        XCTAssertEqual(address.password, "p@ss:w")
        XCTAssertEqual(address.database, "tinyhil_results")
        XCTAssertEqual(address.tlsMode, .verifyFull)
        XCTAssertEqual(address.connectTimeoutSeconds, 3)
        XCTAssertEqual(address.description, "postgres://bench:***@db.farm.example:6543/tinyhil_results")
    }

    func testDefaults() throws {
        let address = try PostgresStoreAddress(parsing: "postgres://bench@10.0.0.5/results")
        XCTAssertEqual(address.port, 5432)
        XCTAssertNil(address.password)
        XCTAssertEqual(address.tlsMode, .disable)
        XCTAssertEqual(address.connectTimeoutSeconds, 5)
        XCTAssertEqual(address.description, "postgres://bench@10.0.0.5:5432/results")
    }

    func testBadURLsAreTypedErrorsWithoutThePassword() {
        let cases = [
            "postgres://bench:secret-pw@/results": "no host",
            "postgres://:secret-pw@host/results": "no user",
            "postgres://bench:secret-pw@host:5432": "no database",
            "postgres://bench:secret-pw@host:5432/a/b": "no database",
            "postgres://bench:secret-pw@host:70000/results": "",
            "postgres://bench:secret-pw@host/results?sslmode=maybe": "sslmode=maybe",
            "postgres://bench:secret-pw@host/results?connect_timeout=0": "connect_timeout=0",
            "postgres://bench:secret-pw@host/results?user=x": "unknown parameter user",
            "postgres:bench:secret-pw@host/results": "postgres://user:password@host:port/database",
        ]
        for (url, reason) in cases {
            XCTAssertThrowsError(try ResultStoreLocation(parsing: url), url) { error in
                guard case ResultStoreError.invalidURL = error else { return XCTFail("\(url): \(error)") }
                let message = "\(error)"
                XCTAssertFalse(message.contains("secret-pw"), message)
                if !reason.isEmpty { XCTAssertTrue(message.contains(reason), "\(url): \(message)") }
            }
        }
    }
}
