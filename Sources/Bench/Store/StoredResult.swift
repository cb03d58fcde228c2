import Foundation
import GRDB

/// One recorded result as it sits in the result store: what was measured, on which board and firmware, with
/// which harness and repository revision. Metric columns are optional because a row holds one kind of result
/// (an energy/latency measurement, an accuracy run, or an A/B comparison).
public struct StoredResult: Codable, Sendable, Equatable, Identifiable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case measurement, accuracy, comparison
    }

    public var id: Int64?
    public var recordedAt: Date
    public var kind: Kind

    // What ran, where.
    public var modelName: String
    public var modelSHA256: String
    public var boardID: String
    public var meterID: String
    public var firmwareVersion: String
    public var firmwareBuildID: String
    public var harnessVersion: String
    public var repositoryCommit: String?

    // Energy per inference (µJ): median and bootstrap confidence interval; every window's value.
    public var energyMicrojoulesMedian: Double?
    public var energyMicrojoulesCILow: Double?
    public var energyMicrojoulesCIHigh: Double?
    public var windowEnergiesMicrojoules: [Double]

    // Latency per inference.
    public var latencyMicrosecondsMedian: Double?
    public var counterPerInference: Double?
    /// Unit of `counterPerInference`: "cycles" or "instructions".
    public var counterUnit: String?

    // Footprint as the device reported it.
    public var arenaBytes: Int?
    public var flashBytes: Int?

    // Accuracy runs.
    public var accuracy: Double?
    public var accuracySamples: Int?
    /// Fraction of inputs where board and host engine gave identical outputs.
    public var hostAgreement: Double?

    // Comparisons: candidate energy / baseline energy.
    public var baselineModelName: String?
    public var baselineModelSHA256: String?
    public var ratioMedian: Double?
    public var ratioCILow: Double?
    public var ratioCIHigh: Double?

    /// Where the raw trace was saved, if it was.
    public var tracePath: String?

    public init(
        id: Int64? = nil, recordedAt: Date = Date(), kind: Kind,
        modelName: String, modelSHA256: String, boardID: String, meterID: String,
        firmwareVersion: String, firmwareBuildID: String, harnessVersion: String, repositoryCommit: String? = nil,
        energyMicrojoulesMedian: Double? = nil, energyMicrojoulesCILow: Double? = nil,
        energyMicrojoulesCIHigh: Double? = nil, windowEnergiesMicrojoules: [Double] = [],
        latencyMicrosecondsMedian: Double? = nil, counterPerInference: Double? = nil, counterUnit: String? = nil,
        arenaBytes: Int? = nil, flashBytes: Int? = nil,
        accuracy: Double? = nil, accuracySamples: Int? = nil, hostAgreement: Double? = nil,
        baselineModelName: String? = nil, baselineModelSHA256: String? = nil,
        ratioMedian: Double? = nil, ratioCILow: Double? = nil, ratioCIHigh: Double? = nil,
        tracePath: String? = nil
    ) {
        self.id = id
        self.recordedAt = recordedAt
        self.kind = kind
        self.modelName = modelName
        self.modelSHA256 = modelSHA256
        self.boardID = boardID
        self.meterID = meterID
        self.firmwareVersion = firmwareVersion
        self.firmwareBuildID = firmwareBuildID
        self.harnessVersion = harnessVersion
        self.repositoryCommit = repositoryCommit
        self.energyMicrojoulesMedian = energyMicrojoulesMedian
        self.energyMicrojoulesCILow = energyMicrojoulesCILow
        self.energyMicrojoulesCIHigh = energyMicrojoulesCIHigh
        self.windowEnergiesMicrojoules = windowEnergiesMicrojoules
        self.latencyMicrosecondsMedian = latencyMicrosecondsMedian
        self.counterPerInference = counterPerInference
        self.counterUnit = counterUnit
        self.arenaBytes = arenaBytes
        self.flashBytes = flashBytes
        self.accuracy = accuracy
        self.accuracySamples = accuracySamples
        self.hostAgreement = hostAgreement
        self.baselineModelName = baselineModelName
        self.baselineModelSHA256 = baselineModelSHA256
        self.ratioMedian = ratioMedian
        self.ratioCILow = ratioCILow
        self.ratioCIHigh = ratioCIHigh
        self.tracePath = tracePath
    }
}

extension StoredResult: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "result"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
