/// What a board offers a model: RAM for the tensor arena and flash for the model, after the firmware's own share.
public struct BoardLimits: Sendable, Equatable {
    public var name: String
    public var ramBytes: Int
    public var flashBytes: Int
    /// RAM the firmware needs besides the arena (stack, .data/.bss, buffers).
    public var firmwareRAMBytes: Int
    /// Flash the firmware image takes besides the model.
    public var firmwareFlashBytes: Int

    public init(name: String, ramBytes: Int, flashBytes: Int, firmwareRAMBytes: Int, firmwareFlashBytes: Int) {
        self.name = name
        self.ramBytes = ramBytes
        self.flashBytes = flashBytes
        self.firmwareRAMBytes = firmwareRAMBytes
        self.firmwareFlashBytes = firmwareFlashBytes
    }

    /// Raspberry Pi Pico (RP2040): 264 KiB SRAM, 2 MiB QSPI flash. The firmware share is TinyHIL's firmware with the
    /// engine: 24 KiB of RAM (stack, frame buffers, statics) and 64 KiB of flash, rounded up from the mps2-an385
    /// build's `arm-none-eabi-size` (the same core and engine code).
    public static let raspberryPiPico = BoardLimits(
        name: "Raspberry Pi Pico (RP2040)", ramBytes: 264 * 1024, flashBytes: 2 * 1024 * 1024,
        firmwareRAMBytes: 24 * 1024, firmwareFlashBytes: 64 * 1024)
}

