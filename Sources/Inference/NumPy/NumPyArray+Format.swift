/// The `.npy` byte format: magic `\x93NUMPY`, version, header length (2 bytes for 1.0, 4 for 2.0/3.0),
/// a Python dict literal header (`descr`, `fortran_order`, `shape`) padded with spaces and a newline, then data.
extension NumPyArray {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    /// NumPy pads the preamble plus header to a multiple of this.
    static let headerAlignment = 64

    /// Parses the bytes of a `.npy` file.
    public init(npyBytes file: [UInt8]) throws(NumPyError) {
        guard file.count >= 8, Array(file[0..<6]) == Self.magic else {
            if file.count < 8, file.elementsEqual(Self.magic.prefix(file.count)), !file.isEmpty {
                throw .truncatedHeader(bytesNeeded: 8, bytesAvailable: file.count)
            }
            throw .notNumPyFile
        }
        let major = file[6], minor = file[7]
        let lengthFieldBytes: Int
        switch (major, minor) {
        case (1, 0): lengthFieldBytes = 2
        case (2, 0), (3, 0): lengthFieldBytes = 4
        default: throw .unsupportedVersion(major: major, minor: minor)
        }
        let preamble = 8 + lengthFieldBytes
        guard file.count >= preamble else { throw .truncatedHeader(bytesNeeded: preamble, bytesAvailable: file.count) }
        var headerLength = 0
        for i in (0..<lengthFieldBytes).reversed() { headerLength = headerLength << 8 | Int(file[8 + i]) }
        let dataStart = preamble + headerLength
        guard file.count >= dataStart else {
            throw .truncatedHeader(bytesNeeded: dataStart, bytesAvailable: file.count)
        }
        let headerBytes = file[preamble..<dataStart]
        let headerText: String
        if major == 3 {
            guard let text = String(validating: headerBytes, as: UTF8.self) else {
                throw .malformedHeader(reason: "header is not valid UTF-8")
            }
            headerText = text
        } else {
            // Latin-1: every byte is one Unicode scalar.
            headerText = String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))
        }
        let header = try NumPyHeader(parsing: headerText)
        if header.fortranOrder && header.shape.count > 1 { throw .fortranOrder }
        let type = try NumPyElementType.parse(descr: header.descr)
        let count = try Self.elementCount(of: header.shape)
        let (needed, overflow) = count.multipliedReportingOverflow(by: type.bytesPerElement)
        if overflow { throw .invalidShape(shape: header.shape) }
        let available = file.count - dataStart
        if available != needed { throw .dataSizeMismatch(expectedBytes: needed, actualBytes: available) }
        try self.init(elementType: type, shape: header.shape, bytes: Array(file[dataStart...]))
    }

    /// The bytes of a `.npy` file holding this array: format 1.0 unless the header is longer than 65,535 bytes.
    public func npyBytes() -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        let dict = "{'descr': '\(elementType.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        var header = [UInt8](dict.utf8)
        let useVersion2 = 10 + header.count + 1 > Int(UInt16.max)
        let preamble = useVersion2 ? 12 : 10
        let unpadded = preamble + header.count + 1
        let padding = (Self.headerAlignment - unpadded % Self.headerAlignment) % Self.headerAlignment
        header += [UInt8](repeating: 0x20, count: padding)
        header.append(0x0A)

        var file = Self.magic
        file += useVersion2 ? [2, 0] : [1, 0]
        let length = header.count
        let lengthBytes = useVersion2 ? 4 : 2
        for i in 0..<lengthBytes { file.append(UInt8(truncatingIfNeeded: length >> (8 * i))) }
        file += header
        file += bytes
        return file
    }
}
