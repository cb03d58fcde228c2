import DeviceLink
import Foundation
import PowerMeter

/// A board and a power meter used together: loads models, runs marker-delimited windows of inferences, turns the
/// meter's trace into energy per inference with honest statistics, and compares models on the same board.
///
/// Tests and tools speak to this type; whether the board is a Pico on a USB-UART or the firmware under QEMU, and
/// whether the meter is a PPK2 or the simulated one, is decided when the bench is opened (`BenchConfiguration`).
public actor Bench {
    public nonisolated let device: Device
    public nonisolated let meter: any PowerMeter
    /// Stable identifier of the board (its USB serial number, or `virtual-mps2-an385`).
    public nonisolated let boardID: String
    public nonisolated let board: HelloReply
    private var loadedModelSHA256: String?
    private var loadedModelInfo: ModelInfo?
    private var closeActions: [@Sendable () async -> Void] = []
    private var progressHandler: (@Sendable (BenchProgress) -> Void)?

    public init(device: Device, meter: any PowerMeter, boardID: String) async throws(BenchError) {
        self.device = device
        self.meter = meter
        self.boardID = boardID
        do { self.board = try await device.hello() } catch { throw .device(error) }
    }

    /// Receives a report after every measured window (for progress displays on long runs).
    public func setProgressHandler(_ handler: (@Sendable (BenchProgress) -> Void)?) { progressHandler = handler }

    /// Adds work for `close()` (e.g. shutting down the emulator behind a virtual board).
    public func onClose(_ action: @escaping @Sendable () async -> Void) { closeActions.append(action) }

    /// Closes the board connection and runs the close actions. Safe to call twice.
    public func close() async {
        await device.close()
        let actions = closeActions
        closeActions = []
        for action in actions { await action() }
    }

    /// The provenance stamped on every result of this bench.
    public func provenance() async -> Provenance {
        Provenance(
            boardID: boardID, boardName: board.boardName, meterID: await meter.identity.id,
            firmwareVersion: board.firmwareVersion, firmwareBuildID: board.buildID, counterUnit: board.counterUnit)
    }

    /// Loads `model` unless it is already the board's current model.
    @discardableResult
    public func load(_ model: ModelUnderTest) async throws(BenchError) -> ModelInfo {
        if loadedModelSHA256 == model.sha256, let info = loadedModelInfo { return info }
        loadedModelSHA256 = nil
        do {
            let info = try await device.load(model.bytes)
            loadedModelSHA256 = model.sha256
            loadedModelInfo = info
            return info
        } catch {
            throw .device(error)
        }
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
        try await startMeter()
        var counters: [Double] = []
        for index in 0..<windows {
            counters.append(try await window(inferences: inferencesPerWindow, input: input))
            progressHandler?(BenchProgress(model: model.name, windowsDone: index + 1, windowsTotal: windows))
        }
        let trace = try await stopMeter()
        let report = try analyse(trace, windows: windows, inferencesPerWindow: inferencesPerWindow)
        let tracePath = try save(trace, in: traceDirectory, name: model.name)
        return try await makeMeasurement(
            model, info: info, energies: report.energyPerInference, latencies: report.latencyPerInference,
            counters: counters, inferencesPerWindow: inferencesPerWindow, bootstrap: bootstrap, tracePath: tracePath)
    }

    /// Compares `candidate` with `baseline` on this board in one session: `pairs` baseline/candidate window pairs
    /// interleaved in blocks of `windowsPerSwitch` (see `interleavedSchedule`) so drift affects both alike; reports the
    /// ratio of median energies (candidate ÷ baseline) with a paired bootstrap interval, and each model's own measurement.
    public func compare(
        baseline: ModelUnderTest, candidate: ModelUnderTest, pairs: Int = 10, inferencesPerWindow: Int = 5,
        warmUpWindows: Int = 1, windowsPerSwitch: Int = 5, input: [UInt8]? = nil,
        bootstrap: BootstrapSettings = BootstrapSettings(), traceDirectory: URL? = nil
    ) async throws(BenchError) -> Comparison {
        try Self.validate(windows: pairs, inferencesPerWindow: inferencesPerWindow)
        let baselineInfo = try await load(baseline)
        let baselineInput = input ?? Self.referenceInput(bytes: baselineInfo.inputBytes)
        try await warmUp(windows: warmUpWindows, inferencesPerWindow: inferencesPerWindow, input: baselineInput)
        let candidateInfo = try await load(candidate)
        guard candidateInfo.inputBytes == baselineInfo.inputBytes else {
            throw .invalidRequest(
                "baseline and candidate take different inputs (\(baselineInfo.inputBytes) vs \(candidateInfo.inputBytes) bytes); compare variants of one model")
        }
        try await warmUp(windows: warmUpWindows, inferencesPerWindow: inferencesPerWindow, input: baselineInput)

        let schedule = Self.interleavedSchedule(pairs: pairs, windowsPerSwitch: windowsPerSwitch)
        try await startMeter()
        var counters: [Double] = []
        for (index, arm) in schedule.enumerated() {
            let model = arm == .baseline ? baseline : candidate
            try await load(model)
            counters.append(try await window(inferences: inferencesPerWindow, input: baselineInput))
            progressHandler?(BenchProgress(model: model.name, windowsDone: index + 1, windowsTotal: schedule.count))
        }
        let trace = try await stopMeter()
        let report = try analyse(trace, windows: schedule.count, inferencesPerWindow: inferencesPerWindow)
        let tracePath = try save(trace, in: traceDirectory, name: "\(baseline.name)-vs-\(candidate.name)")
        let energies = Self.split(report.energyPerInference, by: schedule)
        let latencies = Self.split(report.latencyPerInference, by: schedule)
        let counterArms = Self.split(counters, by: schedule)
        let ratio: Estimate<Ratio>
        do {
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

    /// The order of windows in a comparison: blocks of `windowsPerSwitch` windows of one model, alternating
    /// baseline, candidate, baseline, … (1 = strict alternation). Blocks exist because a board holds one model and
    /// switching means uploading it again (seconds over a serial line); the i-th baseline window is paired with the
    /// i-th candidate window, which were measured at most one block apart.
    static func interleavedSchedule(pairs: Int, windowsPerSwitch: Int) -> [ComparisonArm] {
        let block = max(1, min(windowsPerSwitch, pairs))
        var schedule: [ComparisonArm] = []
        var remaining = pairs
        while remaining > 0 {
            let size = min(block, remaining)
            schedule += Array(repeating: .baseline, count: size) + Array(repeating: .candidate, count: size)
            remaining -= size
        }
        return schedule
    }

    static func split<Value>(_ values: [Value], by schedule: [ComparisonArm]) -> (baseline: [Value], candidate: [Value]) {
        var baseline: [Value] = [], candidate: [Value] = []
        for (value, arm) in zip(values, schedule) {
            if arm == .baseline { baseline.append(value) } else { candidate.append(value) }
        }
        return (baseline, candidate)
    }

    // MARK: - Steps

    private func warmUp(windows: Int, inferencesPerWindow: Int, input: [UInt8]) async throws(BenchError) {
        for _ in 0..<max(0, windows) {
            do { _ = try await device.runWindow(inferences: inferencesPerWindow, input: input) } catch {
                throw .device(error)
            }
        }
    }

    /// Runs one marker window and tells the meter about it; returns the board's counter per inference.
    private func window(inferences: Int, input: [UInt8]) async throws(BenchError) -> Double {
        let reply: RunWindowReply
        do { reply = try await device.runWindow(inferences: inferences, input: input) } catch { throw .device(error) }
        let extent: BusyWindow.Extent = switch board.counterUnit {
        case .instructions: .instructions(reply.counterTotal)
        case .cpuCycles: .cycles(reply.counterTotal)
        case .microseconds: .duration(Seconds(Double(reply.counterTotal) * 1e-6))
        }
        do { try await meter.noteBusyWindow(BusyWindow(extent, inferences: inferences)) } catch { throw .meter(error) }
        return Double(reply.counterTotal) / Double(inferences)
    }

    private func startMeter() async throws(BenchError) {
        do { try await meter.start() } catch { throw .meter(error) }
    }

    private func stopMeter() async throws(BenchError) -> Trace {
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

/// Where a long measurement stands.
public struct BenchProgress: Sendable, Equatable {
    public var model: String
    public var windowsDone: Int
    public var windowsTotal: Int
}
