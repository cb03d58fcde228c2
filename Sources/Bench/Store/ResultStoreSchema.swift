import GRDB

/// The result store's schema, one migration per version. Never edit a shipped migration: add a new one.
enum ResultStoreSchema {
    /// How often a migration that lost a race with another process is retried.
    static let migrationAttempts = 5

    /// Brings the store at `path` to the current schema, tolerating other processes that open the same new store
    /// at the same moment.
    ///
    /// GRDB's migrator reads which migrations are applied, then runs each missing one in its own IMMEDIATE
    /// transaction (schema change and its `grdb_migrations` row commit together). Two processes that both read
    /// "nothing applied" serialise on that transaction; the second then fails ("table … already exists") and
    /// its transaction rolls back, changing nothing. So a failed attempt is retried: the migrator reads again,
    /// finds the other process's migrations applied, and does nothing. The result is checked with
    /// `hasCompletedMigrations`, so an error that is not such a race is still reported.
    static func migrate(_ writer: some DatabaseWriter, path: String) throws(ResultStoreError) {
        let migrator = Self.migrator
        var lastError: (any Error)?
        for _ in 0..<migrationAttempts {
            do {
                let unknown = try writer.read { db in
                    try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
                }
                if !unknown.isEmpty { throw ResultStoreError.newerSchema(path: path, migrations: unknown.sorted()) }
                try migrator.migrate(writer)
                return
            } catch let error as ResultStoreError {
                throw error
            } catch {
                lastError = error
                // Applied by the process that won the race: nothing left to do.
                if (try? writer.read({ db in try migrator.hasCompletedMigrations(db) })) == true { return }
            }
        }
        throw .cannotOpen(path: path, reason: "migration failed \(migrationAttempts) times: \(lastError.map { "\($0)" } ?? "?")")
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: results") { db in
            try db.create(table: StoredResult.databaseTableName) { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("recordedAt", .datetime).notNull()
                t.column("kind", .text).notNull()
                t.column("modelName", .text).notNull()
                t.column("modelSHA256", .text).notNull()
                t.column("boardID", .text).notNull()
                t.column("meterID", .text).notNull()
                t.column("firmwareVersion", .text).notNull()
                t.column("firmwareBuildID", .text).notNull()
                t.column("harnessVersion", .text).notNull()
                t.column("repositoryCommit", .text)
                t.column("energyMicrojoulesMedian", .double)
                t.column("energyMicrojoulesCILow", .double)
                t.column("energyMicrojoulesCIHigh", .double)
                t.column("windowEnergiesMicrojoules", .jsonText).notNull()
                t.column("latencyMicrosecondsMedian", .double)
                t.column("counterPerInference", .double)
                t.column("counterUnit", .text)
                t.column("arenaBytes", .integer)
                t.column("flashBytes", .integer)
                t.column("accuracy", .double)
                t.column("accuracySamples", .integer)
                t.column("hostAgreement", .double)
                t.column("baselineModelName", .text)
                t.column("baselineModelSHA256", .text)
                t.column("ratioMedian", .double)
                t.column("ratioCILow", .double)
                t.column("ratioCIHigh", .double)
                t.column("tracePath", .text)
            }
            try db.create(index: "result_by_model_firmware", on: StoredResult.databaseTableName,
                          columns: ["modelName", "firmwareVersion", "recordedAt"])
        }
        // `tinyhil profile`: per-operator counters of one inference (operators as JSON, in execution order).
        migrator.registerMigration("v2: operator profiles") { db in
            try db.create(table: StoredProfile.databaseTableName) { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("recordedAt", .datetime).notNull()
                t.column("modelName", .text).notNull()
                t.column("modelSHA256", .text).notNull()
                t.column("boardID", .text).notNull()
                t.column("firmwareVersion", .text).notNull()
                t.column("firmwareBuildID", .text).notNull()
                t.column("harnessVersion", .text).notNull()
                t.column("repositoryCommit", .text)
                t.column("counterUnit", .text).notNull()
                t.column("totalCounter", .integer).notNull()
                t.column("operators", .jsonText).notNull()
            }
            try db.create(index: "profile_by_model_board", on: StoredProfile.databaseTableName,
                          columns: ["modelName", "boardID", "recordedAt"])
        }
        return migrator
    }
}
