import Foundation
import TinyHILTestSupport
import XCTest

import TFLite

/// Rewritten fixtures run in TensorFlow Lite Micro and LiteRT with outputs identical to the originals.
/// Needs the Python reference stack (`/root/tfenv/bin/python` or `$TINYHIL_PYTHON` with `tflite_micro` and
/// `ai_edge_litert`); skipped with a reason when it is absent (CI has no Python ML stack).
final class RuntimeOracleTests: XCTestCase {
    static let script = """
        import sys, numpy as np
        from tflite_micro.python.tflite_micro import runtime
        from ai_edge_litert.interpreter import Interpreter
        original, rewritten, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
        inputs = [np.load(path)[:limit] for path in sys.argv[4:]]
        count = len(inputs[0])
        def run_tflm(path):
            interpreter = runtime.Interpreter.from_file(path)
            outputs = []
            for i in range(count):
                for k, values in enumerate(inputs):
                    interpreter.set_input(values[i:i + 1], k)
                interpreter.invoke()
                outputs.append(np.array(interpreter.get_output(0)))
            return np.concatenate(outputs)
        def run_litert(path):
            interpreter = Interpreter(model_path=path)
            interpreter.allocate_tensors()
            sources = [detail['index'] for detail in interpreter.get_input_details()]
            target = interpreter.get_output_details()[0]['index']
            outputs = []
            for i in range(count):
                for source, values in zip(sources, inputs):
                    interpreter.set_tensor(source, values[i:i + 1])
                interpreter.invoke()
                outputs.append(interpreter.get_tensor(target).copy())
            return np.concatenate(outputs)
        for name, run in (("tflm", run_tflm), ("litert", run_litert)):
            a, b = run(original), run(rewritten)
            if a.shape != b.shape or a.dtype != b.dtype or not np.array_equal(a, b):
                print(f"MISMATCH {name}: {int(np.sum(a != b)) if a.shape == b.shape else 'shape'} of {a.size}")
                sys.exit(1)
            print(f"{name} identical on {count} inputs, {a.size} output values")
        """

    static func python() -> String? {
        let candidate = ProcessInfo.processInfo.environment["TINYHIL_PYTHON"] ?? "/root/tfenv/bin/python"
        guard FileManager.default.isExecutableFile(atPath: candidate) else { return nil }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: candidate)
        probe.arguments = ["-c", "import tflite_micro, ai_edge_litert, numpy"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return nil }
        probe.waitUntilExit()
        return probe.terminationStatus == 0 ? candidate : nil
    }

    func testRewrittenFixturesGiveIdenticalOutputsInTFLMAndLiteRT() throws {
        guard let python = Self.python() else {
            throw XCTSkip("Python with tflite_micro and ai_edge_litert not found (set TINYHIL_PYTHON); the TFLM/LiteRT oracle check needs it")
        }
        let files = FixtureRoundTripTests.fixtureFiles()
        XCTAssertFalse(files.isEmpty, "no fixture models under \(Fixtures.root.path)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let scriptURL = directory.appendingPathComponent("oracle.py")
        try Self.script.write(to: scriptURL, atomically: true, encoding: .utf8)
        var checked = 0
        for original in files {
            let name = original.lastPathComponent
            let stem = original.deletingPathExtension().path
            var inputs = [URL(fileURLWithPath: stem + ".inputs.npy")]
            for index in 1..<8 {
                let extra = URL(fileURLWithPath: stem + ".inputs_\(index).npy")
                guard FileManager.default.fileExists(atPath: extra.path) else { break }
                inputs.append(extra)
            }
            guard FileManager.default.fileExists(atPath: inputs[0].path) else {
                XCTFail("\(name): no inputs file \(inputs[0].lastPathComponent)")
                continue
            }
            let rewritten = directory.appendingPathComponent(name)
            try Model(contentsOf: original).write(to: rewritten)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [scriptURL.path, original.path, rewritten.path, "40"] + inputs.map(\.path)
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "\(name): \(output)")
            checked += 1
            print("oracle \(name): \(output.split(separator: "\n").filter { !$0.contains("WARNING") }.joined(separator: "; "))")
        }
        print("oracle: \(checked) of \(files.count) fixtures give identical outputs after rewriting")
    }
}
