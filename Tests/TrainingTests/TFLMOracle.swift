import Foundation
import TinyHILTestSupport
import XCTest

/// Runs TensorFlow Lite Micro (PyPI `tflite-micro`) through `$TINYHIL_PYTHON` as the reference for int8 outputs.
/// Without that Python the tests skip locally, but fail under `CI=true` (CI must run the oracle).
enum TFLMOracle {
    /// `$TINYHIL_PYTHON`, else the repository's `.venv-tinyhil` (made from `ci/python-requirements.txt`).
    static var python: String {
        ProcessInfo.processInfo.environment["TINYHIL_PYTHON"]
            ?? Fixtures.repositoryRoot.appendingPathComponent(".venv-tinyhil/bin/python").path
    }

    static let script = """
        import sys, numpy as np
        from tflite_micro import runtime as tflm
        model, inputs, out = sys.argv[1:4]
        ip = tflm.Interpreter.from_bytes(open(model, 'rb').read(), arena_size=1 << 20)
        x = np.load(inputs)
        outs = []
        for i in range(len(x)):
            ip.set_input(x[i:i + 1], 0)
            ip.invoke()
            outs.append(np.array(ip.get_output(0))[0])
        np.save(out, np.stack(outs))
        """

    static func require() throws {
        let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
        func missing(_ why: String) throws -> Never {
            if inCI { XCTFail("CI=true but the TFLM oracle is unavailable: \(why)") }
            throw XCTSkip(why)
        }
        guard FileManager.default.isExecutableFile(atPath: python) else {
            try missing("no Python at \(python); set TINYHIL_PYTHON to a Python with tflite_micro")
        }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import tflite_micro"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitForExit()
        if probe.terminationStatus != 0 { try missing("tflite_micro is not importable by \(python)") }
    }

    /// TFLM's output 0 for every input row, as the raw .npy bytes file path written next to the inputs.
    static func run(model: URL, inputs: URL, output: URL) throws {
        let run = Process()
        run.executableURL = URL(fileURLWithPath: python)
        run.arguments = ["-c", script, model.path, inputs.path, output.path]
        let errors = Pipe()
        run.standardError = errors
        run.standardOutput = FileHandle.nullDevice
        try run.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        run.waitForExit()
        guard run.terminationStatus == 0 else {
            throw NSError(domain: "TFLMOracle", code: Int(run.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: String(decoding: message, as: UTF8.self).suffix(2000).description])
        }
    }
}
