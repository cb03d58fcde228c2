import XCTest
@testable import TFLite

final class BuiltModelRoundTripTests: XCTestCase {
    func testBuiltModelSurvivesWriteAndRead() throws {
        let model = TestModels.tinyConvNet()
        let bytes = try model.serialized()
        let reread = try Model(bytes: bytes)
        XCTAssertEqual(reread, model)
        XCTAssertEqual(Array(bytes[4..<8]), Array("TFL3".utf8))
    }
}
