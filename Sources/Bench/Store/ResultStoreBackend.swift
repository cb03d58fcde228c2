/// Which results to read: every filter that is set must match.
public struct ResultQuery: Sendable, Equatable {
    public var model: String?
    public var kind: StoredResult.Kind?
    /// Only results from this board (`StoredResult.boardID`).
    public var board: String?

    public init(model: String? = nil, kind: StoredResult.Kind? = nil, board: String? = nil) {
        self.model = model
        self.kind = kind
        self.board = board
    }
}

/// What the result store needs from a database: SQLite (`SQLiteResultBackend`, one file per host) and PostgreSQL
/// (`PostgresResultBackend`, one database for a bench farm) keep the same tables, written by the same migrations.
/// Every write is one transaction: a result a call returned is committed.
public protocol ResultStoreBackend: Sendable {
    /// Records one result and returns it with its id.
    func record(_ result: StoredResult) throws(ResultStoreError) -> StoredResult
    /// Matching results, oldest first (by `recordedAt`, then id).
    func results(_ query: ResultQuery) throws(ResultStoreError) -> [StoredResult]
    /// The most recent result of `kind` for `model` (on `board` when given) recorded with a firmware version other
    /// than `firmwareVersion`.
    func lastResult(
        model: String, kind: StoredResult.Kind, board: String?, excludingFirmwareVersion firmwareVersion: String
    ) throws(ResultStoreError) -> StoredResult?
    /// Records one operator profile and returns it with its id.
    func record(_ profile: StoredProfile) throws(ResultStoreError) -> StoredProfile
    /// Operator profiles, oldest first, optionally only for one model.
    func profiles(model: String?) throws(ResultStoreError) -> [StoredProfile]
    /// The identifiers of the migrations applied to this database, sorted.
    func appliedMigrations() throws(ResultStoreError) -> [String]
}
