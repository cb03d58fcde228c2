import ArgumentParser
import Foundation
import Footprint
import TFLite

/// `tinyhil inspect MODEL [--json]`: what a model costs on a microcontroller (params, MACs, flash, arena).
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a model's per-layer footprint: parameters, MACs, bytes, sparsity, flash and TFLite Micro arena.",
        discussion: """
            The arena head is TFLite Micro's greedy plan, exact for the supported operators; the persistent part \
            is an estimate for a 32-bit Cortex-M build (see docs/footprint.md).
            """
    )

    @Argument(help: "Path of a .tflite model.")
    var model: String

    @Flag(help: "Print JSON (keys: totals.params, totals.macs, totals.flash_bytes, totals.arena_bytes, totals.arena_total_bytes, layers, ...).")
    var json = false

    func run() throws {
        let url = URL(fileURLWithPath: model)
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: url))
        } catch {
            throw InspectFailure("cannot read \(model): \(error.localizedDescription); check the path")
        }
        let report: FootprintReport
        var weights = WeightEncodingTable(model: Model())
        do {
            let parsed = try Model(bytes: bytes)
            weights = WeightEncodingTable(model: parsed)
            let footprint = try ModelFootprint(model: parsed, fileBytes: bytes.count)
            report = FootprintReport(model: model, footprint: footprint, gzipBytes: try CompressedSize.gzipBytes(of: bytes))
        } catch {
            throw InspectFailure("\(model): \(error)")
        }
        print(json ? try report.json() : report.text() + weights.text())
    }
}

/// A message for stderr; ArgumentParser prints it and exits non-zero.
struct InspectFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
