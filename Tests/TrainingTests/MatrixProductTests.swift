import CTrainingKernels
import TinyHILTestSupport
import XCTest

/// The training matrix products (`tk_gemm_nn`, `tk_gemm_tn`: the register-tiled AVX2+FMA kernel where the CPU
/// has it, the portable loops elsewhere) against a plain double-precision triple loop, on shapes that hit every
/// tile edge: rows not a multiple of 4, columns not a multiple of 8 or 16, strides wider than the matrices, and
/// a C that already holds values (both functions accumulate).
final class MatrixProductTests: XCTestCase {
    private struct Shape { let m, n, k: Int }

    private let shapes: [Shape] = [
        Shape(m: 1, n: 1, k: 1), Shape(m: 3, n: 5, k: 2), Shape(m: 4, n: 16, k: 7), Shape(m: 5, n: 17, k: 9),
        Shape(m: 9, n: 12, k: 9), Shape(m: 7, n: 8, k: 33), Shape(m: 13, n: 32, k: 108), Shape(m: 6, n: 120, k: 40),
        Shape(m: 2, n: 33, k: 0), Shape(m: 11, n: 3, k: 257),
    ]

    func testProductsMatchADoublePrecisionReference() {
        var generator = SeededGenerator(seed: 0x6E_6D6D)
        for shape in shapes {
            for transposedA in [false, true] {
                let (m, n, k) = (shape.m, shape.n, shape.k)
                // A is m x k (or k x m when transposed), B is k x n, C is m x n; every leading dimension has slack.
                let lda = (transposedA ? m : k) + 3, ldb = n + 5, ldc = n + 2
                let a = (0..<((transposedA ? k : m) * lda)).map { _ in Float.random(in: -1...1, using: &generator) }
                let b = (0..<(max(k, 1) * ldb)).map { _ in Float.random(in: -1...1, using: &generator) }
                var c = (0..<(m * ldc)).map { _ in Float.random(in: -1...1, using: &generator) }
                let before = c
                a.withUnsafeBufferPointer { ap in
                    b.withUnsafeBufferPointer { bp in
                        c.withUnsafeMutableBufferPointer { cp in
                            if transposedA {
                                tk_gemm_tn(Int32(m), Int32(n), Int32(k), ap.baseAddress, Int32(lda), bp.baseAddress, Int32(ldb), cp.baseAddress, Int32(ldc))
                            } else {
                                tk_gemm_nn(Int32(m), Int32(n), Int32(k), ap.baseAddress, Int32(lda), bp.baseAddress, Int32(ldb), cp.baseAddress, Int32(ldc))
                            }
                        }
                    }
                }
                for i in 0..<m {
                    for j in 0..<ldc {
                        let index = i * ldc + j
                        guard j < n else {
                            XCTAssertEqual(c[index], before[index], "\(shape) transposed \(transposedA): padding [\(i)][\(j)] was written")
                            continue
                        }
                        var expected = Double(before[index])
                        for p in 0..<k {
                            let aValue = transposedA ? a[p * lda + i] : a[i * lda + p]
                            expected += Double(aValue) * Double(b[p * ldb + j])
                        }
                        // float32 accumulation of k products of magnitude <= 1: error grows at most like k ulps
                        let tolerance = Double(k + 1) * 1.2e-7 * 4
                        XCTAssertEqual(Double(c[index]), expected, accuracy: tolerance,
                                       "\(shape) transposed \(transposedA): C[\(i)][\(j)]")
                    }
                }
            }
        }
    }
}
