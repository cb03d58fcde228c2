/// Decodes the typed ``Model`` from FlatBuffer bytes (structure only; ``Model/validate()`` checks indices).
enum ModelDecoder {
    static let identifier: [UInt8] = Array("TFL3".utf8)

    static func decode(_ bytes: [UInt8]) throws -> Model {
        guard bytes.count >= 8 else {
            throw ModelError(.truncated, problem: "the file has \(bytes.count) bytes; a FlatBuffer needs at least 8")
        }
        guard Array(bytes[4..<8]) == identifier else {
            let found = bytes[4..<8].map { ($0 >= 32 && $0 < 127) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }
            throw ModelError(.wrongIdentifier,
                             problem: "the file identifier is \"\(found.joined())\", expected \"TFL3\"")
        }
        let reader = FlatBufferReader(bytes: bytes)
        let root = try within("Model") { try reader.table(at: try reader.followOffset(at: 0, "root table offset"), name: "Model") }
        return try decodeModel(root)
    }

    static func decodeModel(_ table: TableView) throws -> Model {
        var model = Model(buffers: [])
        model.version = Int(try table.scalar(0, "version", default: UInt32(0)))
        model.operatorCodes = try decodeList(table, 1, "operator_codes", "OperatorCode", decodeOperatorCode)
        model.subgraphs = try decodeList(table, 2, "subgraphs", "SubGraph", decodeSubGraph)
        model.description = try table.string(3, "description")
        model.buffers = try decodeList(table, 4, "buffers", "Buffer", decodeBuffer)
        model.metadataBuffer = try table.scalarVector(5, "metadata_buffer", of: Int32.self)?.map { Int($0) }
        model.metadata = try decodeList(table, 6, "metadata", "Metadata", decodeMetadata)
        model.signatureDefs = try decodeList(table, 7, "signature_defs", "SignatureDef", decodeSignatureDef)
        model.preservedFields = try table.preservedFields(excluding: 0xFF)
        return model
    }

    /// Decodes a vector of tables, naming the element at fault in errors.
    static func decodeList<T>(_ table: TableView, _ slot: Int, _ field: String, _ elementName: String,
                              _ decode: (TableView) throws -> T) throws -> [T] {
        guard let elements = try table.tableVector(slot, field, name: elementName) else { return [] }
        var result: [T] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            result.append(try within("\(field)[\(index)]") { try decode(element) })
        }
        return result
    }

    static func decodeOperatorCode(_ table: TableView) throws -> OperatorCode {
        let deprecated = Int32(try table.scalar(0, "deprecated_builtin_code", default: Int8(0)))
        let extended = try table.scalar(3, "builtin_code", default: Int32(0))
        return OperatorCode(
            builtinCode: BuiltinOperator(max(deprecated, extended)),
            customCode: try table.string(1, "custom_code"),
            version: Int(try table.scalar(2, "version", default: Int32(1))),
            preservedFields: try table.preservedFields(excluding: 0xF))
    }

    static func decodeSubGraph(_ table: TableView) throws -> SubGraph {
        SubGraph(
            tensors: try decodeList(table, 0, "tensors", "Tensor", decodeTensor),
            inputs: try intVector(table, 1, "inputs") ?? [],
            outputs: try intVector(table, 2, "outputs") ?? [],
            operators: try decodeList(table, 3, "operators", "Operator", decodeOperator),
            name: try table.string(4, "name"),
            preservedFields: try table.preservedFields(excluding: 0x1F))
    }

    static func intVector(_ table: TableView, _ slot: Int, _ field: String) throws -> [Int]? {
        try table.scalarVector(slot, field, of: Int32.self)?.map { Int($0) }
    }

    static func decodeTensor(_ table: TableView) throws -> Tensor {
        Tensor(
            shape: try intVector(table, 0, "shape") ?? [],
            type: TensorType(try table.scalar(1, "type", default: Int8(0))),
            buffer: Int(try table.scalar(2, "buffer", default: UInt32(0))),
            name: try table.string(3, "name") ?? "",
            quantization: try table.table(4, "quantization", name: "QuantizationParameters").map { quantization in
                try within("Tensor.quantization") { try decodeQuantization(quantization) }
            },
            isVariable: try table.bool(5, "is_variable", default: false),
            sparsity: try table.table(6, "sparsity", name: "SparsityParameters").map { sparsity in
                try within("Tensor.sparsity") { try sparsity.preservedFields(depth: 1) }
            },
            shapeSignature: try intVector(table, 7, "shape_signature"),
            hasRank: try table.bool(8, "has_rank", default: false),
            preservedFields: try table.preservedFields(excluding: 0x1FF))
    }

    static func decodeQuantization(_ table: TableView) throws -> QuantizationParameters {
        var parameters = QuantizationParameters(
            min: try table.floatVector(0, "min") ?? [],
            max: try table.floatVector(1, "max") ?? [],
            scale: try table.floatVector(2, "scale") ?? [],
            zeroPoint: try table.scalarVector(3, "zero_point", of: Int64.self) ?? [],
            quantizedDimension: Int(try table.scalar(6, "quantized_dimension", default: Int32(0))),
            preservedFields: try table.preservedFields(excluding: 0x7F))
        let detailsType: UInt8 = try table.scalar(4, "details_type", default: 0)
        if detailsType != 0 {
            let member = SchemaCatalog.unionMember("QuantizationDetails", type: detailsType) ?? "QuantizationDetails#\(detailsType)"
            let content = try table.table(5, "details", name: member).map { try $0.preservedFields(depth: 1) }
            parameters.details = FlatUnion(type: detailsType, table: content ?? FlatTable())
        }
        return parameters
    }

    static func decodeBuffer(_ table: TableView) throws -> Buffer {
        Buffer(
            data: try table.byteVector(0, "data") ?? [],
            offset: try table.scalar(1, "offset", default: UInt64(0)),
            size: try table.scalar(2, "size", default: UInt64(0)),
            preservedFields: try table.preservedFields(excluding: 0x7))
    }

    static func decodeMetadata(_ table: TableView) throws -> Metadata {
        Metadata(
            name: try table.string(0, "name") ?? "",
            buffer: Int(try table.scalar(1, "buffer", default: UInt32(0))),
            preservedFields: try table.preservedFields(excluding: 0x3))
    }

    static func decodeSignatureDef(_ table: TableView) throws -> SignatureDef {
        SignatureDef(
            inputs: try decodeList(table, 0, "inputs", "TensorMap", decodeTensorMap),
            outputs: try decodeList(table, 1, "outputs", "TensorMap", decodeTensorMap),
            signatureKey: try table.string(2, "signature_key"),
            subgraphIndex: Int(try table.scalar(4, "subgraph_index", default: UInt32(0))),
            preservedFields: try table.preservedFields(excluding: 0x17))
    }

    static func decodeTensorMap(_ table: TableView) throws -> SignatureDef.TensorMap {
        SignatureDef.TensorMap(
            name: try table.string(0, "name") ?? "",
            tensorIndex: Int(try table.scalar(1, "tensor_index", default: UInt32(0))),
            preservedFields: try table.preservedFields(excluding: 0x3))
    }

    static func decodeOperator(_ table: TableView) throws -> Operator {
        Operator(
            opcodeIndex: Int(try table.scalar(0, "opcode_index", default: UInt32(0))),
            inputs: try intVector(table, 1, "inputs") ?? [],
            outputs: try intVector(table, 2, "outputs") ?? [],
            builtinOptions: try decodeBuiltinOptions(table),
            customOptions: try table.byteVector(5, "custom_options"),
            customOptionsFormat: try table.scalar(6, "custom_options_format", default: UInt8(0)),
            mutatingVariableInputs: try table.scalarVector(7, "mutating_variable_inputs", of: UInt8.self)?.map { $0 != 0 } ?? [],
            intermediates: try intVector(table, 8, "intermediates") ?? [],
            preservedFields: try table.preservedFields(excluding: 0x1FF))
    }
}
