import Foundation
import XCTest

@testable import Inference

/// Batches against hostile shapes (issue 14 item 8): extreme and zero dimensions in every position of the
/// model's tensors and of the `.npy` arrays give a typed error or a sample count the data justifies — never a
/// trap, and never more invocations than the arrays' bytes can tell apart.
final class HostileBatchTests: XCTestCase {
    static let extremes: [Int] = [0, 1, 2, 3, Int(Int32.max), (1 << 30) + 1, 1 << 31, 100_000_000_000, Int.max]

    /// Each position of `shape` set to each extreme, and each position zero with the others huge.
    static func variants(of shape: [Int]) -> [[Int]] {
        var result: [[Int]] = [shape]
        for position in shape.indices {
            for value in extremes {
                var variant = shape
                variant[position] = value
                result.append(variant)
            }
            var zeroAmongHuge = [Int](repeating: Int(Int32.max), count: shape.count)
            zeroAmongHuge[position] = 0
            result.append(zeroAmongHuge)
        }
        return result
    }

    /// Arrays of every variant shape that NumPyArray accepts (its own bound keeps the bytes allocatable: only
    /// shapes with few elements are built).
    static func arrays(like shape: [Int]) -> [NumPyArray] {
        variants(of: shape).compactMap { shape in
            guard let count = try? NumPyArray.elementCount(of: shape), count <= 4096 else { return nil }
            return try? NumPyArray(elementType: .int8, shape: shape, bytes: [UInt8](repeating: 1, count: count))
        }
    }

    static func description(shape: [Int], bytes: Int) -> TensorDescription {
        TensorDescription(elementType: .int8, shape: shape, bytes: bytes, scale: 0.5, zeroPoint: 0)
    }

    func testEverySampleCountIsJustifiedByTheBytes() {
        let inputByteCounts = [0, 1, 2, 784, Int(UInt32.max)]
        let outputByteCounts = [0, 10, Int(UInt32.max)]
        var accepted = 0, refused = 0
        for inputBytes in inputByteCounts {
            for outputBytes in outputByteCounts {
                let input = Self.description(shape: [1, max(inputBytes, 0)], bytes: inputBytes)
                let output = Self.description(shape: [1, outputBytes], bytes: outputBytes)
                for array in Self.arrays(like: [3, 2, 2]) {
                    do {
                        let samples = try EngineModel.sampleCount(of: [array], inputs: [input], outputs: [output])
                        accepted += 1
                        // Independent check in 128 bits: the samples are exactly what the bytes hold.
                        XCTAssertEqual(samples, array.shape[0])
                        XCTAssertEqual(Int128(samples) * Int128(inputBytes), Int128(array.bytes.count), "\(array.shape)")
                        if inputBytes == 0 { XCTAssertLessThanOrEqual(samples, 1, "\(array.shape)") }
                        XCTAssertLessThanOrEqual(Int128(samples) * Int128(outputBytes), Int128(Int.max))
                    } catch {
                        refused += 1
                        XCTAssertFalse(error.description.isEmpty)
                    }
                }
            }
        }
        XCTAssertGreaterThan(accepted, 0)
        XCTAssertGreaterThan(refused, 0)
    }

    func testAZeroByteInputCannotMultiplyABatch() throws {
        // The case: a model whose input holds 0 bytes, and a .npy of shape (10^11, 0) — 0 data bytes.
        let header = "{'descr': '|i1', 'fortran_order': False, 'shape': (100000000000, 0), }"
        var file: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
        var text = [UInt8](header.utf8)
        text += [UInt8](repeating: 0x20, count: (64 - (10 + text.count + 1) % 64) % 64)
        text.append(0x0A)
        file += [UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text
        let array = try NumPyArray(npyBytes: file)
        XCTAssertEqual(array.shape, [100_000_000_000, 0])
        XCTAssertEqual(array.bytes, [])
        let input = Self.description(shape: [1, 0], bytes: 0)
        let output = Self.description(shape: [1, 10], bytes: 10)
        XCTAssertThrowsError(try EngineModel.sampleCount(of: [array], inputs: [input], outputs: [output])) { error in
            guard case let .inputMismatch(_, expected, actual)? = error as? InferenceError else { return XCTFail("\(error)") }
            XCTAssertTrue(expected.contains("0 bytes"), expected)
            XCTAssertTrue(actual.contains("100000000000"), actual)
        }
        // One sample (or none) of a 0-byte input is still a valid request.
        let one = try NumPyArray(elementType: .int8, shape: [1, 0], bytes: [])
        XCTAssertEqual(try EngineModel.sampleCount(of: [one], inputs: [input], outputs: [output]), 1)
        // With a second input that carries bytes, that input bounds the count.
        let data = try NumPyArray(elementType: .int8, shape: [5, 2], bytes: [UInt8](repeating: 0, count: 10))
        let five = try NumPyArray(elementType: .int8, shape: [5, 0], bytes: [])
        XCTAssertEqual(try EngineModel.sampleCount(of: [five, data], inputs: [input, Self.description(shape: [1, 2], bytes: 2)],
                                                   outputs: [output]), 5)
    }

    func testFirstDimensionTimesInputBytesCannotTrap() {
        // first × bytes = 10^11 × (2^32 - 1) overflows Int: refused, not trapped.
        let array = try! NumPyArray(elementType: .int8, shape: [100_000_000_000, 0], bytes: [])
        let input = Self.description(shape: [1, Int(UInt32.max)], bytes: Int(UInt32.max))
        XCTAssertThrowsError(try EngineModel.sampleCount(of: [array], inputs: [input], outputs: []))
    }

    func testElementCountOfExtremeShapesNeverTraps() {
        for shape in Self.variants(of: [1, 2, 3, 4]) + Self.variants(of: [Int(Int32.max), Int(Int32.max), Int(Int32.max)]) {
            let count = Self.description(shape: shape, bytes: 0).elementCount
            var exact: Int128 = 1
            var overflow = false
            for dimension in shape where !overflow {
                (exact, overflow) = exact.multipliedReportingOverflow(by: Int128(dimension))
            }
            if shape.contains(0) {
                XCTAssertEqual(count, 0, "\(shape)")
            } else if !overflow, exact <= Int128(Int.max) {
                XCTAssertEqual(Int128(count), exact, "\(shape)")
            } else {
                XCTAssertEqual(count, Int.max, "\(shape)")
            }
        }
    }

    func testHostileArraysAgainstARealModelFailTyped() async throws {
        let model = try EngineModel(contentsOf: try FixtureFiles.require("models/lenet_int8.tflite"))
        for shape in [[100_000_000_000, 0, 28, 1], [0, 100_000_000_000, 28, 1], [2, 28, 28, 0], [3, 1, 784, 1]] {
            let count = try NumPyArray.elementCount(of: shape)
            let array = try NumPyArray(elementType: .int8, shape: shape, bytes: [UInt8](repeating: 0, count: count))
            do {
                let result = try await model.run(batch: array, workerCount: 2)
                // Only a batch whose bytes hold whole samples may run.
                XCTAssertEqual(result.shape[0] * 784, array.bytes.count, "\(shape)")
            } catch {
                guard case .inputMismatch = error else { return XCTFail("\(shape): \(error)") }
            }
        }
    }
}
