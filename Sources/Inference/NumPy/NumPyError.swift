/// What is wrong with a NumPy `.npy` file or with an array built in memory.
public enum NumPyError: Error, Sendable, Equatable, CustomStringConvertible {
    case notNumPyFile
    case unsupportedVersion(major: UInt8, minor: UInt8)
    case truncatedHeader(bytesNeeded: Int, bytesAvailable: Int)
    case malformedHeader(reason: String)
    case unsupportedElementType(descr: String)
    case bigEndian(descr: String)
    case fortranOrder
    case invalidShape(shape: [Int])
    case dataSizeMismatch(expectedBytes: Int, actualBytes: Int)
    case elementTypeMismatch(stored: NumPyElementType, requested: NumPyElementType)

    public var description: String {
        switch self {
        case .notNumPyFile:
            return "not a NumPy .npy file (missing the \\x93NUMPY magic string)"
        case let .unsupportedVersion(major, minor):
            return ".npy format version \(major).\(minor) is not supported (versions 1.0, 2.0 and 3.0 are)"
        case let .truncatedHeader(needed, available):
            return ".npy header is truncated: needs \(needed) bytes, the file has \(available)"
        case let .malformedHeader(reason):
            return ".npy header is malformed: \(reason)"
        case let .unsupportedElementType(descr):
            return ".npy element type '\(descr)' is not supported; use int8, uint8, int32 or float32 "
                + "(e.g. array.astype(np.int8))"
        case let .bigEndian(descr):
            return ".npy element type '\(descr)' is big-endian; save a little-endian array "
                + "(array.astype(array.dtype.newbyteorder('<')))"
        case .fortranOrder:
            return ".npy array is stored in Fortran order; save a C-ordered array (np.ascontiguousarray(array))"
        case let .invalidShape(shape):
            return "invalid array shape \(shape): dimensions must be non-negative and the size must fit in memory"
        case let .dataSizeMismatch(expected, actual):
            return actual < expected
                ? ".npy data is truncated: the shape needs \(expected) bytes, the file holds \(actual)"
                : ".npy data has \(actual) bytes but the shape needs \(expected) (extra bytes after the array)"
        case let .elementTypeMismatch(stored, requested):
            return "array holds \(stored) elements, not \(requested)"
        }
    }
}
