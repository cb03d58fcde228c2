import ArgumentParser
import Bench
import DeviceLink
import Foundation

struct Measure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure energy and latency per inference on a bench (optionally against a baseline), and record the result.",
        usage: "tinyhil measure <model> [--baseline <model>] [<options>]",  // fits 80 columns; the options are listed below
        discussion: """
        --bench virtual runs the firmware under QEMU with the simulated Pico meter (energy from instruction counts \
        and the documented power model: instructions, not M0+ cycles). --bench FILE reads a bench configuration \
        (board/meter, see docs/bench-setup.md); any other value is a board endpoint (/dev/ttyACM0, serial:SN, \
        tcp://host:port) measured with the simulated meter.
        """)

    @Argument(help: "The model to measure (.tflite).") var model: String
    @Option(help: "A baseline model: measure both interleaved and report candidate/baseline energy.") var baseline: String?
    @OptionGroup var bench: BenchOptions
    @Option(help: "Measured windows (per model).") var windows: Int = 12
    @Option(help: "Inferences per window.") var inferencesPerWindow: Int = 5
    @Flag(help: "Print JSON instead of text.") var json = false
    @Flag(help: "Do not record the result in the store.") var noRecord = false
    @OptionGroup var store: StoreOptions
    @Option(help: "Folder for raw traces (generic CSV); none when omitted.") var traces: String?

    func run() async throws {
        let candidate = try ModelUnderTest(contentsOf: URL(fileURLWithPath: model))
        let baselineModel = try baseline.map { try ModelUnderTest(contentsOf: URL(fileURLWithPath: $0)) }
        let resultStore = noRecord ? nil : try store.open()
        let recorder = ResultRecorder(resultStore)
        let traceDirectory = traces.map { URL(fileURLWithPath: $0, isDirectory: true) }
        let (json, windows, inferencesPerWindow) = (self.json, self.windows, self.inferencesPerWindow)
        let report = try await Bench.with(try bench.configuration()) { bench in
            await bench.setProgressHandler { progress in
                guard !json else { return }
                FileHandle.standardError.write(Data("\r\(progress.model): window \(progress.windowsDone)/\(progress.windowsTotal)   ".utf8))
                if progress.windowsDone == progress.windowsTotal { FileHandle.standardError.write(Data("\n".utf8)) }
            }
            if let baselineModel {
                let comparison = try await bench.compare(
                    baseline: baselineModel, candidate: candidate, pairs: windows,
                    inferencesPerWindow: inferencesPerWindow, traceDirectory: traceDirectory)
                try recorder.record(comparison)
                return MeasurementReport(comparison)
            }
            let measurement = try await bench.measure(
                candidate, windows: windows, inferencesPerWindow: inferencesPerWindow, traceDirectory: traceDirectory)
            try recorder.record(measurement)
            return MeasurementReport(measurement)
        }
        print(json ? report.json() : report.text())
        if let resultStore, !json { print("recorded in \(resultStore.path)") }
    }
}
