import Foundation
import XCTest

@testable import Inference

/// One committed fixture model (`fixtures/<folder>/<name>.*`) run on the engine next to TFLM's stored outputs.
struct FixtureRun {
    let name: String
    let model: EngineModel
    let ours: NumPyArray
    let tflm: NumPyArray

    /// Loads `<name>.tflite`, its inputs (`.inputs.npy`, plus `.inputs_1.npy` for a second input) and
    /// `.tflm_outputs.npy`, and runs the inputs as one batch. A missing file is an error (the test fails).
    static func run(_ folder: String, _ name: String, workerCount: Int = 2,
                    vectorKernels: VectorKernels = .avx512VNNI) async throws -> FixtureRun {
        let model = try EngineModel(contentsOf: try FixtureFiles.require("\(folder)/\(name).tflite"))
        var batches = [try NumPyArray(contentsOf: try FixtureFiles.require("\(folder)/\(name).inputs.npy"))]
        for index in 1..<max(1, model.inputs.count) {
            batches.append(try NumPyArray(contentsOf: try FixtureFiles.require("\(folder)/\(name).inputs_\(index).npy")))
        }
        let tflm = try NumPyArray(contentsOf: try FixtureFiles.require("\(folder)/\(name).tflm_outputs.npy"))
        let ours = try await model.run(batches: batches, workerCount: workerCount, vectorKernels: vectorKernels)[0]
        return FixtureRun(name: name, model: model, ours: ours, tflm: tflm)
    }

    /// Every output byte equal to TFLM's; reports how many elements differ and the first few.
    func assertBitExact(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(ours.elementType, tflm.elementType, "\(name): output type", file: file, line: line)
        XCTAssertEqual(ours.elementCount, tflm.elementCount, "\(name): output size", file: file, line: line)
        guard ours.bytes != tflm.bytes, ours.bytes.count == tflm.bytes.count else { return }
        let width = ours.elementType.bytesPerElement
        var differing: [Int] = []
        for element in 0..<ours.elementCount
        where ours.bytes[(element * width)..<((element + 1) * width)] != tflm.bytes[(element * width)..<((element + 1) * width)] {
            differing.append(element)
        }
        let examples = differing.prefix(5).map { e -> String in
            let ourValue = describe(ours, e), theirs = describe(tflm, e)
            return "element \(e): ours \(ourValue), TFLM \(theirs)"
        }
        XCTFail("\(name): \(differing.count) of \(ours.elementCount) output elements differ from TFLM; "
            + examples.joined(separator: "; "), file: file, line: line)
    }

    /// Float outputs within `absolute + relative·|TFLM|` of TFLM's.
    func assertClose(absolute: Float, relative: Float, file: StaticString = #filePath, line: UInt = #line) throws {
        let a = try ours.values(as: Float.self), b = try tflm.values(as: Float.self)
        XCTAssertEqual(a.count, b.count, "\(name): output size", file: file, line: line)
        var worst = (index: -1, excess: Float(0))
        var failures = 0
        for (i, (x, y)) in zip(a, b).enumerated() {
            let allowed = absolute + relative * abs(y)
            let error = abs(x - y)
            if !(error <= allowed) {
                failures += 1
                if worst.index < 0 || error - allowed > worst.excess { worst = (i, error - allowed) }
            }
        }
        if failures > 0 {
            XCTFail("\(name): \(failures) of \(a.count) float outputs outside tolerance; worst element "
                + "\(worst.index): ours \(a[worst.index]), TFLM \(b[worst.index])", file: file, line: line)
        }
    }

    private func describe(_ array: NumPyArray, _ element: Int) -> String {
        switch array.elementType {
        case .int8: return "\((try? array.values(as: Int8.self)[element]).map(String.init) ?? "?")"
        case .uint8: return "\((try? array.values(as: UInt8.self)[element]).map(String.init) ?? "?")"
        case .int32: return "\((try? array.values(as: Int32.self)[element]).map(String.init) ?? "?")"
        case .float32: return "\((try? array.values(as: Float.self)[element]).map { "\($0)" } ?? "?")"
        }
    }
}

/// `X.tflm_arena.json`'s figures.
struct TFLMArena: Decodable {
    let head: Int
    let tail: Int
    let total: Int

    static func load(_ folder: String, _ name: String) throws -> TFLMArena {
        let url = try FixtureFiles.require("\(folder)/\(name).tflm_arena.json")
        return try JSONDecoder().decode(TFLMArena.self, from: Data(contentsOf: url))
    }
}
