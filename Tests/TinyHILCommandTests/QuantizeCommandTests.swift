import ArgumentParser
import Foundation
import Inference
import TFLite
import Testing
import TinyHILTestSupport

@testable import tinyhil

/// `tinyhil quantize --qat-epochs N`: what it refuses, and a small quantization-aware run that writes an int8
/// model the engine loads.
@Suite struct QuantizeCommandTests {
    func run(_ arguments: [String]) async throws {
        var command = try TinyHIL.parseAsRoot(arguments)
        if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
    }

    @Test func qatOptionsAreCheckedBeforeAnyWork() {
        let refused: [([String], String)] = [
            (["quantize", "m", "-o", "x", "--qat-epochs", "2"], "--qat-epochs needs training data"),
            (["quantize", "m", "-o", "x", "--data", "fashion-mnist", "--qat-epochs=-1"], "--qat-epochs must be 0 or more"),
            (["quantize", "m", "-o", "x", "--data", "fashion-mnist", "--labels", "y.npy", "--qat-epochs", "1"], "--labels goes with --calibration"),
            (["quantize", "m", "-o", "x", "--calibration", "x.npy", "--labels", "y.npy"], "only used for quantization-aware training"),
            (["quantize", "m", "-o", "x", "--data", "fashion-mnist", "--qat-epochs", "1", "--qat-lr", "0"], "--qat-lr must be positive"),
        ]
        for (arguments, message) in refused {
            do {
                _ = try TinyHIL.parseAsRoot(arguments)
                Issue.record("accepted \(arguments)")
            } catch {
                let text = TinyHIL.message(for: error)
                #expect(text.contains(message), "\(arguments): \(text)")
            }
        }
        #expect(throws: Never.self) { try TinyHIL.parseAsRoot(["quantize", "m", "-o", "x", "--data", "fashion-mnist", "--qat-epochs", "1"]) }
    }

    /// 512 Fashion-MNIST training images as --calibration/--labels, one QAT epoch: the output is an int8 model
    /// that classifies the first 1,000 test images about as well as the float model (the fixture's float accuracy
    /// is 87.40 % on all 10,000).
    @Test func qatOnLabelledNpyWritesAnInt8ModelTheEngineRuns() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-qat-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let train = try FashionMNIST.load(.train).prefix(512)
        let pixels = (0..<train.count).flatMap { train.image($0).map { Float($0) / 255 } }
        let inputs = directory.appendingPathComponent("x.npy"), labels = directory.appendingPathComponent("y.npy")
        try NumPyArray(values: pixels, shape: [train.count, 28, 28, 1]).write(to: inputs)
        try NumPyArray(values: (0..<train.count).map { Int32(train.labels[$0]) }, shape: [train.count]).write(to: labels)
        let output = directory.appendingPathComponent("qat.tflite").path
        try await run(["quantize", Fixtures.model("lenet_float32").path, "-o", output, "--calibration", inputs.path,
                       "--labels", labels.path, "--qat-epochs", "1", "--quiet"])
        let engine = try EngineModel(bytes: try [UInt8](Data(contentsOf: URL(fileURLWithPath: output))))
        #expect(engine.inputs[0].elementType == .int8 && engine.outputs[0].elementType == .int8)
        let accuracy = try await engine.evaluate(try FashionMNIST.load(.test).prefix(1000)).accuracy
        #expect(accuracy > 0.84, "accuracy \(accuracy)")
    }

    @Test func energyObjectiveOptionsAreChecked() {
        for arguments in [["prune", "search", "m", "-o", "x", "--max-macs", "10", "--objective", "energy"],
                          ["prune", "search", "m", "-o", "x", "--max-macs", "10", "--objective", "energy", "--cost-model", "c.json"],
                          ["prune", "search", "m", "-o", "x", "--max-macs", "10", "--objective", "energy", "--cost-model", "c.json",
                           "--accuracy-floor", "1.5"],
                          ["prune", "search", "m", "-o", "x", "--max-macs", "10", "--cost-model", "c.json"],
                          ["cost-model", "fit", "-o", "c.json"]] {
            #expect(throws: (any Error).self, "\(arguments)") { try TinyHIL.parseAsRoot(arguments) }
        }
        #expect(throws: Never.self) {
            try TinyHIL.parseAsRoot(["prune", "search", "m", "-o", "x", "--max-macs", "10", "--objective", "energy",
                                     "--cost-model", "c.json", "--accuracy-floor", "0.85", "--data", "fashion-mnist"])
        }
    }
}
