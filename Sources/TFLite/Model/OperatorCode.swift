/// An entry of ``Model/operatorCodes``: which operator (builtin or custom) and its version.
public struct OperatorCode: Sendable, Equatable {
    /// `max(builtin_code, deprecated_builtin_code)` as read; written to both fields
    /// (deprecated = min(code, 127)).
    public var builtinCode: BuiltinOperator
    /// Name of a custom operator (with ``BuiltinOperator/custom``).
    public var customCode: String?
    public var version: Int
    /// Fields this version does not interpret, carried through unchanged.
    public var preservedFields: FlatTable

    public init(builtinCode: BuiltinOperator, customCode: String? = nil, version: Int = 1,
                preservedFields: FlatTable = FlatTable()) {
        self.builtinCode = builtinCode
        self.customCode = customCode
        self.version = version
        self.preservedFields = preservedFields
    }
}
