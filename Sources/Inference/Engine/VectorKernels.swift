import CEngine

/// The vector instructions the host engine's kernels use. Every tier computes the same integers (bit-identical
/// to TFLite Micro); they differ only in speed. The engine picks the best the CPU supports; lower it to measure
/// what a machine without AVX-512 VNNI or AVX2 would see.
public enum VectorKernels: String, Sendable, CaseIterable, Comparable {
    /// The build's own code: SSE2 on x86-64, portable C elsewhere (and on boards).
    case baseline
    /// AVX2 (x86-64), chosen when the CPU has it.
    case avx2
    /// AVX-512 VNNI on 256-bit registers (x86-64), chosen when the CPU has it.
    case avx512VNNI = "avx512-vnni"

    init(_ level: th_simd) {
        switch level {
        case TH_SIMD_AVX512_VNNI: self = .avx512VNNI
        case TH_SIMD_AVX2: self = .avx2
        default: self = .baseline
        }
    }

    var engineLevel: th_simd {
        switch self {
        case .baseline: TH_SIMD_BASELINE
        case .avx2: TH_SIMD_AVX2
        case .avx512VNNI: TH_SIMD_AVX512_VNNI
        }
    }

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: VectorKernels, rhs: VectorKernels) -> Bool { lhs.rank < rhs.rank }
}
