import Foundation
import XCTest
import Footprint
import Inference
import TFLite
import TinyHILTestSupport
@testable import Pruning

/// Pruned models run in TensorFlow Lite Micro (the reference interpreter) and give the same outputs as our
/// engine: channel-pruned (structured, L1 and L2), magnitude and 2:4 (unstructured), and the best candidate of a
/// genetic search. Needs the reference Python environment (`ci/python-env`, or `$TINYHIL_PYTHON`): skipped
/// without it, failed without it under `CI=true`.
final class TFLMAcceptanceTests: XCTestCase {
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

    func testPrunedModelsRunInTFLMLikeOurEngine() async throws {
        let python = try OraclePython.require(importing: ["tflite_micro", "numpy"])
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
        // Genetic search (structured ratios per layer under hard limits): its best candidate.
        for name in ["lenet_int8", "dscnn_int8"] {
            let model = try Model(contentsOf: Fixtures.root.appendingPathComponent("models/\(name).tflite"))
            let all = try NumPyArray(contentsOf: Fixtures.root.appendingPathComponent("models/\(name).inputs.npy"))
            let inputs = try all.rows(0..<16)
            let macs = try ModelFootprint(model: model).macs
            let best = try await GeneticSearch(population: 4, generations: 2, seed: 11)
                .run(model: model, limits: ResourceLimits(maxMACs: macs * 6 / 10)).best.model
            XCTAssertLessThanOrEqual(try ModelFootprint(model: best).macs, macs * 6 / 10, "\(name): genetic candidate not pruned")
            let stem = directory.appendingPathComponent("\(name)_genetic")
            try best.write(to: stem.appendingPathExtension("tflite"))
            try inputs.write(to: URL(fileURLWithPath: stem.path + ".inputs.npy"))
            cases.append((stem, best, inputs))
        }
        let run = try python.run(["-c", Self.script] + cases.map(\.stem.path))
        XCTAssertEqual(run.status, 0, String(run.output.suffix(2000)))
        guard run.status == 0 else { return }

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
