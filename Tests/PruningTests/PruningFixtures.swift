import Foundation
import TFLite
import TinyHILTestSupport

/// Loading fixtures and reading constant data in tests (independently of the code under test).
enum PruningFixtures {
    static func model(_ name: String) throws -> Model {
        try Model(bytes: Fixtures.modelBytes(name))
    }

    static func op(_ path: String) throws -> Model {
        try Model(contentsOf: Fixtures.root.appendingPathComponent("\(path).tflite"))
    }

    static func int8(_ model: Model, tensor: Int) -> [Int8] {
        (model.constantData(of: model.subgraphs[0].tensors[tensor]) ?? []).map { Int8(bitPattern: $0) }
    }

    static func int32(_ model: Model, tensor: Int) -> [Int32] {
        let data = model.constantData(of: model.subgraphs[0].tensors[tensor]) ?? []
        return stride(from: 0, to: data.count, by: 4).map {
            Int32(bitPattern: UInt32(data[$0]) | UInt32(data[$0 + 1]) << 8 | UInt32(data[$0 + 2]) << 16 | UInt32(data[$0 + 3]) << 24)
        }
    }

    static func float32(_ model: Model, tensor: Int) -> [Float] {
        let data = model.constantData(of: model.subgraphs[0].tensors[tensor]) ?? []
        return stride(from: 0, to: data.count, by: 4).map {
            Float(bitPattern: UInt32(data[$0]) | UInt32(data[$0 + 1]) << 8 | UInt32(data[$0 + 2]) << 16 | UInt32(data[$0 + 3]) << 24)
        }
    }

    /// Shape of tensor `index` of the main subgraph.
    static func shape(_ model: Model, _ index: Int) -> [Int] { model.subgraphs[0].tensors[index].shape }

    /// Input/output tensors of operator `index`.
    static func op(_ model: Model, _ index: Int) -> Operator { model.subgraphs[0].operators[index] }
}
