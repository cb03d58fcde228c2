import Foundation
import TinyHILTestSupport
import XCTest

@testable import TFLite

/// Every committed fixture model: read → write → read gives the same model, with aligned buffers.
final class FixtureRoundTripTests: XCTestCase {
    /// All `.tflite` files under fixtures/models, fixtures/ops and fixtures/unseen.
    static func fixtureFiles() -> [URL] {
        var files: [URL] = []
        for folder in ["models", "ops", "unseen"] {
            let directory = Fixtures.root.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            files += names.filter { $0.hasSuffix(".tflite") }.sorted().map { directory.appendingPathComponent($0) }
        }
        return files
    }

    func testFixturesArePresent() {
        // Fail (not skip) when fixtures are missing: the round-trip tests below must not pass vacuously.
        let names = Self.fixtureFiles().map(\.lastPathComponent)
        XCTAssertTrue(names.contains("lenet_int8.tflite"), "fixtures/models/lenet_int8.tflite missing under \(Fixtures.root.path)")
        XCTAssertTrue(names.contains("lenet_float32.tflite"), "fixtures/models/lenet_float32.tflite missing")
    }

    func testEveryFixtureRoundTripsWithSixteenByteAlignedBuffers() throws {
        let files = Self.fixtureFiles()
        XCTAssertFalse(files.isEmpty, "no fixture models found under \(Fixtures.root.path)")
        for file in files {
            let name = file.lastPathComponent
            let bytes = [UInt8](try Data(contentsOf: file))
            let model = try Model(bytes: bytes)
            let written = try model.serialized()
            let reread = try Model(bytes: written)
            XCTAssertEqual(reread, model, "\(name): model changed through write and read")
            XCTAssertEqual(try reread.serialized(), written, "\(name): writing is not deterministic")

            let report = try BufferAlignmentReport(bytes: written)
            XCTAssertEqual(report.misalignedBuffers, [], "\(name): buffers not 16-byte aligned after writing")
            XCTAssertEqual(report.buffersWithData, model.buffers.filter { !$0.data.isEmpty }.count, name)
            XCTAssertNil(report.dataOffsets.first.flatMap { $0 }, "\(name): buffers[0] must stay the empty sentinel")

            // Every buffer's bytes are found at the reported offset in the written file.
            for (index, offset) in report.dataOffsets.enumerated() {
                guard let offset else { continue }
                XCTAssertEqual(Array(written[offset..<(offset + model.buffers[index].data.count)]), model.buffers[index].data)
            }
            // Both operator code fields are written: deprecated = min(code, 127).
            try assertOperatorCodeFields(written, model, name)
        }
    }

    private func assertOperatorCodeFields(_ bytes: [UInt8], _ model: Model, _ name: String) throws {
        let reader = FlatBufferReader(bytes: bytes)
        let root = try reader.table(at: try reader.followOffset(at: 0, "root"), name: "Model")
        let codes = try root.tableVector(1, "operator_codes", name: "OperatorCode") ?? []
        XCTAssertEqual(codes.count, model.operatorCodes.count)
        for (table, code) in zip(codes, model.operatorCodes) {
            XCTAssertEqual(Int32(try table.scalar(0, "deprecated", default: Int8(0))), min(code.builtinCode.rawValue, 127), name)
            XCTAssertEqual(try table.scalar(3, "builtin_code", default: Int32(0)), code.builtinCode.rawValue, name)
        }
    }

    /// The fixture script's deliberately 4-byte aligned file (buffers at 4 mod 8) comes out 16-byte aligned.
    func testFourByteAlignedFixtureIsRealigned() throws {
        let file = Fixtures.root.appendingPathComponent("unseen/kws_dscnn_int8_align4.tflite")
        let bytes = [UInt8](try Data(contentsOf: file))
        let before = try BufferAlignmentReport(bytes: bytes, alignmentBytes: 8)
        XCTAssertGreaterThan(before.buffersWithData, 0)
        XCTAssertEqual(before.misalignedBuffers.count, before.buffersWithData, "every buffer should start at 4 mod 8")
        let model = try Model(bytes: bytes)
        let written = try model.serialized()
        XCTAssertEqual(try BufferAlignmentReport(bytes: written).misalignedBuffers, [])
        // Same model content as the converter's own file it was re-serialised from.
        let reference = try Model(contentsOf: Fixtures.root.appendingPathComponent("unseen/kws_dscnn_int8.tflite"))
        XCTAssertEqual(model.subgraphs[0].tensors.map(\.shape), reference.subgraphs[0].tensors.map(\.shape))
        XCTAssertEqual(model.buffers.map(\.data).filter { !$0.isEmpty }.count, reference.buffers.map(\.data).filter { !$0.isEmpty }.count)
    }

    /// Structure read by our reader equals what the fixture script recorded with TensorFlow (manifest.json).
    func testFixtureStructureMatchesManifest() throws {
        let manifestURL = Fixtures.root.appendingPathComponent("manifest.json")
        let manifest = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
        var checked = 0
        for (key, value) in manifest.sorted(by: { $0.key < $1.key }) {
            guard key.hasPrefix("models/") || key.hasPrefix("ops/") || key.hasPrefix("unseen/"), let entry = value as? [String: Any] else { continue }
            let file = Fixtures.root.appendingPathComponent(key + ".tflite")
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            let bytes = [UInt8](try Data(contentsOf: file))
            let model = try Model(bytes: bytes)
            let main = model.subgraphs[0]
            if let bytesCount = entry["bytes"] as? Int { XCTAssertEqual(bytes.count, bytesCount, key) }
            if let residues = entry["buffer_data_offsets_mod16"] as? [Int] {
                let found = Set(try BufferAlignmentReport(bytes: bytes).dataOffsets.compactMap { $0.map { $0 % 16 } })
                XCTAssertEqual(found, Set(residues), "\(key): buffer data offsets mod 16")
            }
            if let ops = entry["ops"] as? [String] {
                XCTAssertEqual(main.operators.map { model.builtinOperator(of: $0)?.name ?? "?" }, ops, key)
            }
            for (field, indices) in [("inputs", main.inputs), ("outputs", main.outputs)] {
                guard let expected = entry[field] as? [[String: Any]] else { continue }
                XCTAssertEqual(expected.count, indices.count, key)
                for (description, index) in zip(expected, indices) {
                    let tensor = main.tensors[index]
                    XCTAssertEqual(tensor.shape, description["shape"] as? [Int], "\(key) \(field)")
                    XCTAssertEqual(tensor.type.name, description["type"] as? String, "\(key) \(field)")
                    if let scale = description["scale"] as? Double {
                        XCTAssertEqual(Double(tensor.quantization?.scale.first ?? 0), scale, accuracy: 1e-9, key)
                        XCTAssertEqual(tensor.quantization?.zeroPoint.first, Int64(description["zero_point"] as? Int ?? 0), key)
                    }
                }
            }
            if let weights = entry["weights"] as? [[String: Any]] {
                let weighted = main.operators.filter {
                    let op = model.builtinOperator(of: $0)
                    return op == .conv2D || op == .depthwiseConv2D || op == .fullyConnected
                }
                XCTAssertEqual(weighted.count, weights.count, key)
                for (op, expected) in zip(weighted, weights) {
                    let filter = main.tensors[op.inputs[1]]
                    XCTAssertEqual(filter.shape, expected["shape"] as? [Int], key)
                    XCTAssertEqual(filter.quantization?.scale.count ?? 0, expected["scales"] as? Int, key)
                    XCTAssertNotNil(model.constantData(of: filter), key)
                }
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 0, "manifest.json lists no model present on disk")
    }
}
