import Foundation
import TinyHILTestSupport
import XCTest

import TFLite

/// Checks of the committed fixtures against the reference runtimes, TensorFlow Lite Micro and LiteRT, run now:
/// - every fixture rewritten by TinyHIL's writer (re-encoded, every buffer 16-byte aligned) gives outputs identical
///   to the original in both runtimes;
/// - the stored TFLM outputs (`X.tflm_outputs.npy`, which many engine tests compare against) are what a fresh TFLM
///   run of the committed model gives on a sample of the stored inputs.
/// Needs the reference Python environment (`ci/python-env`, or `$TINYHIL_PYTHON`): skipped without it, failed
/// without it under `CI=true`.
final class RuntimeOracleTests: XCTestCase {
    /// One process for all fixtures. argv: jobs.json (a list of {name, model, inputs, rewritten}), sample size.
    static let rewrittenScript = """
        import json, sys, numpy as np
        from tflite_micro import runtime
        from ai_edge_litert.interpreter import Interpreter
        jobs, limit = json.load(open(sys.argv[1])), int(sys.argv[2])
        def run_tflm(path, inputs):
            interpreter = runtime.Interpreter.from_file(path)
            outputs = []
            for i in range(len(inputs[0])):
                for k, values in enumerate(inputs):
                    interpreter.set_input(values[i:i + 1], k)
                interpreter.invoke()
                outputs.append(np.array(interpreter.get_output(0)))
            return np.concatenate(outputs)
        def run_litert(path, inputs):
            interpreter = Interpreter(model_path=path)
            interpreter.allocate_tensors()
            sources = [detail['index'] for detail in interpreter.get_input_details()]
            target = interpreter.get_output_details()[0]['index']
            outputs = []
            for i in range(len(inputs[0])):
                for source, values in zip(sources, inputs):
                    interpreter.set_tensor(source, values[i:i + 1])
                interpreter.invoke()
                outputs.append(interpreter.get_tensor(target).copy())
            return np.concatenate(outputs)
        failed = 0
        for job in jobs:
            inputs = [np.load(path)[:limit] for path in job['inputs']]
            notes = []
            for runtime_name, run in (("tflm", run_tflm), ("litert", run_litert)):
                a, b = run(job['model'], inputs), run(job['rewritten'], inputs)
                if a.shape != b.shape or a.dtype != b.dtype or not np.array_equal(a, b):
                    differing = int(np.sum(a != b)) if a.shape == b.shape else 'shape'
                    notes.append(f"{runtime_name} differs in {differing} of {a.size}")
                else:
                    notes.append(f"{runtime_name} identical ({a.size} values)")
            ok = all('identical' in note for note in notes)
            failed += 0 if ok else 1
            print(f"{'OK' if ok else 'MISMATCH'} {job['name']}: {len(inputs[0])} inputs, " + ", ".join(notes), flush=True)
        sys.exit(1 if failed else 0)
        """

    /// argv: jobs.json (a list of {name, model, inputs, stored_outputs}), sample size.
    static let storedOutputsScript = """
        import json, sys, numpy as np
        from tflite_micro import runtime
        jobs, limit = json.load(open(sys.argv[1])), int(sys.argv[2])
        failed = 0
        for job in jobs:
            inputs = [np.load(path)[:limit] for path in job['inputs']]
            stored = np.load(job['stored_outputs'])[:limit]
            interpreter = runtime.Interpreter.from_file(job['model'])
            outputs = []
            for i in range(len(inputs[0])):
                for k, values in enumerate(inputs):
                    interpreter.set_input(values[i:i + 1], k)
                interpreter.invoke()
                outputs.append(np.array(interpreter.get_output(0)).reshape(stored.shape[1:]))
            fresh = np.stack(outputs)
            if fresh.dtype != stored.dtype or fresh.shape != stored.shape:
                failed += 1
                print(f"MISMATCH {job['name']}: fresh {fresh.dtype}{list(fresh.shape)} vs stored {stored.dtype}{list(stored.shape)}")
            elif not np.array_equal(fresh, stored):
                failed += 1
                print(f"MISMATCH {job['name']}: {int(np.sum(fresh != stored))} of {fresh.size} values differ")
            else:
                print(f"OK {job['name']}: {len(fresh)} samples, {fresh.size} values identical", flush=True)
        sys.exit(1 if failed else 0)
        """

    /// Inputs per fixture: up to this many of the stored samples.
    static let sampleSize = 40

    func testRewrittenFixturesGiveIdenticalOutputsInTFLMAndLiteRT() throws {
        let python = try OraclePython.require(importing: ["tflite_micro", "ai_edge_litert", "numpy"])
        let files = FixtureRoundTripTests.fixtureFiles()
        XCTAssertFalse(files.isEmpty, "no fixture models under \(Fixtures.root.path)")
        let directory = try Self.temporaryDirectory("tinyhil-oracle")
        defer { try? FileManager.default.removeItem(at: directory) }

        var jobs: [OracleJob] = []
        for original in files {
            let name = original.lastPathComponent
            let inputs = try Self.inputFiles(of: original)
            let rewritten = directory.appendingPathComponent(name)
            let bytes = try Model(contentsOf: original).serialized()
            XCTAssertEqual(try BufferAlignmentReport(bytes: bytes).misalignedBuffers, [], "\(name): rewritten model not 16-byte aligned")
            try Data(bytes).write(to: rewritten)
            jobs.append(OracleJob(name: name, model: original.path, inputs: inputs.map(\.path), rewritten: rewritten.path))
        }
        let lines = try Self.run(python, script: Self.rewrittenScript, jobs: jobs, in: directory)
        Self.assertEveryFixtureOK(lines, names: files.map(\.lastPathComponent))
        print("oracle: \(lines.filter { $0.hasPrefix("OK ") }.count) of \(files.count) rewritten fixtures give identical outputs in TFLM and LiteRT")
    }

    func testStoredTFLMOutputsMatchAFreshTFLMRun() throws {
        let python = try OraclePython.require(importing: ["tflite_micro", "numpy"])
        let files = FixtureRoundTripTests.fixtureFiles()
        XCTAssertFalse(files.isEmpty, "no fixture models under \(Fixtures.root.path)")
        let directory = try Self.temporaryDirectory("tinyhil-stored-outputs")
        defer { try? FileManager.default.removeItem(at: directory) }

        var jobs: [OracleJob] = []
        for model in files {
            let name = model.lastPathComponent
            let stored = URL(fileURLWithPath: model.deletingPathExtension().path + ".tflm_outputs.npy")
            guard FileManager.default.fileExists(atPath: stored.path) else {
                XCTFail("\(name): no stored outputs \(stored.lastPathComponent)")
                continue
            }
            jobs.append(OracleJob(name: name, model: model.path, inputs: try Self.inputFiles(of: model).map(\.path), storedOutputs: stored.path))
        }
        let lines = try Self.run(python, script: Self.storedOutputsScript, jobs: jobs, in: directory)
        Self.assertEveryFixtureOK(lines, names: jobs.map(\.name))
        print("oracle: stored TFLM outputs of \(lines.filter { $0.hasPrefix("OK ") }.count) of \(files.count) fixtures equal a fresh TFLM run")
    }

    // MARK: - Helpers

    /// `X.inputs.npy`, then `X.inputs_1.npy`, … for the model's further inputs.
    static func inputFiles(of model: URL) throws -> [URL] {
        let stem = model.deletingPathExtension().path
        var inputs = [URL(fileURLWithPath: stem + ".inputs.npy")]
        guard FileManager.default.fileExists(atPath: inputs[0].path) else {
            throw MissingOracleInput(path: inputs[0].path)
        }
        for index in 1..<8 {
            let extra = URL(fileURLWithPath: stem + ".inputs_\(index).npy")
            guard FileManager.default.fileExists(atPath: extra.path) else { break }
            inputs.append(extra)
        }
        return inputs
    }

    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Runs `script` over `jobs` (written as JSON); returns its lines, asserting a zero exit status.
    static func run(_ python: OraclePython, script: String, jobs: [OracleJob], in directory: URL,
                    file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let scriptURL = directory.appendingPathComponent("oracle.py")
        let jobsURL = directory.appendingPathComponent("jobs.json")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        try JSONEncoder().encode(jobs).write(to: jobsURL)
        let result = try python.run([scriptURL.path, jobsURL.path, String(sampleSize)])
        let lines = result.output.split(separator: "\n").map(String.init).filter { !$0.contains("WARNING") }
        let problems = lines.filter { !$0.hasPrefix("OK ") }
        XCTAssertEqual(result.status, 0, problems.suffix(40).joined(separator: "\n"), file: file, line: line)
        return lines
    }

    static func assertEveryFixtureOK(_ lines: [String], names: [String], file: StaticString = #filePath, line: UInt = #line) {
        for name in names where !lines.contains(where: { $0.hasPrefix("OK \(name):") }) {
            XCTFail(lines.first { $0.contains(" \(name):") } ?? "\(name): no result from the oracle script", file: file, line: line)
        }
    }
}

/// One fixture for an oracle script: paths of the model, its input files, and what the check compares with.
struct OracleJob: Encodable {
    var name: String
    var model: String
    var inputs: [String]
    var rewritten: String?
    var storedOutputs: String?

    enum CodingKeys: String, CodingKey {
        case name, model, inputs, rewritten
        case storedOutputs = "stored_outputs"
    }
}

/// A fixture model without its `X.inputs.npy`: the fixtures are incomplete (regenerate or merge main).
struct MissingOracleInput: Error, CustomStringConvertible {
    let path: String
    var description: String { "fixture inputs \(path) are missing: run fixtures/make_fixtures.py (see fixtures/README.md) or merge main" }
}
