import DeviceLink
import Foundation
import XCTest
import Inference
import TinyHILTestSupport

/// A fixture model with its inputs and TFLite Micro reference outputs (fixtures/models/X.*).
struct FixtureModel {
    let name: String
    let bytes: [UInt8]
    let inputs: [[UInt8]]
    let referenceOutputs: [[UInt8]]

    /// Every model in fixtures/models that has X.inputs.npy and X.tflm_outputs.npy.
    static func all() throws -> [FixtureModel] {
        let directory = Fixtures.root.appendingPathComponent("models")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".tflite") }
            .map { String($0.dropLast(".tflite".count)) }
            .sorted()
        return try names.compactMap { name in
            let inputs = directory.appendingPathComponent("\(name).inputs.npy")
            let outputs = directory.appendingPathComponent("\(name).tflm_outputs.npy")
            guard FileManager.default.fileExists(atPath: inputs.path), FileManager.default.fileExists(atPath: outputs.path) else {
                return nil
            }
            return FixtureModel(
                name: name, bytes: try Fixtures.modelBytes(name),
                inputs: try rows(NumPyArray(contentsOf: inputs)), referenceOutputs: try rows(NumPyArray(contentsOf: outputs)))
        }
    }

    static func named(_ name: String) throws -> FixtureModel {
        guard let model = try all().first(where: { $0.name == name }) else { throw CocoaError(.fileNoSuchFile) }
        return model
    }

    /// Splits an array along its first (batch) dimension.
    private static func rows(_ array: NumPyArray) -> [[UInt8]] {
        let batch = max(1, array.shape.first ?? 1)
        let each = array.bytes.count / batch
        return (0..<batch).map { Array(array.bytes[($0 * each)..<(($0 + 1) * each)]) }
    }
}

/// Fails a test (never skips: the firmware and engine are part of this repository) when the checkout has no board
/// firmware or engine; anything else that stops the virtual board (missing QEMU or toolchain) fails with
/// VirtualBoardError's message.
func requireFirmwareSources() throws {
    struct MissingFirmware: Error, CustomStringConvertible { var description: String }
    let makefile = FirmwareBuild.defaultRepository.appendingPathComponent("firmware/Makefile")
    if !FileManager.default.fileExists(atPath: makefile.path) {
        throw MissingFirmware(description: "no firmware/Makefile in \(FirmwareBuild.defaultRepository.path): the board firmware is missing")
    }
    let header = FirmwareBuild.defaultRepository.appendingPathComponent("firmware/engine/include/tinyhil_engine.h")
    if !((try? String(contentsOf: header, encoding: .utf8))?.contains("th_invoke") ?? false) {
        throw MissingFirmware(description: "firmware/engine/include/tinyhil_engine.h has no th_invoke: the engine is missing")
    }
}
