import XCTest

@testable import TFLite

/// Each kind of bad input gives a typed ``ModelError`` naming the place at fault.
final class MalformedInputTests: XCTestCase {
    let valid = try! TestModels.tinyConvNet().serialized()

    func expectError(_ bytes: [UInt8], _ kind: ModelError.Kind, mentioning text: String? = nil,
                     file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try Model(bytes: bytes)
            XCTFail("expected \(kind), but the model parsed", file: file, line: line)
        } catch let error as ModelError {
            XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
            if let text {
                XCTAssertTrue(error.description.contains(text), "\"\(error)\" does not mention \(text)", file: file, line: line)
            }
            XCTAssertFalse(error.remedy.isEmpty, file: file, line: line)
        } catch {
            XCTFail("threw a non-ModelError: \(error)", file: file, line: line)
        }
    }

    /// Root table of the valid file, for locating fields to damage.
    func root(_ bytes: [UInt8]) throws -> TableView {
        let reader = FlatBufferReader(bytes: bytes)
        return try reader.table(at: try reader.followOffset(at: 0, "root"), name: "Model")
    }

    func write<T: FixedWidthInteger>(_ value: T, at position: Int, in bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(position..<(position + MemoryLayout<T>.size), with: $0) }
    }

    func testTruncatedFiles() {
        expectError([], .truncated)
        expectError(Array(valid.prefix(7)), .truncated)
        for length in [8, 12, 40, valid.count / 3, valid.count / 2] {
            do {
                _ = try Model(bytes: Array(valid.prefix(length)))
                XCTFail("a file cut to \(length) bytes parsed")
            } catch let error as ModelError {
                XCTAssertTrue([.truncated, .offsetOutOfRange, .vtableOutOfRange, .vectorTooLong, .fieldOutOfRange].contains(error.kind), "\(error)")
            } catch {
                XCTFail("non-ModelError \(error)")
            }
        }
    }

    func testWrongIdentifier() {
        var bytes = valid
        bytes.replaceSubrange(4..<8, with: Array("TFL2".utf8))
        expectError(bytes, .wrongIdentifier, mentioning: "TFL2")
    }

    func testRootOffsetOutOfRange() {
        var bytes = valid
        write(UInt32(bytes.count + 64), at: 0, in: &bytes)
        expectError(bytes, .offsetOutOfRange, mentioning: "root")
    }

    func testZeroOffsetCannotFormALoop() throws {
        var bytes = valid
        let model = try root(bytes)
        let field = try XCTUnwrap(try model.fieldOffset(2, size: 4, "subgraphs"))
        write(UInt32(0), at: model.position + field, in: &bytes)
        expectError(bytes, .offsetOutOfRange, mentioning: "Model.subgraphs")
    }

    func testOffsetPastEndOfFile() throws {
        var bytes = valid
        let model = try root(bytes)
        let field = try XCTUnwrap(try model.fieldOffset(4, size: 4, "buffers"))
        write(UInt32(0x7FFF_FFF0), at: model.position + field, in: &bytes)
        expectError(bytes, .offsetOutOfRange, mentioning: "Model.buffers")
    }

    func testVtableOutsideTheFile() throws {
        var bytes = valid
        let model = try root(bytes)
        write(Int32(-(bytes.count * 2)), at: model.position, in: &bytes)
        expectError(bytes, .vtableOutOfRange, mentioning: "Model")
        write(Int32(model.position + 100), at: model.position, in: &bytes)  // vtable before the file start
        expectError(bytes, .vtableOutOfRange, mentioning: "Model")
    }

    func testVtableFieldOutsideItsTable() throws {
        var bytes = valid
        let model = try root(bytes)
        write(UInt16(model.inlineSize + 8), at: model.vtable + 4, in: &bytes)  // slot 0: version
        expectError(bytes, .fieldOutOfRange, mentioning: "Model.version")
    }

    func testAbsurdVectorLengths() throws {
        var bytes = valid
        let model = try root(bytes)
        let buffersVector = try XCTUnwrap(try model.target(4, "buffers"))
        write(UInt32(0x7FFF_FFFF), at: buffersVector, in: &bytes)
        expectError(bytes, .vectorTooLong, mentioning: "Model.buffers")

        bytes = valid
        let buffers = try XCTUnwrap(try model.tableVector(4, "buffers", name: "Buffer"))
        let data = try XCTUnwrap(try buffers[1].target(0, "data"))
        write(UInt32(valid.count), at: data, in: &bytes)  // one more than could possibly remain
        expectError(bytes, .vectorTooLong, mentioning: "buffers[1]")
    }

    /// A million-fold reuse of one large vector would decode to gigabytes; the read budget stops it.
    func testOverlappingReferencesAreBounded() {
        var builder = FlatBufferBuilder()
        let data = builder.vector(rawBytes: [UInt8](repeating: 7, count: 65_536), elementSize: 1, alignment: 16)
        builder.startTable()
        builder.add(0, data)
        let buffer = builder.endTable()
        builder.startTable()
        let sentinel = builder.endTable()
        let buffers = builder.vector(offsets: [sentinel] + Array(repeating: buffer, count: 100_000))
        let subgraphs = builder.vector(offsets: [])
        builder.startTable()
        builder.add(0, UInt32(3))
        builder.add(2, subgraphs)
        builder.add(4, buffers)
        let root = builder.endTable()
        let bytes = builder.finish(root: root, identifier: Array("TFL3".utf8))
        XCTAssertLessThan(bytes.count, 600_000)
        expectError(bytes, .tooManyReferences, mentioning: "buffers")
    }

    // MARK: semantic errors (files written without validation)

    func unvalidatedBytes(_ model: Model) throws -> [UInt8] {
        var builder = FlatBufferBuilder()
        return try builder.writeModel(model)
    }

    func testTensorReferencingMissingBuffer() throws {
        var model = TestModels.tinyConvNet()
        model.subgraphs[0].tensors[1].buffer = 42
        expectError(try unvalidatedBytes(model), .missingBuffer, mentioning: "subgraphs[0].tensors[1].Tensor.buffer")
        XCTAssertThrowsError(try model.serialized()) { XCTAssertEqual(($0 as? ModelError)?.kind, .missingBuffer) }
    }

    func testConstantDataTooShortForShape() throws {
        var model = TestModels.tinyConvNet()
        model.buffers[1].data = Array(model.buffers[1].data.prefix(5))  // filter [2,3,3,1] int8 needs 18
        expectError(try unvalidatedBytes(model), .dataTooShort, mentioning: "tensors[1]")
        model = TestModels.tinyConvNet()
        model.buffers[2].data.removeLast()  // bias [2] int32 needs 8
        expectError(try unvalidatedBytes(model), .dataTooShort, mentioning: "needs 8 bytes")
    }

    func testOperatorIndicesOutOfRange() throws {
        var model = TestModels.tinyConvNet()
        model.subgraphs[0].operators[2].opcodeIndex = 9
        expectError(try unvalidatedBytes(model), .indexOutOfRange, mentioning: "operators[2].Operator.opcode_index")
        model = TestModels.tinyConvNet()
        model.subgraphs[0].operators[1].inputs = [99]
        expectError(try unvalidatedBytes(model), .indexOutOfRange, mentioning: "operators[1].Operator.inputs[0]")
        model = TestModels.tinyConvNet()
        model.subgraphs[0].operators[0].outputs = [-1]
        expectError(try unvalidatedBytes(model), .indexOutOfRange, mentioning: "Operator.outputs[0]")
        model = TestModels.tinyConvNet()
        model.subgraphs[0].outputs = [8]
        expectError(try unvalidatedBytes(model), .indexOutOfRange, mentioning: "SubGraph.outputs")
        model = TestModels.tinyConvNet()
        model.metadata[0].buffer = 17
        expectError(try unvalidatedBytes(model), .missingBuffer, mentioning: "metadata[0]")
        model = TestModels.tinyConvNet()
        model.signatureDefs[0].outputs[0].tensorIndex = 30
        expectError(try unvalidatedBytes(model), .indexOutOfRange, mentioning: "signature_defs[0]")
    }

    func testWriterRejectsMissingSentinelAndOversizedValues() {
        var model = TestModels.tinyConvNet()
        model.buffers[0].data = [1]
        XCTAssertThrowsError(try model.serialized()) { XCTAssertEqual(($0 as? ModelError)?.kind, .invalidValue) }
        model = TestModels.tinyConvNet()
        model.subgraphs[0].tensors[0].shape = [1, Int(Int32.max) + 1]
        XCTAssertThrowsError(try model.serialized()) {
            XCTAssertEqual(($0 as? ModelError)?.kind, .invalidValue)
            XCTAssertTrue("\($0)".contains("Tensor.shape"), "\($0)")
        }
    }
}
