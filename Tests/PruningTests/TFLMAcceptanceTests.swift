import Foundation
import XCTest
import Inference
import TFLite
import TinyHILTestSupport
@testable import Pruning

/// Pruned models run in TensorFlow Lite Micro (the reference interpreter) and give the same outputs as our
/// engine. Needs /root/tfenv/bin/python with `tflite_micro` (or $TINYHIL_PYTHON); skipped without it (CI).
final class TFLMAcceptanceTests: XCTestCase {
    static let python = ProcessInfo.processInfo.environment["TINYHIL_PYTHON"] ?? "/root/tfenv/bin/python"

    static let script = """
        import sys, numpy as np
        from tflite_micro import runtime as tflm
        for stem in sys.argv[1:]:
            ip = tflm.Interpreter.from_bytes(open(stem + '.tflite', 'rb').read(), arena_size=1 << 20)
            x = np.load(stem + '.inputs.npy')
            outs = []
            for i in range(len(x)):
                ip.set_input(x[i:i + 1], 0)
                ip.invoke()
                outs.append(np.array(ip.get_output(0))[0])
            np.save(stem + '.tflm.npy', np.stack(outs))
        """

    private func requirePython() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python) else {
            throw XCTSkip("no Python at \(Self.python); set TINYHIL_PYTHON to a Python with tflite_micro")
        }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: Self.python)
        probe.arguments = ["-c", "import tflite_micro"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitUntilExit()
        if probe.terminationStatus != 0 { throw XCTSkip("tflite_micro is not importable by \(Self.python)") }
    }

    func testPrunedModelsRunInTFLMLikeOurEngine() async throws {
        try requirePython()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-tflm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var cases: [(stem: URL, model: Model, inputs: NumPyArray)] = []
        for (folder, name) in [("models", "lenet_int8"), ("models", "lenet_float32"), ("models", "dscnn_int8"),
                               ("models", "resnet_int8"), ("unseen", "kws_dscnn_int8"), ("unseen", "vgg_dilated_int8")] {
            let model = try Model(contentsOf: Fixtures.root.appendingPathComponent("\(folder)/\(name).tflite"))
            let all = try NumPyArray(contentsOf: Fixtures.root.appendingPathComponent("\(folder)/\(name).inputs.npy"))
            let inputs = try all.rows(0..<min(16, all.shape[0]))
            let variants: [(String, Model)] = [
                ("l1_half", try ChannelPruner(criterion: .l1).prune(model, ratios: .fixed(0.5)).model),
                ("l2_quarter_round4", try ChannelPruner(criterion: .l2, roundTo: 4).prune(model, ratios: .fixed(0.25)).model),
                ("magnitude_70", try WeightPruner().prune(model, sparsity: 0.7).model),
                ("two_of_four", try WeightPruner(pattern: .nOfM(n: 2, m: 4)).prune(model, sparsity: 0).model),
            ]
            for (suffix, pruned) in variants {
                let stem = directory.appendingPathComponent("\(name)_\(suffix)")
                try pruned.write(to: stem.appendingPathExtension("tflite"))
                try inputs.write(to: URL(fileURLWithPath: stem.path + ".inputs.npy"))
                cases.append((stem, pruned, inputs))
            }
        }
        let run = Process()
        run.executableURL = URL(fileURLWithPath: Self.python)
        run.arguments = ["-c", Self.script] + cases.map(\.stem.path)
        let errors = Pipe()
        run.standardError = errors
        run.standardOutput = FileHandle.nullDevice
        try run.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        run.waitUntilExit()
        XCTAssertEqual(run.terminationStatus, 0, String(decoding: message, as: UTF8.self).suffix(2000).description)
        guard run.terminationStatus == 0 else { return }

        for entry in cases {
            let reference = try NumPyArray(contentsOf: URL(fileURLWithPath: entry.stem.path + ".tflm.npy"))
            let ours = try await EngineModel(bytes: try entry.model.serialized()).run(batch: entry.inputs)
            let name = entry.stem.lastPathComponent
            XCTAssertEqual(ours.shape, reference.shape, name)
            if ours.elementType == .float32 || reference.elementType == .float32 {
                let a: [Float] = try ours.values(), b: [Float] = try reference.values()
                for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-4, name) }
            } else {
                XCTAssertEqual(ours.bytes, reference.bytes, "\(name): int8 outputs differ from TFLite Micro")
            }
        }
    }
}
