import Foundation
import TinyHILTestSupport
import XCTest

@testable import Inference

final class IDXFileTests: XCTestCase {
    /// A 2×2×3 unsigned-byte IDX file written by hand from the format description.
    private let handWritten: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3] + Array(1...12)

    func testParsesHandWrittenFile() throws {
        let file = try IDXFile(contents: handWritten, source: "test")
        XCTAssertEqual(file.shape, [2, 2, 3])
        XCTAssertEqual(file.bytes, Array(1...12))
        XCTAssertEqual(file.idxBytes(), handWritten)
    }

    func testRoundTripsThroughGzip() throws {
        let compressed = Gzip.compress(handWritten)
        XCTAssertEqual(Array(compressed.prefix(2)), [0x1F, 0x8B])
        XCTAssertEqual(try IDXFile(contents: compressed, source: "test"), try IDXFile(contents: handWritten, source: "test"))
        let large = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        XCTAssertEqual(try Gzip.decompress(Gzip.compress(large), source: "large"), large)
    }

    func testRejectsBadMagic() {
        XCTAssertThrowsError(try IDXFile(contents: [1, 0, 8, 1, 0, 0, 0, 0], source: "x")) {
            XCTAssertEqual($0 as? DatasetError, .badIDXMagic(source: "x", magicBytes: [1, 0, 8, 1]))
        }
        XCTAssertThrowsError(try IDXFile(contents: [0, 0, 0x0D, 1, 0, 0, 0, 0], source: "x")) {
            XCTAssertEqual($0 as? DatasetError, .unsupportedIDXElementType(source: "x", typeCode: 0x0D))
        }
    }

    func testRejectsTruncatedFiles() {
        XCTAssertThrowsError(try IDXFile(contents: [0, 0, 8], source: "x")) {
            XCTAssertEqual($0 as? DatasetError, .truncatedIDX(source: "x", bytesNeeded: 4, bytesAvailable: 3))
        }
        XCTAssertThrowsError(try IDXFile(contents: Array(handWritten.prefix(10)), source: "x")) {
            XCTAssertEqual($0 as? DatasetError, .truncatedIDX(source: "x", bytesNeeded: 16, bytesAvailable: 10))
        }
        XCTAssertThrowsError(try IDXFile(contents: Array(handWritten.dropLast()), source: "x")) {
            XCTAssertEqual($0 as? DatasetError, .truncatedIDX(source: "x", bytesNeeded: 28, bytesAvailable: 27))
        }
    }

    func testRejectsTruncatedAndCorruptGzip() {
        let compressed = Gzip.compress(handWritten)
        for bad in [Array(compressed.prefix(compressed.count / 2)), Array(compressed.prefix(12)),
                    compressed.enumerated().map { $0.offset == 12 ? $0.element ^ 0xFF : $0.element }] {
            XCTAssertThrowsError(try IDXFile(contents: bad, source: "x")) { error in
                guard case .corruptCompressedData = error as? DatasetError else { return XCTFail("\(error)") }
            }
        }
    }

    func testMissingDatasetNamesTheDebianPackage() {
        let nowhere = URL(fileURLWithPath: "/nonexistent-\(UUID())")
        XCTAssertThrowsError(try FashionMNIST.load(.test, from: nowhere)) { error in
            guard case .notInstalled(_, _, let package) = error as? DatasetError else { return XCTFail("\(error)") }
            XCTAssertEqual(package, "dataset-fashion-mnist")
            XCTAssertTrue("\(error)".contains("install the Debian package dataset-fashion-mnist"))
        }
    }

    func testLabelledImagesRejectsInconsistentParts() {
        XCTAssertThrowsError(try LabelledImages(name: "x", height: 2, width: 2, classNames: ["a", "b"],
                                                pixels: [0, 0, 0, 0, 0], labels: [0])) {
            XCTAssertEqual($0 as? DatasetError, .countMismatch(images: 1, labels: 1))
        }
        XCTAssertThrowsError(try LabelledImages(name: "x", height: 1, width: 1, classNames: ["a", "b"],
                                                pixels: [0, 0], labels: [0, 2])) {
            XCTAssertEqual($0 as? DatasetError, .labelOutOfRange(index: 1, label: 2, classCount: 2))
        }
    }

    /// The Debian files (when installed): 10,000 test images, 1,000 per class (the published split).
    func testReadsTheInstalledFashionMNISTTestSplit() throws {
        let files = FashionMNIST.files(.test)
        try XCTSkipUnless(FileManager.default.fileExists(atPath: files.images.path),
                          "dataset-fashion-mnist is not installed")
        let test = try FashionMNIST.load(.test)
        XCTAssertEqual(test.count, 10_000)
        XCTAssertEqual(test.pixels.count, 10_000 * 28 * 28)
        var perClass = [Int](repeating: 0, count: 10)
        for label in test.labels { perClass[Int(label)] += 1 }
        XCTAssertEqual(perClass, [Int](repeating: 1_000, count: 10))
    }

    /// The fixture copy of the test split (taken by the fixture script from Keras) matches the Debian files.
    func testFixtureImagesMatchTheDebianFiles() throws {
        let files = FashionMNIST.files(.test)
        try XCTSkipUnless(FileManager.default.fileExists(atPath: files.images.path),
                          "dataset-fashion-mnist is not installed")
        let test = try FashionMNIST.load(.test)
        let imagesURL = try FixtureFiles.require("data/fashion_mnist_test_images_uint8.npy")
        let labelsURL = try FixtureFiles.require("data/fashion_mnist_test_labels_uint8.npy")
        let images = try NumPyArray(contentsOf: imagesURL)
        let labels = try NumPyArray(contentsOf: labelsURL)
        let n = labels.elementCount
        XCTAssertEqual(images.shape, [n, 28, 28])
        XCTAssertEqual(images.bytes, Array(test.pixels.prefix(n * 784)))
        XCTAssertEqual(labels.bytes, Array(test.labels.prefix(n)))
    }
}
