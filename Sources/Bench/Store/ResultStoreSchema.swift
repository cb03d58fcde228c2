import GRDB

/// The result store's schema, one migration per version. Never edit a shipped migration: add a new one.
enum ResultStoreSchema {
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
        return migrator
    }
}
