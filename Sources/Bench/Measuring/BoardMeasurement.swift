import DeviceLink
import Foundation
import PowerMeter

/// Where a measurement was made: firmware and board as the board reported them, the meter, the harness.
public struct Provenance: Sendable, Equatable {
    public var boardID: String
    public var boardName: String
    public var meterID: String
    public var firmwareVersion: String
    public var firmwareBuildID: String
    public var counterUnit: CounterUnit
    public var harnessVersion: String = HarnessVersion.current
}

/// Energy, latency and footprint of one model on one board.
public struct BoardMeasurement: Sendable, Equatable {
    public var model: String
    public var modelSHA256: String
    public var provenance: Provenance
    /// Energy per inference: median over the measured windows with its bootstrap interval; `values` holds every window.
    public var energyPerInference: Estimate<Joules>
    /// Latency per inference as the meter saw it (marker-high time ÷ inferences per window).
    public var latencyPerInference: Estimate<Seconds>
    /// The board's counter per inference (instructions on the virtual board, cycles on a Pico), median over windows.
    public var counterPerInference: Double
    public var windows: Int
    public var inferencesPerWindow: Int
    /// Arena bytes the board's engine uses for this model (LOAD_END's report).
    public var arenaBytes: Int
    /// Flash the model needs: its size in bytes.
    public var flashBytes: Int
    /// Where the raw trace was saved (generic CSV), if it was.
    public var tracePath: String?

    /// The row this measurement becomes in the result store.
    public func storedResult(repositoryCommit: String? = RepositoryRevision.ofThisProcess) -> StoredResult {
        StoredResult(
            kind: .measurement, modelName: model, modelSHA256: modelSHA256, boardID: provenance.boardID,
            meterID: provenance.meterID, firmwareVersion: provenance.firmwareVersion,
            firmwareBuildID: provenance.firmwareBuildID, harnessVersion: provenance.harnessVersion,
            repositoryCommit: repositoryCommit,
            energyMicrojoulesMedian: energyPerInference.median.microjoules,
            energyMicrojoulesCILow: energyPerInference.lower.microjoules,
            energyMicrojoulesCIHigh: energyPerInference.upper.microjoules,
            windowEnergiesMicrojoules: energyPerInference.values.map(\.microjoules),
            latencyMicrosecondsMedian: latencyPerInference.median.value * 1e6,
            counterPerInference: counterPerInference, counterUnit: provenance.counterUnit.storeName,
            arenaBytes: arenaBytes, flashBytes: flashBytes, tracePath: tracePath)
    }
}

/// An interleaved A/B comparison on one board in one session.
public struct Comparison: Sendable, Equatable {
    public var baseline: BoardMeasurement
    public var candidate: BoardMeasurement
    /// Candidate energy ÷ baseline energy: ratio of medians with a paired bootstrap interval.
    public var energyRatio: Estimate<Ratio>
    public var pairs: Int

    public func storedResult(repositoryCommit: String? = RepositoryRevision.ofThisProcess) -> StoredResult {
        var row = candidate.storedResult(repositoryCommit: repositoryCommit)
        row.kind = .comparison
        row.baselineModelName = baseline.model
        row.baselineModelSHA256 = baseline.modelSHA256
        row.ratioMedian = energyRatio.median.value
        row.ratioCILow = energyRatio.lower.value
        row.ratioCIHigh = energyRatio.upper.value
        return row
    }
}

extension CounterUnit {
    /// The unit's name in the result store and in reports.
    public var storeName: String {
        switch self {
        case .cpuCycles: "cycles"
        case .instructions: "instructions"
        case .microseconds: "microseconds"
        }
    }
}
