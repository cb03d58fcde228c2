import Foundation
import Inference
import Pruning
import TinyHILTestSupport
import XCTest

final class FashionMNISTValidationTests: XCTestCase {
    /// The genetic search's `--data fashion-mnist` validation set: the tail of the training split, never test images.
    func testValidationImagesComeFromTheEndOfTheTrainingSplit() throws {
        let model = try EngineModel(contentsOf: Fixtures.model("lenet_int8"))
        let validation = try ValidationSet.fashionMNISTValidation(count: 50, for: model)
        XCTAssertEqual(validation.labels.count, 50)
        XCTAssertEqual(validation.inputs.shape.first, 50)
        let train = try FashionMNIST.load(.train)
        XCTAssertEqual(validation.labels, train.labels.suffix(50).map { Int($0) })
        // LeNet's input is int8 with scale 1/255 and zero point −128: q = pixel − 128 exactly.
        let expectedFirst = train.image(train.count - 50).map { UInt8(bitPattern: Int8(Int($0) - 128)) }
        XCTAssertEqual(Array(validation.inputs.bytes.prefix(784)), Array(expectedFirst))
    }
}
