import Foundation
import XCTest

@testable import Inference

final class NumPyArrayTests: XCTestCase {
    /// Bytes of `np.save(f, np.array([[1, -2, 3], [4, 5, -128]], dtype=np.int8))`, written out by hand from the
    /// format specification: magic, version 1.0, header length 118 (0x76), header padded to 128 bytes in total.
    private func handWrittenInt8File() -> [UInt8] {
        let dict = "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }"
        var header = [UInt8](dict.utf8)
        header += [UInt8](repeating: 0x20, count: 128 - 10 - header.count - 1)
        header.append(0x0A)
        return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 0x76, 0x00] + header + [1, 0xFE, 3, 4, 5, 0x80]
    }

    func testReadsHandWrittenInt8File() throws {
        let array = try NumPyArray(npyBytes: handWrittenInt8File())
        XCTAssertEqual(array.elementType, .int8)
        XCTAssertEqual(array.shape, [2, 3])
        XCTAssertEqual(try array.values(as: Int8.self), [1, -2, 3, 4, 5, -128])
    }

    func testWritesExactlyWhatNumPyWrites() throws {
        let array = try NumPyArray(values: [Int8(1), -2, 3, 4, 5, -128], shape: [2, 3])
        XCTAssertEqual(array.npyBytes(), handWrittenInt8File())
    }

    func testRoundTripsEveryElementType() throws {
        let shapes: [[Int]] = [[], [0], [5], [2, 3], [1, 2, 2, 1]]
        for shape in shapes {
            let n = shape.reduce(1, *)
            let arrays = [
                try NumPyArray(values: (0..<n).map { Int8(truncatingIfNeeded: $0 * 37 - 100) }, shape: shape),
                try NumPyArray(values: (0..<n).map { UInt8(truncatingIfNeeded: $0 * 61) }, shape: shape),
                try NumPyArray(values: (0..<n).map { Int32($0) * -123_456_789 }, shape: shape),
                try NumPyArray(values: (0..<n).map { Float($0) * -0.3 + 1e-30 }, shape: shape),
            ]
            for array in arrays {
                let file = array.npyBytes()
                XCTAssertEqual((file.count - array.bytes.count) % 64, 0, "header is padded to 64 bytes")
                XCTAssertEqual(try NumPyArray(npyBytes: file), array)
            }
        }
    }

    func testFloatValuesAreLittleEndianIEEE() throws {
        // 1.0f is 0x3F800000, -2.5f is 0xC0200000.
        let array = try NumPyArray(elementType: .float32, shape: [2], bytes: [0, 0, 0x80, 0x3F, 0, 0, 0x20, 0xC0])
        XCTAssertEqual(try array.values(as: Float.self), [1.0, -2.5])
        XCTAssertEqual(try NumPyArray(values: [Int32(0x0102_0304)], shape: [1]).bytes, [4, 3, 2, 1])
    }

    func testRoundTripsThroughAFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-\(UUID()).npy")
        defer { try? FileManager.default.removeItem(at: url) }
        let array = try NumPyArray(values: [Float(1.5), -0.25, 3e8], shape: [3, 1])
        try array.write(to: url)
        XCTAssertEqual(try NumPyArray(contentsOf: url), array)
    }

    func testReadsVersions2And3AndOtherSpellings() throws {
        let headers: [(UInt8, String)] = [
            (2, "{'descr': '<u1', 'fortran_order': False, 'shape': (4,), }"),
            (3, "{'shape': (4L,), 'descr': 'u1', 'fortran_order': False}"),
            (1, "{\"descr\": \"|u1\", \"fortran_order\": False, \"shape\": ( 4 , )}"),
        ]
        for (major, dict) in headers {
            let header = [UInt8]((dict + "\n").utf8)
            let lengthBytes: [UInt8] = major == 1 ? [UInt8(header.count), 0] : [UInt8(header.count), 0, 0, 0]
            let file = NumPyArray.magic + [major, 0] + lengthBytes + header + [9, 8, 7, 6]
            let array = try NumPyArray(npyBytes: file)
            XCTAssertEqual(try array.values(as: UInt8.self), [9, 8, 7, 6], dict)
        }
    }

    func testWritesVersion2WhenTheHeaderIsTooLongForVersion1() throws {
        let shape = [Int](repeating: 1, count: 30_000)
        let array = try NumPyArray(values: [Int8(7)], shape: shape)
        let file = array.npyBytes()
        XCTAssertEqual(Array(file[6..<8]), [2, 0])
        XCTAssertEqual(try NumPyArray(npyBytes: file), array)
    }

    // MARK: - Malformed input

    private func file(header dict: String, data: [UInt8], version: UInt8 = 1) -> [UInt8] {
        let header = [UInt8]((dict + "\n").utf8)
        return NumPyArray.magic + [version, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header + data
    }

    private func assertError(_ bytes: [UInt8], _ expected: NumPyError, line: UInt = #line) {
        XCTAssertThrowsError(try NumPyArray(npyBytes: bytes), line: line) { error in
            XCTAssertEqual(error as? NumPyError, expected, line: line)
            XCTAssertFalse("\(error)".isEmpty, line: line)
        }
    }

    func testRejectsFortranOrder() {
        assertError(file(header: "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 2), }", data: .init(repeating: 0, count: 16)), .fortranOrder)
        XCTAssertTrue(NumPyError.fortranOrder.description.contains("Fortran"))
    }

    func testRejectsBigEndian() {
        assertError(file(header: "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0]),
                    .bigEndian(descr: ">f4"))
        XCTAssertTrue(NumPyError.bigEndian(descr: ">f4").description.contains("big-endian"))
    }

    func testRejectsUnsupportedTypes() {
        assertError(file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", data: .init(repeating: 0, count: 8)),
                    .unsupportedElementType(descr: "<f8"))
        assertError(file(header: "{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0]),
                    .malformedHeader(reason: "unexpected value at character 10"))
    }

    func testRejectsWrongMagicAndVersion() {
        assertError([], .notNumPyFile)
        assertError([UInt8]("PK\u{3}\u{4} not npy".utf8), .notNumPyFile)
        assertError([0x93, 0x4E, 0x55], .truncatedHeader(bytesNeeded: 8, bytesAvailable: 3))
        assertError(NumPyArray.magic + [4, 0, 0, 0], .unsupportedVersion(major: 4, minor: 0))
    }

    func testRejectsTruncatedHeaderAndData() {
        let good = handWrittenInt8File()
        assertError(Array(good.prefix(9)), .truncatedHeader(bytesNeeded: 10, bytesAvailable: 9))
        assertError(Array(good.prefix(50)), .truncatedHeader(bytesNeeded: 128, bytesAvailable: 50))
        assertError(Array(good.dropLast(2)), .dataSizeMismatch(expectedBytes: 6, actualBytes: 4))
        assertError(good + [0], .dataSizeMismatch(expectedBytes: 6, actualBytes: 7))
    }

    func testRejectsMalformedHeaders() {
        let cases: [String] = [
            "",
            "{'descr': '|u1', 'fortran_order': False}",
            "{'descr': '|u1', 'shape': (1,)}",
            "{'fortran_order': False, 'shape': (1,)}",
            "{'descr': '|u1', 'fortran_order': Maybe, 'shape': (1,)}",
            "{'descr': '|u1', 'fortran_order': False, 'shape': (1,}",
            "{'descr': '|u1', 'fortran_order': False, 'shape': (1.5,)}",
            "{'descr': '|u1', 'fortran_order': False, 'shape': 1}",
            "{'descr': '|u1, 'fortran_order': False, 'shape': (1,)}",
            "{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999999999999999,)}",
            "{'descr': '|u1', 'fortran_order': False, 'shape': (1,)} trailing",
            "{'descr': '|u1', 'descr': '|u1', 'fortran_order': False, 'shape': (1,)}",
        ]
        for header in cases {
            XCTAssertThrowsError(try NumPyArray(npyBytes: file(header: header, data: [0]))) { error in
                guard case .malformedHeader = error as? NumPyError else {
                    return XCTFail("\(header): \(error)")
                }
            }
        }
    }

    func testRejectsNegativeAndOverflowingShapes() {
        assertError(file(header: "{'descr': '|u1', 'fortran_order': False, 'shape': (-1,), }", data: []),
                    .invalidShape(shape: [-1]))
        let huge = "{'descr': '<i4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"
        assertError(file(header: huge, data: []), .invalidShape(shape: [4_611_686_018_427_387_904, 4]))
    }

    func testRejectsMismatchedInMemoryArrays() {
        XCTAssertThrowsError(try NumPyArray(elementType: .int32, shape: [2], bytes: [1, 2, 3])) {
            XCTAssertEqual($0 as? NumPyError, .dataSizeMismatch(expectedBytes: 8, actualBytes: 3))
        }
        let array = try? NumPyArray(values: [Int8(1)], shape: [1])
        XCTAssertThrowsError(try array?.values(as: Float.self)) {
            XCTAssertEqual($0 as? NumPyError, .elementTypeMismatch(stored: .int8, requested: .float32))
        }
    }
}

extension NumPyArrayTests {
    func testRowsSliceTheFirstDimension() throws {
        let array = try NumPyArray(values: (0..<12).map { Int32($0) }, shape: [4, 3])
        XCTAssertEqual(try array.rows(1..<3).values(as: Int32.self), [3, 4, 5, 6, 7, 8])
        XCTAssertEqual(try array.rows(1..<3).shape, [2, 3])
        XCTAssertEqual(try array.rows(3..<10).shape, [1, 3])
        XCTAssertEqual(try array.rows(5..<9).shape, [0, 3])
        XCTAssertThrowsError(try NumPyArray(values: [Int8(1)], shape: []).rows(0..<1))
    }
}
