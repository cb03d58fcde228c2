import DeviceLink
import Foundation
import PowerMeter

/// A board and a power meter used together: loads models, runs marker-delimited windows of inferences, turns the
/// meter's trace into energy per inference with honest statistics, and compares models on the same board.
///
/// Tests and tools speak to this type; whether the board is a Pico on a USB-UART or the firmware under QEMU, and
/// whether the meter is a PPK2 or the simulated one, is decided when the bench is opened (`BenchConfiguration`).
/// Open it scoped, so it is always closed: `try await Bench.with(configuration) { bench in … }`.
public actor Bench {
    /// The board (one lifecycle: closed by `close()`).
    public nonisolated let board: any Board
    public nonisolated let meter: any PowerMeter
    /// The board's HELLO reply when the bench was opened (counter unit, firmware version, …).
    public nonisolated let facts: HelloReply
    private var isClosed = false
    private var progressHandler: (@Sendable (BenchProgress) -> Void)?

    /// The protocol client of the board.
    public nonisolated var device: Device { board.device }
    /// Stable identifier of the board for results: the configuration's `board_id`, else the board's own
    /// (its endpoint, or `virtual-mps2-an385`).
    public nonisolated let boardID: String

    /// A bench over an open board and meter; `close()` closes the board. A simulated meter must already watch the
    /// board (`SimulatedMeter.watch(_:)`; `BenchConfiguration.open…` does this).
    public init(board: any Board, meter: any PowerMeter, boardID: String? = nil) async throws(BenchError) {
        self.board = board
        self.meter = meter
        self.boardID = boardID ?? board.boardID
        do { self.facts = try await board.facts() } catch { throw .device(error) }
    }

    /// Receives a report after every measured window (for progress displays on long runs).
    public func setProgressHandler(_ handler: (@Sendable (BenchProgress) -> Void)?) { progressHandler = handler }

    /// Closes the board (and with it the emulator behind a virtual board). Safe to call twice.
    public func close() async {
        guard !isClosed else { return }
        isClosed = true
        await board.close()
    }

    /// The provenance stamped on every result of this bench.
    public func provenance() async -> Provenance {
        Provenance(
            boardID: boardID, boardName: facts.boardName, meterID: await meter.identity.id,
            firmwareVersion: facts.firmwareVersion, firmwareBuildID: facts.buildID, counterUnit: facts.counterUnit)
    }

    /// Loads `model` unless the board already holds it. Which model the board holds is the device's to know
    /// (`Device.model`, forgotten when the board reboots); the bench keeps no copy.
    @discardableResult
    public func load(_ model: ModelUnderTest) async throws(BenchError) -> ModelInfo {
        if let current = await device.model, current.modelCRC32 == model.crc32 { return current }
        do { return try await device.load(model.bytes) } catch { throw .device(error) }
    }

    // MARK: - Energy and latency

    /// Measures energy and latency per inference: `warmUpWindows` unrecorded windows, then `windows` recorded
    /// windows of `inferencesPerWindow` inferences each on `input` (default: a fixed pseudo-random input).
    public func measure(
        _ model: ModelUnderTest, windows: Int = 12, inferencesPerWindow: Int = 5, warmUpWindows: Int = 1,
        input: [UInt8]? = nil, bootstrap: BootstrapSettings = BootstrapSettings(), traceDirectory: URL? = nil
    ) async throws(BenchError) -> BoardMeasurement {
        try Self.validate(windows: windows, inferencesPerWindow: inferencesPerWindow)
        let info = try await load(model)
        let input = input ?? Self.referenceInput(bytes: info.inputBytes)
        try await warmUp(windows: warmUpWindows, inferencesPerWindow: inferencesPerWindow, input: input)
        var counters: [Double] = []
        let trace = try await recordingMeter { () async throws(BenchError) in
            for index in 0..<windows {
                counters.append(try await window(inferences: inferencesPerWindow, input: input))
                progressHandler?(BenchProgress(model: model.name, windowsDone: index + 1, windowsTotal: windows))
            }
        }
        let report = try analyse(trace, windows: windows, inferencesPerWindow: inferencesPerWindow)
        let tracePath = try save(trace, in: traceDirectory, name: model.name)
        return try await makeMeasurement(
            model, info: info, energies: report.energyPerInference, latencies: report.latencyPerInference,
            counters: counters, inferencesPerWindow: inferencesPerWindow, bootstrap: bootstrap, tracePath: tracePath)
    }

    /// Compares `candidate` with `baseline` on this board in one session: `pairs` baseline/candidate window pairs
    /// interleaved in blocks of `windowsPerSwitch` (see `InterleavedComparison`) so drift affects both alike; reports the
    /// ratio of median energies (candidate ÷ baseline) with a paired bootstrap interval, and each model's own measurement.
    ///
    /// On a board with two model slots (HELLO's `slot_count`, protocol v2) each model is uploaded once, baseline to
    /// slot 0 and candidate to slot 1, and every switch is a SELECT between windows (outside the marker window), so
    /// the default is strict alternation (`windowsPerSwitch` 1). On a one-slot board a switch re-uploads the model,
    /// so the default is blocks of 5. `switching` forces one way (`.upload` also works on a two-slot board).
    public func compare(
        baseline: ModelUnderTest, candidate: ModelUnderTest, pairs: Int = 10, inferencesPerWindow: Int = 5,
        warmUpWindows: Int = 1, windowsPerSwitch: Int? = nil, switching: ModelSwitching? = nil, input: [UInt8]? = nil,
        bootstrap: BootstrapSettings = BootstrapSettings(), traceDirectory: URL? = nil
    ) async throws(BenchError) -> Comparison {
        try Self.validate(windows: pairs, inferencesPerWindow: inferencesPerWindow)
        let switching = switching ?? (facts.slotCount >= 2 ? .selectSlot : .upload)
        if switching == .selectSlot, facts.slotCount < 2 {
            throw .invalidRequest("the board has \(facts.slotCount) model slot(s): switching by SELECT needs 2; use .upload")
        }
        let slot = (baseline: 0, candidate: 1)
        let baselineInfo: ModelInfo
        if switching == .selectSlot {
            do { baselineInfo = try await device.load(baseline.bytes, slot: slot.baseline) } catch { throw .device(error) }
        } else {
            baselineInfo = try await load(baseline)
        }
        let baselineInput = input ?? Self.referenceInput(bytes: baselineInfo.inputBytes)
        try await warmUp(windows: warmUpWindows, inferencesPerWindow: inferencesPerWindow, input: baselineInput)
        let candidateInfo: ModelInfo
        if switching == .selectSlot {
            do { candidateInfo = try await device.load(candidate.bytes, slot: slot.candidate) } catch { throw .device(error) }
        } else {
            candidateInfo = try await load(candidate)
        }
        guard candidateInfo.inputBytes == baselineInfo.inputBytes else {
            throw .invalidRequest(
                "baseline and candidate take different inputs (\(baselineInfo.inputBytes) vs \(candidateInfo.inputBytes) bytes); compare variants of one model")
        }
        try await warmUp(windows: warmUpWindows, inferencesPerWindow: inferencesPerWindow, input: baselineInput)

        let plan = InterleavedComparison(
            pairs: pairs, windowsPerSwitch: windowsPerSwitch ?? (switching == .selectSlot ? 1 : 5))
        let schedule = plan.schedule
        var counters: [Double] = []
        var selected = slot.candidate
        let trace = try await recordingMeter { () async throws(BenchError) in
            for (index, arm) in schedule.enumerated() {
                let model = arm == .baseline ? baseline : candidate
                if switching == .selectSlot {
                    let wanted = arm == .baseline ? slot.baseline : slot.candidate
                    if wanted != selected {
                        do throws(DeviceError) { _ = try await device.select(slot: wanted) } catch { throw .device(error) }
                        selected = wanted
                    }
                } else {
                    try await load(model)
                }
                counters.append(try await window(inferences: inferencesPerWindow, input: baselineInput))
                progressHandler?(BenchProgress(model: model.name, windowsDone: index + 1, windowsTotal: schedule.count))
            }
        }
        let report = try analyse(trace, windows: schedule.count, inferencesPerWindow: inferencesPerWindow)
        let tracePath = try save(trace, in: traceDirectory, name: "\(baseline.name)-vs-\(candidate.name)")
        let energies: (baseline: [Joules], candidate: [Joules])
        let latencies: (baseline: [Seconds], candidate: [Seconds])
        let counterArms: (baseline: [Double], candidate: [Double])
        let ratio: Estimate<Ratio>
        do {
            energies = try plan.split(report.energyPerInference)
            latencies = try plan.split(report.latencyPerInference)
            counterArms = try plan.split(counters)
            ratio = try InterleavedComparison.ratioOfMedians(
                baseline: energies.baseline, candidate: energies.candidate, bootstrap: bootstrap)
        } catch {
            throw .statistics(error)
        }
        return Comparison(
            baseline: try await makeMeasurement(
                baseline, info: baselineInfo, energies: energies.baseline, latencies: latencies.baseline,
                counters: counterArms.baseline, inferencesPerWindow: inferencesPerWindow, bootstrap: bootstrap,
                tracePath: tracePath),
            candidate: try await makeMeasurement(
                candidate, info: candidateInfo, energies: energies.candidate, latencies: latencies.candidate,
                counters: counterArms.candidate, inferencesPerWindow: inferencesPerWindow, bootstrap: bootstrap,
                tracePath: tracePath),
            energyRatio: ratio, pairs: pairs)
    }

    // MARK: - Steps

    private func warmUp(windows: Int, inferencesPerWindow: Int, input: [UInt8]) async throws(BenchError) {
        for _ in 0..<max(0, windows) {
            do { _ = try await device.runWindow(inferences: inferencesPerWindow, input: input) } catch {
                throw .device(error)
            }
        }
    }

    /// Runs one marker window (the meter sees it on its marker input, or, simulated, watches the board); returns
    /// the board's counter per inference.
    private func window(inferences: Int, input: [UInt8]) async throws(BenchError) -> Double {
        let reply: RunWindowReply
        do { reply = try await device.runWindow(inferences: inferences, input: input) } catch { throw .device(error) }
        return Double(reply.counterTotal) / Double(inferences)
    }

    /// Records the meter while `body` runs the windows. When a window fails, the recording is stopped and dropped
    /// before the error comes through, so the next measurement starts on an idle meter.
    private func recordingMeter(_ body: () async throws(BenchError) -> Void) async throws(BenchError) -> Trace {
        do { try await meter.start() } catch { throw .meter(error) }
        do { try await body() } catch {
            _ = try? await meter.stop()
            throw error
        }
        do { return try await meter.stop() } catch { throw .meter(error) }
    }

    private func analyse(_ trace: Trace, windows: Int, inferencesPerWindow: Int) throws(BenchError) -> EnergyReport {
        let options = EnergyAnalysisOptions(expectedWindowCount: windows, inferencesPerWindow: inferencesPerWindow)
        do { return try EnergyAnalysis(options).analyse(trace) } catch { throw .analysis(error) }
    }

    private func save(_ trace: Trace, in directory: URL?, name: String) throws(BenchError) -> String? {
        guard let directory else { return nil }
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let url = directory.appendingPathComponent("\(name)-\(stamp).csv")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(GenericTraceCSV.write(trace).utf8).write(to: url)
        } catch {
            throw .invalidRequest("cannot save the trace to \(url.path): \(error.localizedDescription)")
        }
        return url.path
    }

    private func makeMeasurement(
        _ model: ModelUnderTest, info: ModelInfo, energies: [Joules], latencies: [Seconds], counters: [Double],
        inferencesPerWindow: Int, bootstrap: BootstrapSettings, tracePath: String?
    ) async throws(BenchError) -> BoardMeasurement {
        do {
            return BoardMeasurement(
                model: model.name, modelSHA256: model.sha256, provenance: await provenance(),
                energyPerInference: try Estimate.median(of: energies, bootstrap: bootstrap),
                latencyPerInference: try Estimate.median(of: latencies, bootstrap: bootstrap),
                counterPerInference: try Statistics.median(counters), windows: energies.count,
                inferencesPerWindow: inferencesPerWindow, arenaBytes: Int(info.arenaUsedBytes),
                flashBytes: model.bytes.count, tracePath: tracePath)
        } catch {
            throw .statistics(error)
        }
    }

    private static func validate(windows: Int, inferencesPerWindow: Int) throws(BenchError) {
        guard windows >= 5 else {
            throw .invalidRequest("at least 5 windows are needed for a median with an interval (asked for \(windows))")
        }
        guard inferencesPerWindow >= 1 else {
            throw .invalidRequest("inferences per window must be at least 1 (asked for \(inferencesPerWindow))")
        }
    }

    /// A fixed pseudo-random input (SplitMix64, seed 1): dense kernels take the same path whatever the values,
    /// and a fixed input keeps runs comparable.
    public static func referenceInput(bytes: Int) -> [UInt8] {
        var generator = SeededGenerator(seed: 1)
        return (0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}

/// How `Bench.compare` switches the board between baseline and candidate.
public enum ModelSwitching: Sendable, Equatable {
    /// Upload each model once into its own slot (0 and 1) and SELECT between windows (boards with 2 slots).
    case selectSlot
    /// Upload the model again at every switch (any board).
    case upload
}

/// Where a long measurement stands.
public struct BenchProgress: Sendable, Equatable {
    public var model: String
    public var windowsDone: Int
    public var windowsTotal: Int
}
