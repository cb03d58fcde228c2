import XCTest

@testable import TFLite

/// Content the typed model does not interpret survives a round trip; content of unknown layout is refused
/// on write instead of being dropped or corrupted.
final class PreservationTests: XCTestCase {
    func roundTrip(_ model: Model) throws -> Model { try Model(bytes: try model.serialized()) }

    func testKnownSchemaExtrasSurvive() throws {
        var model = TestModels.tinyConvNet()
        // Model.external_buffer_groups (slot 8) and external_buffers (slot 9) of the newest schema.
        model.preservedFields.fields[8] = .tableVector([FlatTable(fields: [0: .string(Array("weights.bin".utf8))])])
        model.preservedFields.fields[9] = .tableVector([FlatTable(fields: [
            0: .scalar([7, 0, 0, 0]), 2: .scalar([0, 1, 0, 0, 0, 0, 0, 0]), 4: .string(Array("raw".utf8)),
        ])])
        // Tensor.external_buffer (slot 10), Operator.debug_metadata_index (slot 13), SubGraph slot 5.
        model.subgraphs[0].tensors[1].preservedFields.fields[10] = .scalar([3, 0, 0, 0])
        model.subgraphs[0].operators[0].preservedFields.fields[13] = .scalar([2, 0, 0, 0])
        model.subgraphs[0].preservedFields.fields[5] = .scalar([1, 0, 0, 0])
        // Sparsity with a union inside DimensionMetadata.
        model.subgraphs[0].tensors[5].sparsity = FlatTable(fields: [
            0: .scalarVector(elementSize: 4, alignment: 4, bytes: [0, 0, 0, 0, 1, 0, 0, 0]),
            2: .tableVector([
                FlatTable(fields: [0: .scalar([0]), 1: .scalar([3, 0, 0, 0])]),
                FlatTable(fields: [0: .scalar([1]), 2: .scalar([1]),
                                   3: .table(FlatTable(fields: [0: .scalarVector(elementSize: 4, alignment: 4, bytes: [0, 0, 0, 0, 2, 0, 0, 0])]))]),
            ]),
        ])
        // Quantization details union (CustomQuantization = 1).
        model.subgraphs[0].tensors[0].quantization?.details = FlatUnion(
            type: 1, table: FlatTable(fields: [0: .scalarVector(elementSize: 1, alignment: 16, bytes: [9, 8, 7])]))
        // Deprecated SignatureDef.deprecated_tag (slot 3).
        model.signatureDefs[0].preservedFields.fields[3] = .string(Array("serve".utf8))
        XCTAssertEqual(try roundTrip(model), model)
    }

    func testOptionsOfOtherOperatorsSurvive() throws {
        var model = TestModels.tinyConvNet()
        let unions = try XCTUnwrap(SchemaCatalog.unions["BuiltinOptions"])
        let subOptions = try XCTUnwrap(unions.first { $0.value == "SubOptions" }?.key)
        let stridedSlice = try XCTUnwrap(unions.first { $0.value == "StridedSliceOptions" }?.key)
        model.subgraphs[0].operators[1].builtinOptions = .other(FlatUnion(type: subOptions, table: FlatTable(fields: [
            0: .scalar([1]), 1: .scalar([0]),
        ])))
        model.subgraphs[0].operators[3].builtinOptions = .other(FlatUnion(type: stridedSlice, table: FlatTable(fields: [
            0: .scalar([5, 0, 0, 0]), 4: .scalar([2, 0, 0, 0]), 5: .scalar([1]),
        ])))
        // builtin_options_2 union (StablehloConcatenateOptions = 1) preserved in Operator slots 11/12.
        model.subgraphs[0].operators[2].preservedFields.fields[11] = .scalar([1])
        model.subgraphs[0].operators[2].preservedFields.fields[12] = .table(FlatTable(fields: [0: .scalar([4, 0, 0, 0, 0, 0, 0, 0])]))
        XCTAssertEqual(try roundTrip(model), model)
    }

    func testUnknownSlotsAreKeptWhenProvablyScalarAndRefusedOtherwise() throws {
        var model = TestModels.tinyConvNet()
        // Slots a newer schema might add to Model: a string (a reference) and a one-byte scalar.
        model.preservedFields.fields[20] = .string(Array("from the future".utf8))
        model.preservedFields.fields[21] = .scalar([1])
        let bytes = try model.serialized()
        let reread = try Model(bytes: bytes)  // reading works
        guard case .unprovable = reread.preservedFields.fields[20] else {
            return XCTFail("an offset-like unknown field must be kept as unprovable, got \(String(describing: reread.preservedFields.fields[20]))")
        }
        guard case .scalar(let scalar) = reread.preservedFields.fields[21] else {
            return XCTFail("a one-byte unknown field is provably a scalar, got \(String(describing: reread.preservedFields.fields[21]))")
        }
        XCTAssertEqual(scalar.first, 1)
        XCTAssertThrowsError(try reread.serialized()) { error in
            XCTAssertEqual((error as? ModelError)?.kind, .unknownFieldLayout)
            XCTAssertTrue("\(error)".contains("slot 20"), "\(error)")
        }
        // Without the ambiguous field, the scalar survives another round trip.
        var withoutAmbiguous = reread
        withoutAmbiguous.preservedFields.fields[20] = nil
        let again = try roundTrip(withoutAmbiguous)
        guard case .scalar(let kept) = again.preservedFields.fields[21] else { return XCTFail("scalar lost") }
        XCTAssertEqual(kept.first, 1)
    }

    func testUnknownOptionsTypeWithOnlyScalarsSurvives() throws {
        var model = TestModels.tinyConvNet()
        // A BuiltinOptions member beyond this schema: decoded by the unknown-slot rules.
        model.subgraphs[0].operators[3].builtinOptions = .other(FlatUnion(type: 250, table: FlatTable(fields: [0: .scalar([3])])))
        let reread = try Model(bytes: try model.serialized())
        guard case .other(let union) = reread.subgraphs[0].operators[3].builtinOptions else { return XCTFail() }
        XCTAssertEqual(union.type, 250)
        guard case .scalar(let bytes) = union.table.fields[0] else { return XCTFail("\(union)") }
        XCTAssertEqual(bytes.first, 3)
    }

    func testOperatorCodeReadsMaxOfBothFieldsAndWritesBoth() throws {
        // Older converters: only deprecated_builtin_code set (builtin_code 0 = ADD).
        var builder = FlatBufferBuilder()
        func code(deprecated: Int8, extended: Int32?) -> FlatOffset {
            builder.startTable()
            builder.add(0, deprecated)
            if let extended { builder.add(3, extended) }
            return builder.endTable()
        }
        let codes = [code(deprecated: 3, extended: nil), code(deprecated: 127, extended: 150), code(deprecated: 0, extended: 0),
                     code(deprecated: 4, extended: 4)]
        let codesVector = builder.vector(offsets: codes)
        builder.startTable()
        let sentinel = builder.endTable()
        let buffers = builder.vector(offsets: [sentinel])
        builder.startTable()
        builder.add(0, UInt32(3))
        builder.add(1, codesVector)
        builder.add(4, buffers)
        let bytes = builder.finish(root: builder.endTable(), identifier: Array("TFL3".utf8))
        let model = try Model(bytes: bytes)
        XCTAssertEqual(model.operatorCodes.map(\.builtinCode), [.conv2D, BuiltinOperator(150), .add, .depthwiseConv2D])
        XCTAssertEqual(model.operatorCodes[1].builtinCode.name, "GELU")
        XCTAssertEqual(model.operatorCodes[0].version, 1)  // schema default

        let written = try model.serialized()
        let reader = FlatBufferReader(bytes: written)
        let root = try reader.table(at: try reader.followOffset(at: 0, "root"), name: "Model")
        let tables = try XCTUnwrap(try root.tableVector(1, "operator_codes", name: "OperatorCode"))
        XCTAssertEqual(try tables.map { try $0.scalar(0, "d", default: Int8(0)) }, [3, 127, 0, 4])
        XCTAssertEqual(try tables.map { try $0.scalar(3, "b", default: Int32(0)) }, [3, 150, 0, 4])
        XCTAssertEqual(try Model(bytes: written), model)
    }

    func testEditingHelpers() throws {
        var model = TestModels.tinyConvNet()
        XCTAssertEqual(model.builtinOperator(of: model.subgraphs[0].operators[0]), .conv2D)
        XCTAssertEqual(model.subgraphs[0].tensors[1].elementCount, 18)
        XCTAssertEqual(model.subgraphs[0].tensors[2].byteCount, 8)
        XCTAssertEqual(Shape.elementCount([]), 1)
        XCTAssertNil(Shape.elementCount([2, -1]))
        XCTAssertNil(Shape.elementCount([Int.max, 2]))
        XCTAssertEqual(TensorType.int4.byteCount(elementCount: 5), 3)
        XCTAssertNil(model.constantData(of: model.subgraphs[0].tensors[0]))
        XCTAssertEqual(model.metadataBytes(named: "min_runtime_version"), Array("1.14.0".utf8))

        // Prune filter 1 of the conv: shape, data, per-channel quantization, bias.
        var filter = model.subgraphs[0].tensors[1]
        filter.shape = [1, 3, 3, 1]
        filter.quantization = try filter.quantization?.selectingChannels([1])
        model.subgraphs[0].tensors[1] = filter
        try model.setConstantData(Array(model.buffers[1].data[9..<18]), ofTensor: 1)
        try model.setConstantData(Array(model.buffers[2].data[4..<8]), ofTensor: 2)
        model.subgraphs[0].tensors[2].shape = [1]
        model.subgraphs[0].tensors[2].quantization = try model.subgraphs[0].tensors[2].quantization?.selectingChannels([1])
        let reread = try Model(bytes: try model.serialized())
        XCTAssertEqual(reread.subgraphs[0].tensors[1].quantization?.scale, [0.2])
        XCTAssertEqual(reread.constantData(of: reread.subgraphs[0].tensors[1]), (9..<18).map { UInt8(bitPattern: Int8($0 - 9)) })
        XCTAssertEqual(reread.buffers.count, model.buffers.count, "unshared buffers are edited in place")
        XCTAssertThrowsError(try QuantizationParameters(scale: [1, 2]).selectingChannels([2]))

        // Typed access to constant values, checked against the bytes the test model was built from.
        XCTAssertEqual(model.constantValues(of: model.subgraphs[0].tensors[2], as: Int32.self), [-7])
        XCTAssertEqual(model.constantValues(of: model.subgraphs[0].tensors[1], as: Int8.self), Array(0...8).map { Int8($0) })
        XCTAssertNil(model.constantValues(of: model.subgraphs[0].tensors[1], as: Int32.self))
        XCTAssertEqual(Buffer(values: [Int32(-2)]).data, [0xFE, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(Buffer(floats: [1.0]).data, [0, 0, 0x80, 0x3F])
        XCTAssertEqual(Buffer.values(from: [1, 0, 2, 0, 9], as: UInt16.self), [1, 2])

        // A tensor without a buffer gets a new one.
        try model.setConstantData([1, 2, 3, 4, 5, 6, 7, 8], ofTensor: 4)
        XCTAssertEqual(model.subgraphs[0].tensors[4].buffer, model.buffers.count - 1)
    }
}
