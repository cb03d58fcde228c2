import Foundation
import Testing
@testable import TFLite

@Suite struct SparseWeightsTests {
    /// Bytes worked out by hand from the format in firmware/engine/README.md: row 0 has 3 at column 2 and -1 at
    /// column 19 (a gap of 16: bridged by a stored zero at column 18, then padded), row 1 has 5 at column 0.
    @Test func encodesAHandWorkedExample() throws {
        var dense = [Int8](repeating: 0, count: 40)
        dense[2] = 3; dense[19] = -1; dense[20] = 5
        let le: (UInt32) -> [UInt8] = { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let expected: [UInt8] = Array("THS1".utf8) + le(2) + le(20) + le(3) + [2, 0, 1, 0]
            + [0xF2, 0x03, 0x00, 0x00, 0xFF, 0x00, 0x00, 0x05, 0x00]
        #expect(SparseWeights.encode(dense, rows: 2, cols: 20) == expected)
        #expect(try SparseWeights.decode(expected, rows: 2, cols: 20) == dense)
    }

    @Test func rejectsAColumnOutOfRange() {
        var blob = SparseWeights.encode([0, 7, 0, 0], rows: 1, cols: 4)
        blob[blob.count - 3] = 0x0F   // first gap 15 in a 4-column row
        #expect(throws: ModelError.self) { try SparseWeights.decode(blob, rows: 1, cols: 4) }
    }

    /// The sparse LeNet fixture reads back as exactly the dense weights of the model it was encoded from.
    @Test func sparseLeNetFixtureReadsAsItsDenseSource() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures")
        let dense = try Model(contentsOf: fixtures.appendingPathComponent("models/lenet_magnitude_pruned_int8.tflite"))
        let sparse = try Model(contentsOf: fixtures.appendingPathComponent("sparse/lenet_magnitude_pruned_sparse_int8.tflite"))
        try sparse.validate()
        #expect(sparse.sparseBuffers.count == 5)   // all five LeNet weight tensors
        for (a, b) in zip(dense.subgraphs[0].tensors, sparse.subgraphs[0].tensors) {
            #expect(dense.constantData(of: a) == sparse.constantData(of: b), "tensor \(a.name)")
        }
    }
}
