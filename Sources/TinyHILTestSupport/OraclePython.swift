import Foundation
import XCTest

/// The Python interpreter of TinyHIL's reference environment (TFLite Micro, LiteRT, numpy, the Pico tools), used
/// by every oracle test. `$TINYHIL_PYTHON` names it when set; otherwise it is `<repo>/.venv-tinyhil/bin/python`,
/// made by `ci/python-env` (which `ci/install-deps` runs) from the pinned `ci/python-requirements.txt`.
///
/// Under `CI=true` an oracle test whose environment is missing fails (CI must run every oracle check); elsewhere
/// it is skipped. Either way the message names the command that fixes it.
public struct OraclePython: Sendable {
    /// The interpreter, checked to import the modules it was located for.
    public let executable: URL

    /// The project's default environment: `<repo>/.venv-tinyhil/bin/python`.
    public static var defaultExecutable: URL {
        Fixtures.repositoryRoot.appendingPathComponent(".venv-tinyhil/bin/python")
    }

    /// True when the `CI` variable says the tests run in CI (`CI=true`, as CI services set it).
    public static var isCI: Bool {
        let value = ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? ""
        return !value.isEmpty && value != "false" && value != "0"
    }

    /// The interpreter, if it exists and imports every module in `modules` (top-level names such as
    /// `tflite_micro`); otherwise why not and how to fix it.
    public static func locate(importing modules: [String]) -> Result<OraclePython, OracleEnvironmentMissing> {
        let override = ProcessInfo.processInfo.environment["TINYHIL_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
        let executable = override.map { URL(fileURLWithPath: $0) } ?? defaultExecutable
        let origin = override == nil ? "the project's environment" : "TINYHIL_PYTHON"
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            return .failure(OracleEnvironmentMissing(
                problem: "\(origin) \(executable.path) does not exist or is not executable", modules: modules,
                overridden: override != nil))
        }
        let python = OraclePython(executable: executable)
        let statement = modules.isEmpty ? "pass" : "import " + modules.joined(separator: ", ")
        do {
            let probe = try python.run(["-c", statement])
            guard probe.status == 0 else {
                let lastLine = probe.output.split(separator: "\n").last.map(String.init) ?? "exit status \(probe.status)"
                return .failure(OracleEnvironmentMissing(
                    problem: "\(origin) \(executable.path) cannot `\(statement)`: \(lastLine)", modules: modules,
                    overridden: override != nil))
            }
        } catch {
            return .failure(OracleEnvironmentMissing(
                problem: "\(origin) \(executable.path) does not start: \(error)", modules: modules,
                overridden: override != nil))
        }
        return .success(python)
    }

    /// For XCTest: the interpreter importing `modules`. When it is missing, throws `XCTSkip` outside CI and
    /// `OracleEnvironmentMissing` (a test failure) under `CI=true`; both name the fix.
    public static func require(importing modules: [String]) throws -> OraclePython {
        switch locate(importing: modules) {
        case .success(let python):
            return python
        case .failure(let missing):
            if isCI { throw missing }
            throw XCTSkip(missing.description)
        }
    }

    /// Runs the interpreter with `arguments` (standard output and error together) and waits for it.
    public func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitForExit()
        return (process.terminationStatus, output)
    }
}

/// The reference Python environment an oracle test needs is absent or incomplete; `description` says which
/// interpreter was tried, what is wrong, and the command that fixes it.
public struct OracleEnvironmentMissing: Error, CustomStringConvertible, Sendable {
    public let problem: String
    public let modules: [String]
    /// True when `TINYHIL_PYTHON` chose the interpreter.
    public let overridden: Bool

    public var description: String {
        let root = Fixtures.repositoryRoot.path
        let fix = overridden
            ? "unset TINYHIL_PYTHON and run `ci/python-env` in \(root), or install ci/python-requirements.txt into that Python"
            : "run `ci/python-env` in \(root) (ci/install-deps runs it), or set TINYHIL_PYTHON to a Python with \(modules.joined(separator: ", "))"
        return "oracle Python environment missing: \(problem). Fix: \(fix)"
            + (OraclePython.isCI ? " [CI=true: oracle tests fail rather than skip]" : "")
    }
}
