/// LOAD_BEGIN reply: the board's capacity and the chunk size it wants.
public struct LoadBeginReply: Equatable, Sendable {
    public var capacityBytes: UInt32
    public var chunkBytes: UInt32

    public init(capacityBytes: UInt32, chunkBytes: UInt32) {
        self.capacityBytes = capacityBytes
        self.chunkBytes = chunkBytes
    }

    public init(payload: [UInt8]) throws(ProtocolError) {
        var reader = ByteReader(payload, message: "LOAD_BEGIN reply")
        capacityBytes = try reader.u32("capacity_bytes")
        chunkBytes = try reader.u32("chunk_bytes")
    }

    public var payload: [UInt8] {
        var writer = ByteWriter()
        writer.u32(capacityBytes)
        writer.u32(chunkBytes)
        return writer.bytes
    }
}

/// LOAD_CHUNK reply: bytes the board holds so far.
public struct LoadChunkReply: Equatable, Sendable {
    public var bytesReceived: UInt32

    public init(bytesReceived: UInt32) { self.bytesReceived = bytesReceived }

    public init(payload: [UInt8]) throws(ProtocolError) {
        var reader = ByteReader(payload, message: "LOAD_CHUNK reply")
        bytesReceived = try reader.u32("bytes_received")
    }

    public var payload: [UInt8] {
        var writer = ByteWriter()
        writer.u32(bytesReceived)
        return writer.bytes
    }
}

/// Shape, type and quantisation of a model input or output as the board's engine sees it.
public struct BoardTensorDescription: Equatable, Sendable {
    /// TFLite TensorType value (FLOAT32 0, INT32 2, UINT8 3, INT8 9).
    public var type: UInt8
    public var dims: [Int32]
    public var scale: Float
    public var zeroPoint: Int32
    public var bytes: UInt32

    public init(type: UInt8, dims: [Int32], scale: Float, zeroPoint: Int32, bytes: UInt32) {
        self.type = type
        self.dims = dims
        self.scale = scale
        self.zeroPoint = zeroPoint
        self.bytes = bytes
    }

    /// Bytes of one element, or nil for a type the protocol does not size.
    public var elementBytes: Int? {
        switch type {
        case 0, 2: 4  // FLOAT32, INT32
        case 3, 9: 1  // UINT8, INT8
        case 7: 2  // INT16
        case 4: 8  // INT64
        default: nil
        }
    }

    fileprivate init(reader: inout ByteReader, role: String) throws(ProtocolError) {
        type = try reader.u8("\(role) type")
        let rank = Int(try reader.u8("\(role) rank"))
        var dims: [Int32] = []
        for index in 0..<rank { dims.append(try reader.i32("\(role) dim \(index)")) }
        self.dims = dims
        scale = try reader.f32("\(role) scale")
        zeroPoint = try reader.i32("\(role) zero_point")
        bytes = try reader.u32("\(role) bytes")
    }

    fileprivate func write(to writer: inout ByteWriter) {
        writer.u8(type)
        writer.u8(UInt8(dims.count))
        for dim in dims { writer.i32(dim) }
        writer.f32(scale)
        writer.i32(zeroPoint)
        writer.u32(bytes)
    }
}

/// LOAD_END reply: the model the board now runs and its arena plan.
public struct ModelInfo: Equatable, Sendable {
    public var modelCRC32: UInt32
    /// Non-persistent arena bytes (TFLM greedy planner, exact).
    public var arenaHeadBytes: UInt32
    /// Everything the engine used from the arena.
    public var arenaUsedBytes: UInt32
    public var operatorCount: UInt16
    public var inputs: [BoardTensorDescription]
    public var outputs: [BoardTensorDescription]
    /// The model slot this model occupies and is now selected from (v2).
    public var slot: UInt8
    /// Bytes the board can stage for INPUT_CHUNK: the input size, or 0 when the arena has no room for it (v2).
    public var stagingBytes: UInt32

    /// Bytes of all inputs together (what INFER expects).
    public var inputBytes: Int { inputs.reduce(0) { $0 + Int($1.bytes) } }
    /// Bytes of all outputs together (what INFER returns).
    public var outputBytes: Int { outputs.reduce(0) { $0 + Int($1.bytes) } }

    public init(
        modelCRC32: UInt32, arenaHeadBytes: UInt32, arenaUsedBytes: UInt32, operatorCount: UInt16,
        inputs: [BoardTensorDescription], outputs: [BoardTensorDescription], slot: UInt8 = 0, stagingBytes: UInt32 = 0
    ) {
        self.slot = slot
        self.stagingBytes = stagingBytes
        self.modelCRC32 = modelCRC32
        self.arenaHeadBytes = arenaHeadBytes
        self.arenaUsedBytes = arenaUsedBytes
        self.operatorCount = operatorCount
        self.inputs = inputs
        self.outputs = outputs
    }

    public init(payload: [UInt8]) throws(ProtocolError) {
        var reader = ByteReader(payload, message: "LOAD_END reply")
        modelCRC32 = try reader.u32("model_crc32")
        arenaHeadBytes = try reader.u32("arena_head_bytes")
        arenaUsedBytes = try reader.u32("arena_used_bytes")
        operatorCount = try reader.u16("operator_count")
        let inputCount = Int(try reader.u8("input_count"))
        let outputCount = Int(try reader.u8("output_count"))
        var inputs: [BoardTensorDescription] = []
        for index in 0..<inputCount { inputs.append(try BoardTensorDescription(reader: &reader, role: "input \(index)")) }
        var outputs: [BoardTensorDescription] = []
        for index in 0..<outputCount { outputs.append(try BoardTensorDescription(reader: &reader, role: "output \(index)")) }
        self.inputs = inputs
        self.outputs = outputs
        slot = try reader.u8("slot")
        stagingBytes = try reader.u32("staging_bytes")
    }

    public var payload: [UInt8] {
        var writer = ByteWriter()
        writer.u32(modelCRC32)
        writer.u32(arenaHeadBytes)
        writer.u32(arenaUsedBytes)
        writer.u16(operatorCount)
        writer.u8(UInt8(inputs.count))
        writer.u8(UInt8(outputs.count))
        for tensor in inputs { tensor.write(to: &writer) }
        for tensor in outputs { tensor.write(to: &writer) }
        writer.u8(slot)
        writer.u32(stagingBytes)
        return writer.bytes
    }
}

/// INPUT_CHUNK reply (v2): bytes of the input staged contiguously from offset 0.
public struct InputChunkReply: Equatable, Sendable {
    public var bytesStaged: UInt32

    public init(bytesStaged: UInt32) { self.bytesStaged = bytesStaged }

    public init(payload: [UInt8]) throws(ProtocolError) {
        var reader = ByteReader(payload, message: "INPUT_CHUNK reply")
        bytesStaged = try reader.u32("bytes_staged")
    }

    public var payload: [UInt8] {
        var writer = ByteWriter()
        writer.u32(bytesStaged)
        return writer.bytes
    }
}

/// OUTPUT_CHUNK reply (v2): `bytes` of the last inference's outputs, starting at `offset`.
public struct OutputChunkReply: Equatable, Sendable {
    public var offset: UInt32
    public var bytes: [UInt8]

    public init(offset: UInt32, bytes: [UInt8]) {
        self.offset = offset
        self.bytes = bytes
    }

    public init(payload: [UInt8]) throws(ProtocolError) {
        var reader = ByteReader(payload, message: "OUTPUT_CHUNK reply")
        offset = try reader.u32("offset")
        bytes = reader.rest()
    }

    public var payload: [UInt8] {
        var writer = ByteWriter()
        writer.u32(offset)
        writer.raw(bytes)
        return writer.bytes
    }
}

/// SET_BAUD reply (v2), sent at the old rate; the board switches after it.
public struct SetBaudReply: Equatable, Sendable {
    public var baud: UInt32
    /// The board returns to its previous rate unless a valid frame arrives within this time.
    public var confirmMilliseconds: UInt32

    public init(baud: UInt32, confirmMilliseconds: UInt32) {
        self.baud = baud
        self.confirmMilliseconds = confirmMilliseconds
    }

    public init(payload: [UInt8]) throws(ProtocolError) {
        var reader = ByteReader(payload, message: "SET_BAUD reply")
        baud = try reader.u32("baud")
        confirmMilliseconds = try reader.u32("confirm_ms")
    }

    public var payload: [UInt8] {
        var writer = ByteWriter()
        writer.u32(baud)
        writer.u32(confirmMilliseconds)
        return writer.bytes
    }
}
