import Foundation
import GRDB

/// The result store in one SQLite file (GRDB). WAL journal, one transaction per result: a process killed mid-run
/// leaves every result it had committed intact and no half-written row.
final class SQLiteResultBackend: ResultStoreBackend {
    let path: String
    private let pool: DatabasePool

    init(path: String) throws(ResultStoreError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .cannotOpen(path: path, reason: "cannot create \(directory): \(error.localizedDescription)")
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)  // another process (a parallel test run) may be writing
        pool = try Self.openPool(path: path, configuration: configuration)
        try ResultStoreSchema.migrate(pool, path: path)
    }

    /// Opens the pool (DatabasePool = WAL mode). On a new file, switching to WAL needs an exclusive lock, and
    /// SQLite answers SQLITE_BUSY at once, without waiting, when another process is switching the same new file at
    /// the same moment (waiting could deadlock); that process finishes within milliseconds, so retry a few times.
    private static func openPool(path: String, configuration: Configuration) throws(ResultStoreError) -> DatabasePool {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 20 {
                usleep(UInt32.random(in: 5_000...50_000))
            } catch {
                throw .cannotOpen(path: path, reason: "\(error)")
            }
        }
    }

    func record(_ result: StoredResult) throws(ResultStoreError) -> StoredResult {
        do {
            return try pool.write { db in
                var row = result
                try row.insert(db)
                return row
            }
        } catch {
            throw .writeFailed(reason: "\(error)")
        }
    }

    func results(_ query: ResultQuery) throws(ResultStoreError) -> [StoredResult] {
        do {
            return try pool.read { db in
                var request = StoredResult.order(Column("recordedAt"), Column("id"))
                if let model = query.model { request = request.filter(Column("modelName") == model) }
                if let kind = query.kind { request = request.filter(Column("kind") == kind.rawValue) }
                if let board = query.board { request = request.filter(Column("boardID") == board) }
                return try request.fetchAll(db)
            }
        } catch {
            throw .readFailed(reason: "\(error)")
        }
    }

    func lastResult(
        model: String, kind: StoredResult.Kind, board: String?, excludingFirmwareVersion firmwareVersion: String
    ) throws(ResultStoreError) -> StoredResult? {
        do {
            return try pool.read { db in
                var request = StoredResult
                    .filter(Column("modelName") == model && Column("kind") == kind.rawValue
                        && Column("firmwareVersion") != firmwareVersion)
                if let board { request = request.filter(Column("boardID") == board) }
                return try request.order(Column("recordedAt").desc, Column("id").desc).fetchOne(db)
            }
        } catch {
            throw .readFailed(reason: "\(error)")
        }
    }

    func record(_ profile: StoredProfile) throws(ResultStoreError) -> StoredProfile {
        do {
            return try pool.write { db in
                var row = profile
                try row.insert(db)
                return row
            }
        } catch {
            throw .writeFailed(reason: "\(error)")
        }
    }

    func profiles(model: String?) throws(ResultStoreError) -> [StoredProfile] {
        do {
            return try pool.read { db in
                var request = StoredProfile.order(Column("recordedAt"), Column("id"))
                if let model { request = request.filter(Column("modelName") == model) }
                return try request.fetchAll(db)
            }
        } catch {
            throw .readFailed(reason: "\(error)")
        }
    }

    func appliedMigrations() throws(ResultStoreError) -> [String] {
        do {
            return try pool.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
        } catch {
            throw .readFailed(reason: "\(error)")
        }
    }
}
