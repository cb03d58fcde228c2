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

    @Flag(help: "Print JSON (keys: totals.params, totals.macs, totals.flash_bytes, totals.arena_bytes, totals.arena_total_bytes, layers, weights, ...).")
    var json = false

    func run() throws {
        print(try output())
    }

    /// What `run` prints: the footprint table and the weight encodings, or both as one JSON object.
    func output() throws -> String {
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
        return json ? try InspectJSON(footprint: report, weights: weights).json() : report.text() + weights.text()
    }
}

/// `inspect --json`: the footprint report's keys, plus `weights` (one object per weight tensor: tensor, encoding,
/// elements, nonzeros, stored_bytes, dense_bytes, flash_saved_bytes).
struct InspectJSON: Encodable {
    var footprint: FootprintReport
    var weights: WeightEncodingTable

    private enum CodingKeys: String, CodingKey { case weights }

    func encode(to encoder: any Encoder) throws {
        try footprint.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(weights, forKey: .weights)
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// A message for stderr; ArgumentParser prints it and exits non-zero.
struct InspectFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
