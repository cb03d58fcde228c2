/// Index and value of the largest element of an output tensor, lowest index on ties, as INFER_BATCH's top-1 mode
/// reports them (docs/protocol.md §7): the stored integer for integer types, the IEEE-754 bit pattern for FLOAT32.
/// Used when an input is too large for INFER_BATCH and the host computes top-1 from the full output.
struct TopOne: Equatable {
    var index: UInt32
    var value: Int32

    /// `tensorType` is the TFLite TensorType code; nil for types top-1 is not defined for, or an empty output.
    init?(output: [UInt8], tensorType: UInt8) {
        let values: [Int64]
        let floats: [Float]?
        switch tensorType {
        case 9: values = output.map { Int64(Int8(bitPattern: $0)) }; floats = nil
        case 3: values = output.map { Int64($0) }; floats = nil
        case 7: values = Self.words(output, width: 2).map { Int64(Int16(truncatingIfNeeded: $0)) }; floats = nil
        case 2: values = Self.words(output, width: 4).map { Int64(Int32(truncatingIfNeeded: $0)) }; floats = nil
        case 0:
            floats = Self.words(output, width: 4).map { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) }
            values = []
        default: return nil
        }
        if let floats {
            guard !floats.isEmpty else { return nil }
            var best = 0
            for i in floats.indices.dropFirst() where floats[i] > floats[best] { best = i }
            index = UInt32(best)
            value = Int32(bitPattern: floats[best].bitPattern)
        } else {
            guard !values.isEmpty else { return nil }
            var best = 0
            for i in values.indices.dropFirst() where values[i] > values[best] { best = i }
            index = UInt32(best)
            value = Int32(truncatingIfNeeded: values[best])
        }
    }

    private static func words(_ bytes: [UInt8], width: Int) -> [UInt64] {
        stride(from: 0, to: bytes.count - width + 1, by: width).map { start in
            (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[start + $1]) << (8 * $1) }
        }
    }
}
