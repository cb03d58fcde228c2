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

/// Why a board last booted (HELLO v2).
public enum BootReason: UInt8, Sendable, CustomStringConvertible {
    case powerOn = 0
    /// The watchdog rebooted a board that stopped feeding it (a runaway command or a fault).
    case watchdog = 1
    /// RESET 1 or the firmware's own reboot.
    case requested = 2

    public var description: String {
        switch self {
        case .powerOn: "power-on"
        case .watchdog: "watchdog"
        case .requested: "requested reboot"
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
    /// v2: independent model slots (LOAD_BEGIN's slot, SELECT).
    public var slotCount: UInt8
    /// v2: the slot whose model is prepared, or nil.
    public var selectedSlot: UInt8?
    /// v2: why the board last booted.
    public var bootReason: BootReason
    /// v2: the most inferences one RUN_WINDOW accepts.
    public var maxWindowInferences: UInt32
    /// v2: a RUN_WINDOW stops early after this much board time.
    public var maxWindowMilliseconds: UInt32
    /// v2: after SET_BAUD the board returns to its previous rate unless a valid frame arrives within this time.
    public var baudConfirmMilliseconds: UInt32
    /// v2, added December 2026 (issue 14): the board's own serial number (RP2040: the flash chip's unique ID in hex; the virtual
    /// mps2-an385 board: the fixed "qemu-mps2-an385"), nil when the firmware predates the field or reports none.
    public var serialNumber: String?

    /// Flag bit 0: models are written to flash, LOAD_BEGIN may take long.
    public var storesModelsInFlash: Bool { flags & 0x01 != 0 }
    /// Flag bit 1: a marker GPIO exists.
    public var hasMarkerGPIO: Bool { flags & 0x02 != 0 }
    /// Flag bit 2: `RESET 2` reboots the board into its USB bootloader (``ResetKind/bootloader``).
    public var hasUSBBootloader: Bool { flags & 0x04 != 0 }

    public init(
        protocolVersion: UInt8 = Frame.protocolVersion, counterUnit: CounterUnit, maxPayloadBytes: UInt16,
        maxOutstanding: UInt8, flags: UInt8, cpuHz: UInt32, ramBytes: UInt32, modelCapacityBytes: UInt32,
        arenaCapacityBytes: UInt32, framesDropped: UInt32, bootCount: UInt32, firmwareVersion: String,
        buildID: String, boardName: String, engineVersion: String, supportedOperators: [UInt16], slotCount: UInt8 = 1,
        selectedSlot: UInt8? = nil, bootReason: BootReason = .powerOn, maxWindowInferences: UInt32 = 1_000_000,
        maxWindowMilliseconds: UInt32 = 600_000, baudConfirmMilliseconds: UInt32 = 2000, serialNumber: String? = nil
    ) {
        self.serialNumber = serialNumber
        self.slotCount = slotCount
        self.selectedSlot = selectedSlot
        self.bootReason = bootReason
        self.maxWindowInferences = maxWindowInferences
        self.maxWindowMilliseconds = maxWindowMilliseconds
        self.baudConfirmMilliseconds = baudConfirmMilliseconds
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
        slotCount = try reader.u8("slot_count")
        let selected = try reader.u8("selected_slot")
        selectedSlot = selected == 0xFF ? nil : selected
        let reason = try reader.u8("boot_reason")
        guard let bootReason = BootReason(rawValue: reason) else {
            throw .invalidValue(message: "HELLO reply", field: "boot_reason", value: Int64(reason))
        }
        self.bootReason = bootReason
        maxWindowInferences = try reader.u32("max_window_inferences")
        maxWindowMilliseconds = try reader.u32("max_window_ms")
        baudConfirmMilliseconds = try reader.u32("baud_confirm_ms")
        // Firmware built before the field ends here; an empty string is a board that could not read its ID.
        let serial = reader.remaining > 0 ? try reader.string("serial_number") : ""
        serialNumber = serial.isEmpty ? nil : serial
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
        writer.u8(slotCount)
        writer.u8(selectedSlot ?? 0xFF)
        writer.u8(bootReason.rawValue)
        writer.u32(maxWindowInferences)
        writer.u32(maxWindowMilliseconds)
        writer.u32(baudConfirmMilliseconds)
        if let serialNumber { writer.string(serialNumber) }
        return writer.bytes
    }
}
