import Foundation

/// Every measurement, accuracy run, comparison and operator profile, with the firmware, harness and repository that
/// produced it. Kept in a SQLite file on this host (the default) or in a PostgreSQL database that every host of a
/// bench farm shares (`postgres://…`, docs/bench-farm.md); callers do not see the difference (`ResultStoreBackend`).
public final class ResultStore: Sendable {
    public let location: ResultStoreLocation
    private let backend: any ResultStoreBackend

    /// Where the store is, as shown to people: the SQLite path, or the database URL without its password.
    public var path: String { location.description }

    /// The default location: `$TINYHIL_STORE` (a path or a postgres:// URL), else `.tinyhil/results.sqlite` under
    /// the current directory.
    public static var defaultPath: String {
        if let explicit = ProcessInfo.processInfo.environment["TINYHIL_STORE"], !explicit.isEmpty { return explicit }
        return FileManager.default.currentDirectoryPath + "/.tinyhil/results.sqlite"
    }

    /// Opens (and creates or migrates) the store at `path`: a SQLite file path or a `postgres://` URL.
    public convenience init(path: String = ResultStore.defaultPath) throws(ResultStoreError) {
        try self.init(location: ResultStoreLocation(parsing: path))
    }

    public init(location: ResultStoreLocation) throws(ResultStoreError) {
        self.location = location
        switch location {
        case let .sqlite(path): backend = try SQLiteResultBackend(path: path)
        case let .postgres(address): backend = try PostgresResultBackend(address: address)
        }
    }

    /// Records one result in its own transaction and returns it with its id.
    @discardableResult
    public func record(_ result: StoredResult) throws(ResultStoreError) -> StoredResult {
        try backend.record(result)
    }

    /// All results, oldest first, optionally only for one model, kind and/or board.
    public func results(
        model: String? = nil, kind: StoredResult.Kind? = nil, board: String? = nil
    ) throws(ResultStoreError) -> [StoredResult] {
        try backend.results(ResultQuery(model: model, kind: kind, board: board))
    }

    /// The most recent result of `kind` for `model` (on `board` when given) recorded with a firmware version other
    /// than `firmwareVersion` (the reference for a regression check), or nil.
    public func lastResult(
        model: String, kind: StoredResult.Kind, board: String? = nil,
        excludingFirmwareVersion firmwareVersion: String
    ) throws(ResultStoreError) -> StoredResult? {
        try backend.lastResult(model: model, kind: kind, board: board, excludingFirmwareVersion: firmwareVersion)
    }

    /// Records one operator profile in its own transaction and returns it with its id.
    @discardableResult
    public func record(_ profile: StoredProfile) throws(ResultStoreError) -> StoredProfile {
        try backend.record(profile)
    }

    /// All operator profiles, oldest first, optionally only for one model.
    public func profiles(model: String? = nil) throws(ResultStoreError) -> [StoredProfile] {
        try backend.profiles(model: model)
    }

    /// The identifiers of the schema migrations applied to this store, sorted.
    public func appliedMigrations() throws(ResultStoreError) -> [String] {
        try backend.appliedMigrations()
    }

    /// Every board that has recorded a result, sorted.
    public func boards() throws(ResultStoreError) -> [String] {
        Set(try results().map(\.boardID)).sorted()
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
