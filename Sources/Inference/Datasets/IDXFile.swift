import Foundation

/// An IDX file (the MNIST family's format): magic `00 00 <type> <rank>`, `rank` big-endian UInt32 dimensions,
/// then the elements. Only unsigned-byte elements (type 0x08) are supported, which is what MNIST and
/// Fashion-MNIST use. Files may be gzip-compressed (as Debian ships them) or plain.
public struct IDXFile: Sendable, Equatable {
    public static let unsignedByteTypeCode: UInt8 = 0x08

    public let shape: [Int]
    /// Elements in row-major order.
    public let bytes: [UInt8]

    public init(shape: [Int], bytes: [UInt8]) {
        self.shape = shape
        self.bytes = bytes
    }

    /// Parses IDX content, decompressing it first when it starts with the gzip magic number.
    /// - Parameter source: a name for error messages (usually the file path).
    public init(contents: [UInt8], source: String) throws(DatasetError) {
        let raw = Gzip.isCompressed(contents) ? try Gzip.decompress(contents, source: source) : contents
        guard raw.count >= 4 else { throw .truncatedIDX(source: source, bytesNeeded: 4, bytesAvailable: raw.count) }
        guard raw[0] == 0, raw[1] == 0, raw[3] >= 1 else {
            throw .badIDXMagic(source: source, magicBytes: Array(raw[0..<4]))
        }
        guard raw[2] == Self.unsignedByteTypeCode else {
            throw .unsupportedIDXElementType(source: source, typeCode: raw[2])
        }
        let rank = Int(raw[3])
        let headerBytes = 4 + 4 * rank
        guard raw.count >= headerBytes else {
            throw .truncatedIDX(source: source, bytesNeeded: headerBytes, bytesAvailable: raw.count)
        }
        var shape: [Int] = []
        var count = 1
        for axis in 0..<rank {
            let at = 4 + 4 * axis
            let dimension = Int(raw[at]) << 24 | Int(raw[at + 1]) << 16 | Int(raw[at + 2]) << 8 | Int(raw[at + 3])
            shape.append(dimension)
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            if overflow || product > Int(UInt32.max) * 16 {
                throw .truncatedIDX(source: source, bytesNeeded: Int.max, bytesAvailable: raw.count - headerBytes)
            }
            count = product
        }
        let available = raw.count - headerBytes
        guard available >= count else {
            throw .truncatedIDX(source: source, bytesNeeded: headerBytes + count, bytesAvailable: raw.count)
        }
        self.shape = shape
        self.bytes = Array(raw[headerBytes..<(headerBytes + count)])
    }

    /// Reads an IDX file (`.gz` or plain).
    public init(contentsOf url: URL) throws(DatasetError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, reason: "\(error.localizedDescription)")
        }
        try self.init(contents: [UInt8](data), source: url.path)
    }

    /// The uncompressed IDX encoding of this file.
    public func idxBytes() -> [UInt8] {
        var out: [UInt8] = [0, 0, Self.unsignedByteTypeCode, UInt8(shape.count)]
        for dimension in shape {
            let value = UInt32(truncatingIfNeeded: dimension)
            out += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        }
        return out + bytes
    }
}
