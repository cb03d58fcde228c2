/// What the performance counter in INFER/PROFILE/RUN_WINDOW replies counts.
public enum CounterUnit: UInt8, Sendable, CustomStringConvertible {
    case cpuCycles = 0
    /// Instructions executed (QEMU `-icount`): deterministic, not M0+ cycles.
    case instructions = 1
    case microseconds = 2

    public var description: String {
        switch self {
        case .cpuCycles: "CPU cycles"
        case .instructions: "instructions (QEMU -icount, not cycles)"
        case .microseconds: "microseconds"
        }
    }
}

/// The board's HELLO reply: versions, capacities, counters (docs/protocol.md §2 "HELLO reply").
public struct HelloReply: Equatable, Sendable {
    public var protocolVersion: UInt8
    public var counterUnit: CounterUnit
    public var maxPayloadBytes: UInt16
    public var maxOutstanding: UInt8
    public var flags: UInt8
    public var cpuHz: UInt32
    public var ramBytes: UInt32
    public var modelCapacityBytes: UInt32
    public var arenaCapacityBytes: UInt32
    public var framesDropped: UInt32
    public var bootCount: UInt32
    public var firmwareVersion: String
    public var buildID: String
    public var boardName: String
    public var engineVersion: String
    public var supportedOperators: [UInt16]

    /// Flag bit 0: models are written to flash, LOAD_BEGIN may take long.
    public var storesModelsInFlash: Bool { flags & 0x01 != 0 }
    /// Flag bit 1: a marker GPIO exists.
    public var hasMarkerGPIO: Bool { flags & 0x02 != 0 }

    public init(
        protocolVersion: UInt8 = Frame.protocolVersion, counterUnit: CounterUnit, maxPayloadBytes: UInt16,
        maxOutstanding: UInt8, flags: UInt8, cpuHz: UInt32, ramBytes: UInt32, modelCapacityBytes: UInt32,
        arenaCapacityBytes: UInt32, framesDropped: UInt32, bootCount: UInt32, firmwareVersion: String,
        buildID: String, boardName: String, engineVersion: String, supportedOperators: [UInt16]
    ) {
        self.protocolVersion = protocolVersion
        self.counterUnit = counterUnit
        self.maxPayloadBytes = maxPayloadBytes
        self.maxOutstanding = maxOutstanding
        self.flags = flags
        self.cpuHz = cpuHz
        self.ramBytes = ramBytes
        self.modelCapacityBytes = modelCapacityBytes
        self.arenaCapacityBytes = arenaCapacityBytes
        self.framesDropped = framesDropped
        self.bootCount = bootCount
        self.firmwareVersion = firmwareVersion
        self.buildID = buildID
        self.boardName = boardName
        self.engineVersion = engineVersion
        self.supportedOperators = supportedOperators
    }

    public init(payload: [UInt8]) throws(ProtocolError) {
        var reader = ByteReader(payload, message: "HELLO reply")
        protocolVersion = try reader.u8("protocol_version")
        let unit = try reader.u8("counter_unit")
        guard let counterUnit = CounterUnit(rawValue: unit) else {
            throw .invalidValue(message: "HELLO reply", field: "counter_unit", value: Int64(unit))
        }
        self.counterUnit = counterUnit
        maxPayloadBytes = try reader.u16("max_payload")
        maxOutstanding = try reader.u8("max_outstanding")
        flags = try reader.u8("flags")
        cpuHz = try reader.u32("cpu_hz")
        ramBytes = try reader.u32("ram_bytes")
        modelCapacityBytes = try reader.u32("model_capacity_bytes")
        arenaCapacityBytes = try reader.u32("arena_capacity_bytes")
        framesDropped = try reader.u32("frames_dropped")
        bootCount = try reader.u32("boot_count")
        firmwareVersion = try reader.string("firmware_version")
        buildID = try reader.string("build_id")
        boardName = try reader.string("board_name")
        engineVersion = try reader.string("engine_version")
        let count = Int(try reader.u8("supported_op_count"))
        var operators: [UInt16] = []
        for index in 0..<count { operators.append(try reader.u16("supported op \(index)")) }
        supportedOperators = operators
    }

    public var payload: [UInt8] {
        var writer = ByteWriter()
        writer.u8(protocolVersion)
        writer.u8(counterUnit.rawValue)
        writer.u16(maxPayloadBytes)
        writer.u8(maxOutstanding)
        writer.u8(flags)
        writer.u32(cpuHz)
        writer.u32(ramBytes)
        writer.u32(modelCapacityBytes)
        writer.u32(arenaCapacityBytes)
        writer.u32(framesDropped)
        writer.u32(bootCount)
        writer.string(firmwareVersion)
        writer.string(buildID)
        writer.string(boardName)
        writer.string(engineVersion)
        writer.u8(UInt8(min(supportedOperators.count, 255)))
        for code in supportedOperators.prefix(255) { writer.u16(code) }
        return writer.bytes
    }
}
