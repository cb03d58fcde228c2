/// What is wrong with a dataset file or folder.
public enum DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The Debian package that ships the dataset is not installed (the folder or a file is missing).
    case notInstalled(dataset: String, missingPath: String, debianPackage: String)
    case unreadable(path: String, reason: String)
    case corruptCompressedData(source: String, reason: String)
    /// The compressed data inflates to more than the limit (a damaged file or a decompression bomb).
    case decompressedTooLarge(source: String, limitBytes: Int)
    case badIDXMagic(source: String, magicBytes: [UInt8])
    case unsupportedIDXElementType(source: String, typeCode: UInt8)
    case truncatedIDX(source: String, bytesNeeded: Int, bytesAvailable: Int)
    case unexpectedIDXShape(source: String, shape: [Int], expected: String)
    case countMismatch(images: Int, labels: Int)
    case labelOutOfRange(index: Int, label: Int, classCount: Int)

    public var description: String {
        switch self {
        case let .notInstalled(dataset, path, package):
            return "\(dataset) is not installed (\(path) is missing): install the Debian package \(package) "
                + "(sudo apt-get install \(package))"
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .corruptCompressedData(source, reason):
            return "\(source): gzip data is corrupt: \(reason)"
        case let .decompressedTooLarge(source, limit):
            return "\(source): the gzip data inflates to more than \(limit) bytes, more than any dataset of this "
                + "kind needs; the file is damaged or not a dataset (decompression stopped there)"
        case let .badIDXMagic(source, magic):
            let hex = magic.map { String($0, radix: 16, uppercase: false) }.joined(separator: " ")
            return "\(source) is not an IDX file: its magic number is [\(hex)], expected 00 00 <type> <rank>"
        case let .unsupportedIDXElementType(source, code):
            return "\(source): IDX element type 0x\(String(code, radix: 16)) is not supported "
                + "(only unsigned bytes, 0x08, as in the MNIST family)"
        case let .truncatedIDX(source, needed, available):
            return "\(source) is truncated: its header promises \(needed) bytes, it holds \(available)"
        case let .unexpectedIDXShape(source, shape, expected):
            return "\(source) has shape \(shape), expected \(expected)"
        case let .countMismatch(images, labels):
            return "the dataset has \(images) images but \(labels) labels"
        case let .labelOutOfRange(index, label, classCount):
            return "label \(label) of sample \(index) is outside 0..<\(classCount)"
        }
    }
}
