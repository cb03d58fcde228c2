/// Why a `.tflite` file (or an edited ``Model``) could not be read, validated or written.
///
/// Every error names where the problem is (`location`, e.g. `subgraphs[0].tensors[3].Tensor.buffer`),
/// what is wrong (`problem`) and what to do about it (`remedy`).
public struct ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of problem, for code that wants to react to one kind.
    public enum Kind: String, Sendable, Equatable {
        /// The file ends before a structure it declares.
        case truncated
        /// Bytes 4..<8 are not `TFL3`.
        case wrongIdentifier
        /// An offset points outside the file or at itself.
        case offsetOutOfRange
        /// A table's vtable lies outside the file or is malformed.
        case vtableOutOfRange
        /// A vtable entry points a field outside its table.
        case fieldOutOfRange
        /// A vector or string claims more elements than the bytes left in the file.
        case vectorTooLong
        /// Nested tables deeper than any real model (likely a reference loop).
        case nestingTooDeep
        /// The file asks for more decoded elements than its size allows (overlapping references).
        case tooManyReferences
        /// A tensor or metadata entry references a buffer that does not exist.
        case missingBuffer
        /// A constant tensor's data is shorter than its shape and type require.
        case dataTooShort
        /// An index (operator code, tensor, subgraph) is out of range.
        case indexOutOfRange
        /// A value is not valid for its field (e.g. a negative dimension).
        case invalidValue
        /// A field from a newer schema whose layout cannot be proven; it cannot be rewritten safely.
        case unknownFieldLayout
    }

    public var kind: Kind
    /// Path from the model root to the fault, outermost first.
    public var location: [String]
    /// What is wrong, in one sentence.
    public var problem: String
    /// What to do about it.
    public var remedy: String

    public init(_ kind: Kind, at location: [String] = [], problem: String, remedy: String? = nil) {
        self.kind = kind
        self.location = location
        self.problem = problem
        self.remedy = remedy ?? Self.defaultRemedy(kind)
    }

    public var description: String {
        let place = location.isEmpty ? "model" : location.joined(separator: ".")
        return "\(place): \(problem). \(remedy)"
    }

    static func defaultRemedy(_ kind: Kind) -> String {
        switch kind {
        case .truncated, .offsetOutOfRange, .vtableOutOfRange, .fieldOutOfRange, .vectorTooLong,
             .nestingTooDeep, .tooManyReferences:
            return "The file is damaged or not a TFLite FlatBuffer; re-export it from the converter."
        case .wrongIdentifier:
            return "Pass a .tflite model (FlatBuffer with file identifier TFL3)."
        case .missingBuffer, .dataTooShort, .indexOutOfRange, .invalidValue:
            return "Fix the model (or the code that edited it) so every index and buffer is consistent."
        case .unknownFieldLayout:
            return "The model uses a newer schema than TinyHIL knows; read-only use is fine, "
                + "but update TinyHIL's schema catalog before rewriting it."
        }
    }
}

/// Runs `body`; if it throws a ``ModelError``, prefixes `component` to its location.
/// The component is only built on failure, so this costs nothing on the success path.
@inline(__always)
func within<T>(_ component: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch var error as ModelError {
        error.location.insert(component(), at: 0)
        throw error
    }
}
