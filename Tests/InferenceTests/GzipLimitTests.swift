import Foundation
import XCTest

@testable import Inference

/// Inflating stops at an output limit with a typed error (issue 14 item 11): a small file cannot make the host
/// allocate without bound.
final class GzipLimitTests: XCTestCase {
    private let megabyte = 1 << 20
    private lazy var zeros = [UInt8](repeating: 0, count: 8 * megabyte)
    private lazy var bomb = Gzip.compress(zeros)

    func testSmallFileThatInflatesPastTheLimitIsRefused() {
        XCTAssertLessThan(bomb.count, 64 * 1024, "8 MiB of zeros compress to a few KB")
        XCTAssertThrowsError(try Gzip.decompress(bomb, source: "bomb.gz", maximumOutputBytes: megabyte)) { error in
            XCTAssertEqual(error as? DatasetError, .decompressedTooLarge(source: "bomb.gz", limitBytes: megabyte))
            XCTAssertTrue("\(error)".contains("bomb.gz"))
        }
    }

    func testTheLimitIsInclusive() throws {
        XCTAssertEqual(try Gzip.decompress(bomb, source: "x", maximumOutputBytes: zeros.count), zeros)
        XCTAssertThrowsError(try Gzip.decompress(bomb, source: "x", maximumOutputBytes: zeros.count - 1))
        XCTAssertThrowsError(try Gzip.decompress(Gzip.compress([1]), source: "x", maximumOutputBytes: 0))
        XCTAssertEqual(try Gzip.decompress(Gzip.compress([]), source: "x", maximumOutputBytes: 0), [])
    }

    func testInflatingStopsAtTheLimitInsteadOfReadingOn() {
        // Damage the trailer (CRC): inflating to the end would report corruption; stopping at the limit reports
        // the limit, so the stream was not inflated past it.
        var damaged = bomb
        damaged[damaged.count - 6] ^= 0xFF
        XCTAssertThrowsError(try Gzip.decompress(damaged, source: "x")) { error in
            guard case .corruptCompressedData = error as? DatasetError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try Gzip.decompress(damaged, source: "x", maximumOutputBytes: megabyte)) { error in
            XCTAssertEqual(error as? DatasetError, .decompressedTooLarge(source: "x", limitBytes: megabyte))
        }
    }

    func testDatasetsUseALimitAboveTheLargestOfTheirKind() {
        // EMNIST ByClass training images: 697,932 × 28 × 28 bytes.
        XCTAssertGreaterThan(Gzip.defaultMaximumOutputBytes, 697_932 * 28 * 28 + 16)
        XCTAssertLessThanOrEqual(Gzip.defaultMaximumOutputBytes, 1 << 30)
    }
}
