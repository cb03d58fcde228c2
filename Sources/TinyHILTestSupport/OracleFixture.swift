import Foundation
import Inference

/// A committed fixture model with its inputs and the outputs TensorFlow Lite Micro produced for them — the
/// independent oracle tests compare against: `fixtures/<folder>/<name>.tflite`, `.inputs.npy` (plus `.inputs_1.npy`
/// … for further model inputs) and `.tflm_outputs.npy`, made by `fixtures/make_fixtures.py`.
public struct OracleFixture: Sendable {
    public var name: String
    public var modelURL: URL
    public var modelBytes: [UInt8]
    /// One batch per model input, first dimension = samples.
    public var inputs: [NumPyArray]
    /// TFLite Micro's output 0 for every sample.
    public var tflmOutputs: NumPyArray

    /// A fixture file that does not exist (the test fails with its path; regenerate with fixtures/make_fixtures.py).
    public struct MissingFile: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "missing fixture \(path): regenerate with fixtures/make_fixtures.py" }
    }

    /// Loads `fixtures/<folder>/<name>.*`; `inputCount` is the model's number of inputs.
    public init(_ name: String, folder: String = "models", inputCount: Int = 1) throws {
        let directory = Fixtures.root.appendingPathComponent(folder, isDirectory: true)
        func require(_ file: String) throws -> URL {
            let url = directory.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: url.path) else { throw MissingFile(path: url.path) }
            return url
        }
        self.name = name
        modelURL = try require("\(name).tflite")
        modelBytes = [UInt8](try Data(contentsOf: modelURL))
        inputs = try (0..<max(1, inputCount)).map { index in
            try NumPyArray(contentsOf: try require(index == 0 ? "\(name).inputs.npy" : "\(name).inputs_\(index).npy"))
        }
        tflmOutputs = try NumPyArray(contentsOf: try require("\(name).tflm_outputs.npy"))
    }

    /// Number of samples.
    public var sampleCount: Int { inputs[0].shape.first ?? 0 }

    /// Sample `index` of input 0, as raw bytes (what a board receives).
    public func input(_ index: Int) -> [UInt8] { Self.row(index, of: inputs[0]) }

    /// TFLite Micro's output for sample `index`, as raw bytes.
    public func tflmOutput(_ index: Int) -> [UInt8] { Self.row(index, of: tflmOutputs) }

    static func row(_ index: Int, of array: NumPyArray) -> [UInt8] {
        let batch = max(1, array.shape.first ?? 1)
        let each = array.bytes.count / batch
        return Array(array.bytes[(index * each)..<((index + 1) * each)])
    }
}
