import CZlib

/// Decompression of gzip (and zlib) streams with the system zlib.
enum Gzip {
    /// True when `bytes` starts with the gzip magic number 1f 8b.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The most a stream may inflate to unless the caller says otherwise: 1 GiB, above every dataset of the
    /// MNIST family (EMNIST ByClass training images, the largest, are 547 MB) and far below a zip bomb's output.
    static let defaultMaximumOutputBytes = 1 << 30

    /// Inflates a whole gzip member (or zlib stream), producing at most `maximumOutputBytes`.
    /// - Throws: `DatasetError.corruptCompressedData` when zlib rejects the stream or it ends early;
    ///   `.decompressedTooLarge` as soon as the output would exceed `maximumOutputBytes` (nothing more is inflated).
    static func decompress(_ input: [UInt8], source: String, maximumOutputBytes: Int = defaultMaximumOutputBytes)
        throws(DatasetError) -> [UInt8]
    {
        guard input.count <= Int(UInt32.max) else {
            throw .corruptCompressedData(source: source, reason: "\(input.count) compressed bytes exceed zlib's 4 GiB input")
        }
        var stream = z_stream()
        // 15 window bits + 32: detect gzip or zlib headers automatically.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corruptCompressedData(source: source, reason: "zlib could not be initialised")
        }
        defer { inflateEnd(&stream) }

        var output: [UInt8] = []
        let (guess, overflow) = input.count.multipliedReportingOverflow(by: 4)
        output.reserveCapacity(min(overflow ? maximumOutputBytes : max(guess, 1 << 16), max(0, maximumOutputBytes)))
        let chunkBytes = 1 << 18
        var chunk = [UInt8](repeating: 0, count: chunkBytes)
        var status: Int32 = Z_OK
        var failure: String? = nil
        var tooLarge = false
        input.withUnsafeBufferPointer { inputBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
            stream.avail_in = uInt(inputBuffer.count)
            chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                repeat {
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = uInt(chunkBytes)
                    status = inflate(&stream, Z_NO_FLUSH)
                    let produced = chunkBytes - Int(stream.avail_out)
                    guard produced <= maximumOutputBytes - output.count else {
                        tooLarge = true
                        return
                    }
                    output.append(contentsOf: chunkBuffer[0..<produced])
                    if status != Z_OK && status != Z_STREAM_END {
                        if status == Z_BUF_ERROR {
                            failure = "the compressed stream ends early (truncated file)"
                        } else {
                            let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                            failure = message
                        }
                        return
                    }
                    if status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0 {
                        failure = "the compressed stream ends early (truncated file)"
                        return
                    }
                } while status != Z_STREAM_END
            }
        }
        if tooLarge { throw .decompressedTooLarge(source: source, limitBytes: maximumOutputBytes) }
        if let failure { throw .corruptCompressedData(source: source, reason: failure) }
        return output
    }

    /// Compresses `input` as one gzip member (used to write test data and IDX files as Debian ships them).
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 16: write a gzip header and trailer.
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        let produced: Int = input.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
                stream.avail_in = uInt(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = uInt(outputBuffer.count)
                guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { return 0 }
                return outputBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<produced])
    }
}
