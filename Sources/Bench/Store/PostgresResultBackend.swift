import Foundation
import GRDB
import PostgresNIO

/// The result store in a PostgreSQL database shared by every host of a bench farm. One connection per store,
/// calls serialised; each write is one statement (its own transaction), so a result a call returned is committed,
/// and a writer killed mid-statement leaves no half-written row.
final class PostgresResultBackend: ResultStoreBackend, @unchecked Sendable {
    private let session: PostgresSession
    private let lock = NSLock()
    private var location: String { session.address.description }

    init(address: PostgresStoreAddress) throws(ResultStoreError) {
        session = try PostgresSession(address: address)
        try PostgresStoreSchema.migrate(session, location: address.description)
    }

    // MARK: Results

    private static let resultColumns = [
        "recordedAt", "kind", "modelName", "modelSHA256", "boardID", "meterID", "firmwareVersion", "firmwareBuildID",
        "harnessVersion", "repositoryCommit", "energyMicrojoulesMedian", "energyMicrojoulesCILow",
        "energyMicrojoulesCIHigh", "windowEnergiesMicrojoules", "latencyMicrosecondsMedian", "counterPerInference",
        "counterUnit", "arenaBytes", "flashBytes", "accuracy", "accuracySamples", "hostAgreement", "baselineModelName",
        "baselineModelSHA256", "ratioMedian", "ratioCILow", "ratioCIHigh", "tracePath",
    ]

    func record(_ result: StoredResult) throws(ResultStoreError) -> StoredResult {
        var binds = PostgresBindings()
        do {
            binds.append(StoredDate.normalized(result.recordedAt))
            binds.append(result.kind.rawValue)
            binds.append(result.modelName)
            binds.append(result.modelSHA256)
            binds.append(result.boardID)
            binds.append(result.meterID)
            binds.append(result.firmwareVersion)
            binds.append(result.firmwareBuildID)
            binds.append(result.harnessVersion)
            binds.append(result.repositoryCommit)
            binds.append(result.energyMicrojoulesMedian)
            binds.append(result.energyMicrojoulesCILow)
            binds.append(result.energyMicrojoulesCIHigh)
            binds.append(try StoredJSON.encode(result.windowEnergiesMicrojoules))
            binds.append(result.latencyMicrosecondsMedian)
            binds.append(result.counterPerInference)
            binds.append(result.counterUnit)
            binds.append(result.arenaBytes)
            binds.append(result.flashBytes)
            binds.append(result.accuracy)
            binds.append(result.accuracySamples)
            binds.append(result.hostAgreement)
            binds.append(result.baselineModelName)
            binds.append(result.baselineModelSHA256)
            binds.append(result.ratioMedian)
            binds.append(result.ratioCILow)
            binds.append(result.ratioCIHigh)
            binds.append(result.tracePath)
        } catch {
            throw .writeFailed(reason: "cannot encode the result: \(error)")
        }
        let id = try insert(table: "result", columns: Self.resultColumns, binds: binds)
        var stored = result
        stored.id = id
        return stored
    }

    func results(_ query: ResultQuery) throws(ResultStoreError) -> [StoredResult] {
        var conditions: [String] = []
        var binds = PostgresBindings()
        for (column, value) in [("modelName", query.model), ("kind", query.kind?.rawValue), ("boardID", query.board)] {
            guard let value else { continue }
            binds.append(value)
            conditions.append(#""\#(column)" = $\#(binds.count)"#)
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try read(#"SELECT * FROM "result"\#(filter) ORDER BY "recordedAt", "id""#, binds: binds, Self.decodeResult)
    }

    func lastResult(
        model: String, kind: StoredResult.Kind, board: String?, excludingFirmwareVersion firmwareVersion: String
    ) throws(ResultStoreError) -> StoredResult? {
        var binds = PostgresBindings()
        binds.append(model)
        binds.append(kind.rawValue)
        binds.append(firmwareVersion)
        var sql = #"SELECT * FROM "result" WHERE "modelName" = $1 AND "kind" = $2 AND "firmwareVersion" <> $3"#
        if let board {
            binds.append(board)
            sql += #" AND "boardID" = $4"#
        }
        sql += #" ORDER BY "recordedAt" DESC, "id" DESC LIMIT 1"#
        return try read(sql, binds: binds, Self.decodeResult).first
    }

    private static func decodeResult(_ row: PostgresRandomAccessRow) throws -> StoredResult {
        let kindName = try row["kind"].decode(String.self)
        guard let kind = StoredResult.Kind(rawValue: kindName) else {
            throw StoredJSON.Failure(description: "unknown result kind \(kindName)")
        }
        return StoredResult(
            id: try row["id"].decode(Int64.self),
            recordedAt: StoredDate.normalized(try row["recordedAt"].decode(Date.self)),
            kind: kind,
            modelName: try row["modelName"].decode(String.self),
            modelSHA256: try row["modelSHA256"].decode(String.self),
            boardID: try row["boardID"].decode(String.self),
            meterID: try row["meterID"].decode(String.self),
            firmwareVersion: try row["firmwareVersion"].decode(String.self),
            firmwareBuildID: try row["firmwareBuildID"].decode(String.self),
            harnessVersion: try row["harnessVersion"].decode(String.self),
            repositoryCommit: try row["repositoryCommit"].decode(String?.self),
            energyMicrojoulesMedian: try row["energyMicrojoulesMedian"].decode(Double?.self),
            energyMicrojoulesCILow: try row["energyMicrojoulesCILow"].decode(Double?.self),
            energyMicrojoulesCIHigh: try row["energyMicrojoulesCIHigh"].decode(Double?.self),
            windowEnergiesMicrojoules: try StoredJSON.decode([Double].self, try row["windowEnergiesMicrojoules"].decode(String.self)),
            latencyMicrosecondsMedian: try row["latencyMicrosecondsMedian"].decode(Double?.self),
            counterPerInference: try row["counterPerInference"].decode(Double?.self),
            counterUnit: try row["counterUnit"].decode(String?.self),
            arenaBytes: try row["arenaBytes"].decode(Int?.self),
            flashBytes: try row["flashBytes"].decode(Int?.self),
            accuracy: try row["accuracy"].decode(Double?.self),
            accuracySamples: try row["accuracySamples"].decode(Int?.self),
            hostAgreement: try row["hostAgreement"].decode(Double?.self),
            baselineModelName: try row["baselineModelName"].decode(String?.self),
            baselineModelSHA256: try row["baselineModelSHA256"].decode(String?.self),
            ratioMedian: try row["ratioMedian"].decode(Double?.self),
            ratioCILow: try row["ratioCILow"].decode(Double?.self),
            ratioCIHigh: try row["ratioCIHigh"].decode(Double?.self),
            tracePath: try row["tracePath"].decode(String?.self))
    }

    // MARK: Operator profiles

    private static let profileColumns = [
        "recordedAt", "modelName", "modelSHA256", "boardID", "firmwareVersion", "firmwareBuildID", "harnessVersion",
        "repositoryCommit", "counterUnit", "totalCounter", "operators",
    ]

    func record(_ profile: StoredProfile) throws(ResultStoreError) -> StoredProfile {
        var binds = PostgresBindings()
        do {
            binds.append(StoredDate.normalized(profile.recordedAt))
            binds.append(profile.modelName)
            binds.append(profile.modelSHA256)
            binds.append(profile.boardID)
            binds.append(profile.firmwareVersion)
            binds.append(profile.firmwareBuildID)
            binds.append(profile.harnessVersion)
            binds.append(profile.repositoryCommit)
            binds.append(profile.counterUnit)
            binds.append(profile.totalCounter)
            binds.append(try StoredJSON.encode(profile.operators))
        } catch {
            throw .writeFailed(reason: "cannot encode the profile: \(error)")
        }
        let id = try insert(table: "operatorProfile", columns: Self.profileColumns, binds: binds)
        var stored = profile
        stored.id = id
        return stored
    }

    func profiles(model: String?) throws(ResultStoreError) -> [StoredProfile] {
        var binds = PostgresBindings()
        var filter = ""
        if let model {
            binds.append(model)
            filter = #" WHERE "modelName" = $1"#
        }
        return try read(#"SELECT * FROM "operatorProfile"\#(filter) ORDER BY "recordedAt", "id""#, binds: binds) { row in
            StoredProfile(
                id: try row["id"].decode(Int64.self),
                recordedAt: StoredDate.normalized(try row["recordedAt"].decode(Date.self)),
                modelName: try row["modelName"].decode(String.self),
                modelSHA256: try row["modelSHA256"].decode(String.self),
                boardID: try row["boardID"].decode(String.self),
                firmwareVersion: try row["firmwareVersion"].decode(String.self),
                firmwareBuildID: try row["firmwareBuildID"].decode(String.self),
                harnessVersion: try row["harnessVersion"].decode(String.self),
                repositoryCommit: try row["repositoryCommit"].decode(String?.self),
                counterUnit: try row["counterUnit"].decode(String.self),
                totalCounter: try row["totalCounter"].decode(Int64.self),
                operators: try StoredJSON.decode([StoredProfile.Operator].self, try row["operators"].decode(String.self)))
        }
    }

    func appliedMigrations() throws(ResultStoreError) -> [String] {
        try read(#"SELECT "identifier" FROM "grdb_migrations" ORDER BY "identifier""#, binds: PostgresBindings()) { row in
            try row["identifier"].decode(String.self)
        }
    }

    // MARK: Statements

    private func insert(table: String, columns: [String], binds: PostgresBindings) throws(ResultStoreError) -> Int64 {
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let placeholders = (1...columns.count).map { "$\($0)" }.joined(separator: ", ")
        let sql = #"INSERT INTO "\#(table)" (\#(names)) VALUES (\#(placeholders)) RETURNING "id""#
        do {
            let rows = try withSession { session in try session.query(PostgresQuery(unsafeSQL: sql, binds: binds)) }
            guard let row = rows.first else { throw StoredJSON.Failure(description: "the server returned no id") }
            return try row.makeRandomAccess()["id"].decode(Int64.self)
        } catch let error as ResultStoreError {
            throw error
        } catch {
            throw .writeFailed(reason: "\(PostgresSession.explain(error)) (store \(location))")
        }
    }

    private func read<Value>(
        _ sql: String, binds: PostgresBindings, _ decode: (PostgresRandomAccessRow) throws -> Value
    ) throws(ResultStoreError) -> [Value] {
        do {
            let rows = try withSession { session in try session.query(PostgresQuery(unsafeSQL: sql, binds: binds)) }
            return try rows.map { try decode($0.makeRandomAccess()) }
        } catch let error as ResultStoreError {
            throw error
        } catch {
            throw .readFailed(reason: "\(PostgresSession.explain(error)) (store \(location))")
        }
    }

    private func withSession<Value>(_ body: (PostgresSession) throws -> Value) throws -> Value {
        try lock.withLock {
            try session.reconnectIfClosed()
            return try body(session)
        }
    }
}

/// Timestamps as both stores keep them: SQLite (GRDB) keeps text to the millisecond, so PostgreSQL is given the
/// instant as GRDB would read it back, and what PostgreSQL returns (microseconds) is read through the same
/// conversion: a result reads back identically, to the bit, from either store.
enum StoredDate {
    static func normalized(_ date: Date) -> Date {
        Date.fromDatabaseValue(date.databaseValue) ?? date
    }
}

/// JSON columns (window energies, operators) as text, encoded as GRDB encodes them in SQLite.
enum StoredJSON {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, _ text: String) throws -> Value {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
