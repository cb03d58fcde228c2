import CLibCrypto
import DeviceLink
import Foundation

/// A model as it is deployed: its bytes, a name for reports, and its SHA-256 (the identity the store keys on).
public struct ModelUnderTest: Sendable, Equatable {
    public var name: String
    public var bytes: [UInt8]
    public var sha256: String
    /// CRC-32 of the bytes, as the board reports it for its loaded model (`ModelInfo.modelCRC32`).
    public var crc32: UInt32

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
        self.sha256 = Self.sha256Hex(bytes)
        self.crc32 = CRC32.checksum(bytes)
    }

    /// SHA-256 (OpenSSL's libcrypto) as lowercase hex.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                _ = SHA256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    /// Reads a .tflite file; the name defaults to the file name without extension.
    public init(contentsOf url: URL, name: String? = nil) throws(BenchError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .modelUnreadable(path: url.path, reason: error.localizedDescription)
        }
        self.init(name: name ?? url.deletingPathExtension().lastPathComponent, bytes: [UInt8](data))
    }
}
