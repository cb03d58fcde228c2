import DeviceLink
import Foundation
import GRDB
import TFLite

/// One `tinyhil profile` run as it sits in the result store: where one inference spent its counter (cycles on a
/// board with a cycle counter, instructions under QEMU), per operator, with the board and firmware that produced it.
public struct StoredProfile: Codable, Sendable, Equatable, Identifiable {
    /// One operator of the model, in execution order.
    public struct Operator: Codable, Sendable, Equatable {
        public var index: Int
        /// The builtin operator's name (`CONV_2D`), as TFLite names it.
        public var name: String
        /// In the profile's `counterUnit`.
        public var counter: Int64

        public init(index: Int, name: String, counter: Int64) {
            self.index = index
            self.name = name
            self.counter = counter
        }
    }

    public var id: Int64?
    public var recordedAt: Date
    public var modelName: String
    public var modelSHA256: String
    public var boardID: String
    public var firmwareVersion: String
    public var firmwareBuildID: String
    public var harnessVersion: String
    public var repositoryCommit: String?
    /// "cycles", "instructions" or "microseconds" (`CounterUnit.storeName`).
    public var counterUnit: String
    /// The board's total over the whole inference (at least the operators' sum: it includes the engine's overhead).
    public var totalCounter: Int64
    public var operators: [Operator]

    public init(
        id: Int64? = nil, recordedAt: Date = Date(), modelName: String, modelSHA256: String, boardID: String,
        firmwareVersion: String, firmwareBuildID: String, harnessVersion: String = HarnessVersion.current,
        repositoryCommit: String? = nil, counterUnit: String, totalCounter: Int64, operators: [Operator]
    ) {
        self.id = id
        self.recordedAt = recordedAt
        self.modelName = modelName
        self.modelSHA256 = modelSHA256
        self.boardID = boardID
        self.firmwareVersion = firmwareVersion
        self.firmwareBuildID = firmwareBuildID
        self.harnessVersion = harnessVersion
        self.repositoryCommit = repositoryCommit
        self.counterUnit = counterUnit
        self.totalCounter = totalCounter
        self.operators = operators
    }

    /// A board's profile of `model`, named with TFLite's operator names and stamped with the board's facts.
    public init(
        _ profile: OperatorProfile, of model: ModelUnderTest, boardID: String, facts: HelloReply,
        repositoryCommit: String? = RepositoryRevision.ofThisProcess, recordedAt: Date = Date()
    ) {
        self.init(
            recordedAt: recordedAt, modelName: model.name, modelSHA256: model.sha256, boardID: boardID,
            firmwareVersion: facts.firmwareVersion, firmwareBuildID: facts.buildID, repositoryCommit: repositoryCommit,
            counterUnit: profile.unit.storeName, totalCounter: Int64(clamping: profile.totalCounter),
            operators: profile.rows.map {
                Operator(index: $0.operatorIndex, name: BuiltinOperator(rawValue: $0.builtinCode).description,
                         counter: Int64(clamping: $0.counter))
            })
    }

    /// The operators' sum (the engine's own overhead is `totalCounter` minus this).
    public var operatorsCounter: Int64 { operators.reduce(0) { $0 + $1.counter } }
}

extension StoredProfile: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "operatorProfile"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
