import Foundation
import TinyHILTestSupport
import XCTest

@testable import TFLite

/// Files whose buffer data is only 4-byte aligned (as some real converter output is) read correctly and
/// are re-aligned to 16 bytes by the writer.
final class AlignmentTests: XCTestCase {
    /// Writes `model` like the real writer, but places buffer k's data at a file offset ≡ 4·(k mod 3 + 1)
    /// (mod 16): aligned to 4 bytes, never to 16.
    static func fourByteAlignedBytes(_ model: Model) throws -> [UInt8] {
        var builder = FlatBufferBuilder()
        var buffers: [FlatOffset] = []
        for (index, buffer) in model.buffers.enumerated().reversed() {
            var data: FlatOffset?
            if !buffer.data.isEmpty {
                // Data start (counted from the end) ≡ 16 − 4·shift, i.e. file offset ≡ 4·shift (mod 16).
                let shift = index % 3 + 1
                builder.prepare(alignment: 16, additional: buffer.data.count + 4 * shift)
                data = builder.vector(rawBytes: buffer.data, elementSize: 1, alignment: 4)
            }
            builder.startTable()
            if let data { builder.add(0, data) }
            buffers.append(builder.endTable())
        }
        buffers.reverse()
        let subgraphs = try model.subgraphs.map { try builder.writeSubGraph($0) }
        let codes = try model.operatorCodes.map { try builder.writeOperatorCode($0) }
        let metadata = try model.metadata.map { try builder.writeMetadata($0) }
        let codesVector = builder.vector(offsets: codes)
        let subgraphsVector = builder.vector(offsets: subgraphs)
        let buffersVector = builder.vector(offsets: buffers)
        let metadataVector = builder.vector(offsets: metadata)
        builder.startTable()
        builder.add(0, UInt32(3))
        builder.add(1, codesVector)
        builder.add(2, subgraphsVector)
        builder.add(4, buffersVector)
        builder.add(6, metadataVector)
        return builder.finish(root: builder.endTable(), identifier: Array("TFL3".utf8))
    }

    func testFourByteAlignedBuffersAreReadAndRealigned() throws {
        var model = TestModels.tinyConvNet()
        model.description = nil
        model.signatureDefs = []
        let misaligned = try Self.fourByteAlignedBytes(model)
        let before = try BufferAlignmentReport(bytes: misaligned)
        XCTAssertEqual(before.buffersWithData, 4)
        XCTAssertEqual(before.misalignedBuffers, [1, 2, 3, 4])
        for offset in before.dataOffsets.compactMap({ $0 }) { XCTAssertEqual(offset % 4, 0) }

        let read = try Model(bytes: misaligned)
        XCTAssertEqual(read, model)
        let aligned = try read.serialized()
        let after = try BufferAlignmentReport(bytes: aligned)
        XCTAssertEqual(after.misalignedBuffers, [])
        XCTAssertEqual(after.buffersWithData, 4)
        XCTAssertEqual(try Model(bytes: aligned), model)
    }

    func testCArrayExport() throws {
        let bytes: [UInt8] = Array(0...20)
        let header = try CArrayExport(name: "g_model").header(for: bytes, source: "x.tflite")
        XCTAssertTrue(header.contains("TINYHIL_ALIGNED(16) const unsigned char g_model[] = {"))
        XCTAssertTrue(header.contains("const unsigned int g_model_len = 21;"))
        XCTAssertTrue(header.contains("__attribute__((aligned(n)))"))
        XCTAssertTrue(header.contains("  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,\n"))
        XCTAssertTrue(header.contains("0x14,\n};"))
        // Parse the hex back: the array holds exactly the input bytes.
        let body = header.components(separatedBy: "= {\n")[1].components(separatedBy: "};")[0]
        let parsed = body.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" }).compactMap { UInt8($0.dropFirst(2), radix: 16) }
        XCTAssertEqual(parsed, bytes)
        XCTAssertThrowsError(try CArrayExport(name: "9lives"))
        XCTAssertThrowsError(try CArrayExport(name: "g-model"))
    }

    /// The exported header compiles as C11 and C99 (with GCC's attribute) and the array is 16-byte aligned.
    func testCArrayExportCompilesAndIsAligned() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/cc") else {
            throw XCTSkip("no C compiler at /usr/bin/cc")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = try TestModels.tinyConvNet().serialized()
        try CArrayExport(name: "g_model").header(for: bytes).write(to: directory.appendingPathComponent("model.h"), atomically: true, encoding: .utf8)
        let program = """
            #include <stdint.h>
            #include <stdio.h>
            #include "model.h"
            int main(void) {
              unsigned long sum = 0;
              for (unsigned int i = 0; i < g_model_len; i++) sum = sum * 31u + g_model[i];
              printf("%u %lu %d\\n", g_model_len, sum, (int)((uintptr_t)g_model % 16u));
              return 0;
            }
            """
        try program.write(to: directory.appendingPathComponent("main.c"), atomically: true, encoding: .utf8)
        var expectedSum: UInt = 0
        for byte in bytes { expectedSum = expectedSum &* 31 &+ UInt(byte) }
        for standard in ["-std=c11", "-std=c99"] {
            let compile = Process()
            compile.executableURL = URL(fileURLWithPath: "/usr/bin/cc")
            compile.arguments = [standard, "-Wall", "-Wextra", "-Werror", "-o", directory.appendingPathComponent("main").path,
                                 directory.appendingPathComponent("main.c").path]
            try compile.run()
            compile.waitForExit()
            XCTAssertEqual(compile.terminationStatus, 0, "header does not compile with \(standard)")
            let run = Process()
            run.executableURL = directory.appendingPathComponent("main")
            let pipe = Pipe()
            run.standardOutput = pipe
            try run.run()
            run.waitForExit()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertEqual(output, "\(bytes.count) \(expectedSum) 0\n", standard)
        }
    }
}
