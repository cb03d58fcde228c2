/// Writes a ``Model`` as a `.tflite` FlatBuffer with our ``FlatBufferBuilder``.
///
/// Buffers are written first, so their data ends up at the end of the file (as the converter does), each
/// data vector aligned to 16 bytes. Scalars equal to their schema default are left out, as FlatBuffers does.
enum ModelEncoder {
    static func encode(_ model: Model) throws -> [UInt8] {
        let dataBytes = model.buffers.reduce(0) { $0 + $1.data.count + 32 }
        var builder = FlatBufferBuilder(capacity: dataBytes + 4096 + 256 * model.subgraphs.reduce(0) { $0 + $1.tensors.count })
        return try builder.writeModel(model)
    }
}

/// Converts an `Int` to a schema integer type, or throws naming the field.
func narrow<T: FixedWidthInteger>(_ value: Int, _ field: @autoclosure () -> String, as type: T.Type = T.self) throws -> T {
    guard let narrowed = T(exactly: value) else {
        throw ModelError(.invalidValue, at: [field()], problem: "value \(value) does not fit the field's \(T.self) type")
    }
    return narrowed
}

extension FlatBufferBuilder {
    mutating func writeModel(_ model: Model) throws -> [UInt8] {
        var buffers: [FlatOffset] = []
        for (index, buffer) in model.buffers.enumerated().reversed() {
            buffers.append(try within("buffers[\(index)]") { try writeBuffer(buffer) })
        }
        buffers.reverse()
        var subgraphs: [FlatOffset] = []
        for (index, subgraph) in model.subgraphs.enumerated() {
            subgraphs.append(try within("subgraphs[\(index)]") { try writeSubGraph(subgraph) })
        }
        var codes: [FlatOffset] = []
        for (index, code) in model.operatorCodes.enumerated() {
            codes.append(try within("operator_codes[\(index)]") { try writeOperatorCode(code) })
        }
        var metadata: [FlatOffset] = []
        for (index, entry) in model.metadata.enumerated() {
            metadata.append(try within("metadata[\(index)]") { try writeMetadata(entry) })
        }
        var signatures: [FlatOffset] = []
        for (index, signature) in model.signatureDefs.enumerated() {
            signatures.append(try within("signature_defs[\(index)]") { try writeSignatureDef(signature) })
        }
        let codesVector = vector(offsets: codes)
        let subgraphsVector = vector(offsets: subgraphs)
        let description = model.description.map { string($0) }
        let buffersVector = vector(offsets: buffers)
        let metadataBuffer = try model.metadataBuffer.map { vector(try int32s($0, "Model.metadata_buffer")) }
        let metadataVector = model.metadata.isEmpty ? nil : vector(offsets: metadata)
        let signaturesVector = model.signatureDefs.isEmpty ? nil : vector(offsets: signatures)
        let preserved = try writeChildren(of: model.preservedFields, location: "Model")

        startTable()
        add(preserved)
        add(0, try narrow(model.version, "Model.version", as: UInt32.self))
        add(1, codesVector)
        add(2, subgraphsVector)
        if let description { add(3, description) }
        add(4, buffersVector)
        if let metadataBuffer { add(5, metadataBuffer) }
        if let metadataVector { add(6, metadataVector) }
        if let signaturesVector { add(7, signaturesVector) }
        let root = endTable()
        return finish(root: root, identifier: ModelDecoder.identifier)
    }

    func int32s(_ values: [Int], _ field: @autoclosure () -> String) throws -> [Int32] {
        try values.map { try narrow($0, field(), as: Int32.self) }
    }

    mutating func writeBuffer(_ buffer: Buffer) throws -> FlatOffset {
        let preserved = try writeChildren(of: buffer.preservedFields, location: "Buffer")
        let data = buffer.data.isEmpty ? nil : vector(rawBytes: buffer.data, elementSize: 1, alignment: 16)
        startTable()
        add(preserved)
        if buffer.offset != 0 { add(1, buffer.offset) }
        if buffer.size != 0 { add(2, buffer.size) }
        if let data { add(0, data) }
        return endTable()
    }

    mutating func writeOperatorCode(_ code: OperatorCode) throws -> FlatOffset {
        let preserved = try writeChildren(of: code.preservedFields, location: "OperatorCode")
        let custom = code.customCode.map { string($0) }
        let raw = code.builtinCode.rawValue
        startTable()
        add(preserved)
        add(3, raw)
        add(2, try narrow(code.version, "OperatorCode.version", as: Int32.self))
        if let custom { add(1, custom) }
        add(0, Int8(clamping: min(raw, 127)))
        return endTable()
    }

    mutating func writeSubGraph(_ subgraph: SubGraph) throws -> FlatOffset {
        var tensors: [FlatOffset] = []
        for (index, tensor) in subgraph.tensors.enumerated() {
            tensors.append(try within("tensors[\(index)]") { try writeTensor(tensor) })
        }
        var operators: [FlatOffset] = []
        for (index, op) in subgraph.operators.enumerated() {
            operators.append(try within("operators[\(index)]") { try writeOperator(op) })
        }
        let tensorsVector = vector(offsets: tensors)
        let inputs = vector(try int32s(subgraph.inputs, "SubGraph.inputs"))
        let outputs = vector(try int32s(subgraph.outputs, "SubGraph.outputs"))
        let operatorsVector = vector(offsets: operators)
        let name = subgraph.name.map { string($0) }
        let preserved = try writeChildren(of: subgraph.preservedFields, location: "SubGraph")
        startTable()
        add(preserved)
        add(0, tensorsVector)
        add(1, inputs)
        add(2, outputs)
        add(3, operatorsVector)
        if let name { add(4, name) }
        return endTable()
    }

    mutating func writeTensor(_ tensor: Tensor) throws -> FlatOffset {
        let shape = vector(try int32s(tensor.shape, "Tensor.shape"))
        let name = string(tensor.name)
        let quantization = try tensor.quantization.map { try writeQuantization($0) }
        let sparsity = try tensor.sparsity.map { try writeFlatTable($0, location: "Tensor.sparsity") }
        let signature = try tensor.shapeSignature.map { vector(try int32s($0, "Tensor.shape_signature")) }
        let preserved = try writeChildren(of: tensor.preservedFields, location: "Tensor")
        startTable()
        add(preserved)
        add(2, try narrow(tensor.buffer, "Tensor.buffer", as: UInt32.self))
        add(0, shape)
        add(3, name)
        if let quantization { add(4, quantization) }
        if let sparsity { add(6, sparsity) }
        if let signature { add(7, signature) }
        if tensor.type.rawValue != 0 { add(1, tensor.type.rawValue) }
        if tensor.isVariable { add(5, true) }
        if tensor.hasRank { add(8, true) }
        return endTable()
    }

    mutating func writeQuantization(_ parameters: QuantizationParameters) throws -> FlatOffset {
        let minimum = parameters.min.isEmpty ? nil : vector(parameters.min)
        let maximum = parameters.max.isEmpty ? nil : vector(parameters.max)
        let scale = parameters.scale.isEmpty ? nil : vector(parameters.scale)
        let zeroPoint = parameters.zeroPoint.isEmpty ? nil : vector(parameters.zeroPoint)
        let details = try parameters.details.map { try writeFlatTable($0.table, location: "QuantizationParameters.details") }
        let preserved = try writeChildren(of: parameters.preservedFields, location: "QuantizationParameters")
        startTable()
        add(preserved)
        if let minimum { add(0, minimum) }
        if let maximum { add(1, maximum) }
        if let scale { add(2, scale) }
        if let zeroPoint { add(3, zeroPoint) }
        if let details, let type = parameters.details?.type {
            add(5, details)
            add(4, type)
        }
        if parameters.quantizedDimension != 0 {
            add(6, try narrow(parameters.quantizedDimension, "QuantizationParameters.quantized_dimension", as: Int32.self))
        }
        return endTable()
    }

    mutating func writeOperator(_ op: Operator) throws -> FlatOffset {
        let inputs = vector(try int32s(op.inputs, "Operator.inputs"))
        let outputs = vector(try int32s(op.outputs, "Operator.outputs"))
        let options = try writeBuiltinOptions(op.builtinOptions)
        let custom = op.customOptions.map { vector(rawBytes: $0, elementSize: 1, alignment: 4) }
        let mutating = op.mutatingVariableInputs.isEmpty ? nil : vector(op.mutatingVariableInputs.map { UInt8($0 ? 1 : 0) })
        let intermediates = op.intermediates.isEmpty ? nil : vector(try int32s(op.intermediates, "Operator.intermediates"))
        let preserved = try writeChildren(of: op.preservedFields, location: "Operator")
        startTable()
        add(preserved)
        add(0, try narrow(op.opcodeIndex, "Operator.opcode_index", as: UInt32.self))
        add(1, inputs)
        add(2, outputs)
        if let options {
            add(4, options)
            add(3, op.builtinOptions.unionType)
        }
        if let custom { add(5, custom) }
        if let mutating { add(7, mutating) }
        if let intermediates { add(8, intermediates) }
        if op.customOptionsFormat != 0 { add(6, op.customOptionsFormat) }
        return endTable()
    }

    mutating func writeMetadata(_ entry: Metadata) throws -> FlatOffset {
        let name = string(entry.name)
        let preserved = try writeChildren(of: entry.preservedFields, location: "Metadata")
        startTable()
        add(preserved)
        add(0, name)
        add(1, try narrow(entry.buffer, "Metadata.buffer", as: UInt32.self))
        return endTable()
    }

    mutating func writeSignatureDef(_ signature: SignatureDef) throws -> FlatOffset {
        let inputs = vector(offsets: try signature.inputs.map { try writeTensorMap($0) })
        let outputs = vector(offsets: try signature.outputs.map { try writeTensorMap($0) })
        let key = signature.signatureKey.map { string($0) }
        let preserved = try writeChildren(of: signature.preservedFields, location: "SignatureDef")
        startTable()
        add(preserved)
        add(0, inputs)
        add(1, outputs)
        if let key { add(2, key) }
        if signature.subgraphIndex != 0 {
            add(4, try narrow(signature.subgraphIndex, "SignatureDef.subgraph_index", as: UInt32.self))
        }
        return endTable()
    }

    mutating func writeTensorMap(_ map: SignatureDef.TensorMap) throws -> FlatOffset {
        let name = string(map.name)
        let preserved = try writeChildren(of: map.preservedFields, location: "TensorMap")
        startTable()
        add(preserved)
        add(0, name)
        add(1, try narrow(map.tensorIndex, "TensorMap.tensor_index", as: UInt32.self))
        return endTable()
    }
}
