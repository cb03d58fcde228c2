import Foundation
import PowerMeter

/// A measurement or comparison as text for people and as JSON for scripts.
public struct MeasurementReport: Sendable {
    public var measurements: [BoardMeasurement]
    public var comparison: Comparison?

    public init(_ measurement: BoardMeasurement) {
        measurements = [measurement]
        comparison = nil
    }

    public init(_ comparison: Comparison) {
        measurements = [comparison.baseline, comparison.candidate]
        self.comparison = comparison
    }

    public func text() -> String {
        var lines: [String] = []
        let unit = measurements.first?.provenance.counterUnit.storeName ?? "counter"
        var table = TextTable(header: ["model", "energy µJ", "95 % CI", "latency µs", "\(unit)/inference"])
        for m in measurements {
            let e = m.energyPerInference
            table.append([m.model, String(format: "%.2f", e.median.microjoules),
                          String(format: "[%.2f, %.2f]", e.lower.microjoules, e.upper.microjoules),
                          String(format: "%.1f", m.latencyPerInference.median.value * 1e6),
                          String(format: "%.0f", m.counterPerInference)])
        }
        lines.append(table.render())
        if let comparison {
            let r = comparison.energyRatio
            lines.append("energy ratio \(comparison.candidate.model) / \(comparison.baseline.model): "
                + String(format: "%.3f (95 %% CI %.3f–%.3f)", r.median.value, r.lower.value, r.upper.value)
                + " over \(comparison.pairs) interleaved window pairs")
        }
        if let p = measurements.first?.provenance {
            lines.append("board \(p.boardID) (\(p.boardName)), firmware \(p.firmwareVersion) build \(p.firmwareBuildID), meter \(p.meterID)")
            if p.counterUnit == .instructions {
                lines.append("virtual bench: counts are QEMU instructions, not M0+ cycles; energy comes from the simulated Pico power model (docs/power-model.md)")
            }
        }
        return lines.joined(separator: "\n")
    }

    public func json() -> String {
        func estimate(_ median: Double, _ low: Double, _ high: Double) -> [String: Double] {
            ["median": median, "ci_low": low, "ci_high": high]
        }
        func entry(_ m: BoardMeasurement) -> [String: Any] {
            let e = m.energyPerInference, l = m.latencyPerInference
            return [
                "model": m.model, "model_sha256": m.modelSHA256,
                "energy_uj": estimate(e.median.microjoules, e.lower.microjoules, e.upper.microjoules),
                "latency_us": estimate(l.median.value * 1e6, l.lower.value * 1e6, l.upper.value * 1e6),
                "counter_per_inference": m.counterPerInference, "counter_unit": m.provenance.counterUnit.storeName,
                "windows": m.windows, "inferences_per_window": m.inferencesPerWindow,
                "arena_bytes": m.arenaBytes, "flash_bytes": m.flashBytes,
                "firmware_version": m.provenance.firmwareVersion, "firmware_build_id": m.provenance.firmwareBuildID,
                "board_id": m.provenance.boardID, "meter_id": m.provenance.meterID,
                "trace_path": m.tracePath ?? NSNull(),
            ]
        }
        var object: [String: Any] = entry(measurements.last!)
        if let comparison {
            object["baseline"] = entry(comparison.baseline)
            let r = comparison.energyRatio
            object["ratio"] = estimate(r.median.value, r.lower.value, r.upper.value)
            object["pairs"] = comparison.pairs
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
