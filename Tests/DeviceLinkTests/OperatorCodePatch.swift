/// Rewrites the builtin code of a .tflite model's first OperatorCode in place, by walking the FlatBuffer by hand
/// (Model field 1 = operator_codes; OperatorCode field 0 = deprecated_builtin_code:int8, field 3 = builtin_code:int32).
/// Used to make a model with an operator the engine lacks.
enum OperatorCodePatch {
    static func replacingFirstOperatorCode(in model: [UInt8], with code: Int32) -> [UInt8]? {
        var bytes = model
        func u32(_ at: Int) -> Int? {
            guard at >= 0, at + 4 <= bytes.count else { return nil }
            return Int(UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24)
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= bytes.count else { return nil }
            return Int(UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8)
        }
        /// Absolute position of `field` in the table at `table`, nil when absent.
        func field(_ table: Int, _ index: Int) -> Int? {
            guard let raw = u32(table) else { return nil }
            let vtable = table - Int(Int32(bitPattern: UInt32(raw)))
            guard let vtableSize = u16(vtable), 4 + 2 * index < vtableSize, let offset = u16(vtable + 4 + 2 * index), offset != 0 else {
                return nil
            }
            return table + offset
        }
        guard let root = u32(0), let codesField = field(root, 1), let codesOffset = u32(codesField) else { return nil }
        let vector = codesField + codesOffset
        guard let count = u32(vector), count > 0, let firstOffset = u32(vector + 4) else { return nil }
        let operatorCode = vector + 4 + firstOffset
        var patched = false
        if let deprecated = field(operatorCode, 0), deprecated < bytes.count {
            bytes[deprecated] = UInt8(truncatingIfNeeded: min(code, 127))
            patched = true
        }
        if let builtin = field(operatorCode, 3), builtin + 4 <= bytes.count {
            let value = UInt32(bitPattern: code)
            for index in 0..<4 { bytes[builtin + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
            patched = true
        }
        return patched ? bytes : nil
    }
}
