import Footprint
import Foundation
import PowerMeter
import TFLite

/// One model's row in the comparison table the seeds publish: accuracy, RAM, MACs, flash, latency, energy.
public struct ModelSummary: Sendable {
    public var model: String
    public var accuracy: AccuracyRun
    public var footprint: ModelFootprint
    public var measurement: BoardMeasurement
}

extension Bench {
    /// Measures everything the summary table shows for `model`: on-board accuracy over `data`, footprint, and energy
    /// and latency per inference. Records each result in `store` when given (`ResultRecorder`).
    public func summarize(
        _ model: ModelUnderTest, data: LabelledInputs, windows: Int = 8, inferencesPerWindow: Int = 3,
        store: ResultStore? = nil
    ) async throws -> ModelSummary {
        let footprint = try ModelFootprint(model: try Model(bytes: model.bytes), fileBytes: model.bytes.count)
        let accuracy = try await self.accuracy(model, inputs: data.inputs, labels: data.labels)
        let measurement = try await measure(model, windows: windows, inferencesPerWindow: inferencesPerWindow)
        let recorder = ResultRecorder(store)
        try recorder.record(accuracy)
        try recorder.record(measurement)
        return ModelSummary(model: model.name, accuracy: accuracy, footprint: footprint, measurement: measurement)
    }
}

/// The table, as text.
public enum ModelSummaryTable {
    public static func text(_ rows: [ModelSummary], dataName: String) -> String {
        var lines: [String] = []
        var table = TextTable(header: ["model", "accuracy", "RAM (B)", "MACs", "flash (B)", "latency ms", "energy µJ", "energy vs first"])
        let reference = rows.first?.measurement.energyPerInference.median
        for row in rows {
            let energy = row.measurement.energyPerInference
            table.append([
                row.model, String(format: "%.2f %%", row.accuracy.accuracy * 100), "\(row.footprint.arenaTotalBytes)",
                "\(row.footprint.macs)", "\(row.footprint.flashBytes)",
                String(format: "%.2f", row.measurement.latencyPerInference.median.value * 1e3),
                String(format: "%.1f", energy.median.microjoules),
                reference.map { String(format: "%.2f×", energy.median / $0) } ?? "—",
            ])
        }
        lines.append(table.render())
        if let p = rows.first?.measurement.provenance {
            lines.append("")
            lines.append("accuracy: on the board over \(dataName); RAM: TFLM arena (exact head + persistent estimate); flash: model bytes")
            lines.append("latency and energy: median of \(rows.first!.measurement.windows) windows of \(rows.first!.measurement.inferencesPerWindow) inferences; board \(p.boardName), firmware \(p.firmwareVersion) (\(p.firmwareBuildID)), meter \(p.meterID)")
            if p.counterUnit == .instructions {
                lines.append("virtual bench: latency and energy follow from QEMU instruction counts through the simulated Pico power model (docs/power-model.md), not from a physical meter")
            }
        }
        return lines.joined(separator: "\n")
    }
}
