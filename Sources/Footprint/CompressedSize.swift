import CZlib

/// Size of a model after gzip compression (zlib deflate, default level 6, gzip wrapper), the usual way to show
/// what unstructured pruning buys: zeros compress, the `.tflite` itself does not shrink.
public enum CompressedSize {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case zlib(code: Int32)
        public var description: String {
            switch self {
            case .zlib(let code): "zlib could not compress the model (zlib status \(code)); check the zlib installation"
            }
        }
    }

    public static func gzipBytes(of bytes: [UInt8]) throws(Failure) -> Int {
        var stream = z_stream()
        let status = deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .zlib(code: status) }
        defer { deflateEnd(&stream) }

        var total = 0
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = bytes
        var result: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    result = deflate(&stream, Z_FINISH)
                    total += out.count - Int(stream.avail_out)
                }
            } while result == Z_OK || (result == Z_BUF_ERROR && stream.avail_out == 0)
        }
        guard result == Z_STREAM_END else { throw .zlib(code: result) }
        return total
    }
}
