import Foundation
import GRDB

/// Why the result store could not do what was asked.
public enum ResultStoreError: Error, CustomStringConvertible, Sendable {
    case cannotOpen(path: String, reason: String)
    case newerSchema(path: String, migrations: [String])
    case writeFailed(reason: String)
    case readFailed(reason: String)

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
        }
    }
}

/// Every measurement, accuracy run and comparison, with the firmware, harness and repository that produced it,
/// in one SQLite file. WAL journal, one transaction per result: a process killed mid-run leaves every result it
/// had committed intact and no half-written row.
public final class ResultStore: Sendable {
    public let path: String
    private let pool: DatabasePool

    /// The default location: `$TINYHIL_STORE`, else `.tinyhil/results.sqlite` under the current directory.
    public static var defaultPath: String {
        if let explicit = ProcessInfo.processInfo.environment["TINYHIL_STORE"], !explicit.isEmpty { return explicit }
        return FileManager.default.currentDirectoryPath + "/.tinyhil/results.sqlite"
    }

    public init(path: String = ResultStore.defaultPath) throws(ResultStoreError) {
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

    /// Records one result in its own transaction and returns it with its id.
    @discardableResult
    public func record(_ result: StoredResult) throws(ResultStoreError) -> StoredResult {
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

    /// All results, oldest first, optionally only for one model and/or kind.
    public func results(model: String? = nil, kind: StoredResult.Kind? = nil) throws(ResultStoreError) -> [StoredResult] {
        do {
            return try pool.read { db in
                var request = StoredResult.order(Column("recordedAt"), Column("id"))
                if let model { request = request.filter(Column("modelName") == model) }
                if let kind { request = request.filter(Column("kind") == kind.rawValue) }
                return try request.fetchAll(db)
            }
        } catch {
            throw .readFailed(reason: "\(error)")
        }
    }

    /// The most recent result of `kind` for `model` recorded with a firmware version other than `firmwareVersion`
    /// (the reference for a regression check), or nil.
    public func lastResult(
        model: String, kind: StoredResult.Kind, excludingFirmwareVersion firmwareVersion: String
    ) throws(ResultStoreError) -> StoredResult? {
        do {
            return try pool.read { db in
                try StoredResult
                    .filter(Column("modelName") == model && Column("kind") == kind.rawValue
                        && Column("firmwareVersion") != firmwareVersion)
                    .order(Column("recordedAt").desc, Column("id").desc)
                    .fetchOne(db)
            }
        } catch {
            throw .readFailed(reason: "\(error)")
        }
    }

    /// Records one operator profile in its own transaction and returns it with its id.
    @discardableResult
    public func record(_ profile: StoredProfile) throws(ResultStoreError) -> StoredProfile {
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

    /// All operator profiles, oldest first, optionally only for one model.
    public func profiles(model: String? = nil) throws(ResultStoreError) -> [StoredProfile] {
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

    /// The newest profile of each model on each board (and counter unit), ordered by model then board.
    public func latestProfiles() throws(ResultStoreError) -> [StoredProfile] {
        var latest: [String: StoredProfile] = [:]
        for profile in try profiles() {
            latest[[profile.modelName, profile.boardID, profile.counterUnit].joined(separator: "\u{1F}")] = profile
        }
        return latest.values.sorted { ($0.modelName, $0.boardID, $0.counterUnit) < ($1.modelName, $1.boardID, $1.counterUnit) }
    }
}
