import Bench
import Footprint
import IssueReporting
import TFLite

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

/// Fails unless `model` fits `board`: its TFLite Micro arena (exact planned head + the documented persistent estimate)
/// in the RAM left by the firmware, and the model in the flash left by the firmware. Returns the footprint.
@discardableResult
public func assertFits(
    _ model: ModelUnderTest, on board: BoardLimits = .raspberryPiPico,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) -> ModelFootprint? {
    let footprint: ModelFootprint
    do {
        footprint = try ModelFootprint(model: try Model(bytes: model.bytes), fileBytes: model.bytes.count)
    } catch {
        reportIssue("footprint of \(model.name) could not be computed: \(error)",
                    fileID: fileID, filePath: filePath, line: line, column: column)
        return nil
    }
    let ramAvailable = board.ramBytes - board.firmwareRAMBytes
    let flashAvailable = board.flashBytes - board.firmwareFlashBytes
    var problems: [String] = []
    if footprint.arenaTotalBytes > ramAvailable {
        problems.append("RAM: arena \(footprint.arenaTotalBytes) B (head \(footprint.arenaHeadBytes) B exact + persistent ≈ \(footprint.persistentEstimate.totalBytes) B) > \(ramAvailable) B available (\(board.ramBytes) B − \(board.firmwareRAMBytes) B firmware)")
    }
    if footprint.flashBytes > flashAvailable {
        problems.append("flash: model \(footprint.flashBytes) B > \(flashAvailable) B available (\(board.flashBytes) B − \(board.firmwareFlashBytes) B firmware)")
    }
    Evidence.logBudget("fits \(board.name)", subject: model.name,
                       measured: "arena \(footprint.arenaTotalBytes) B, model \(footprint.flashBytes) B",
                       budget: "RAM ≤ \(ramAvailable) B, flash ≤ \(flashAvailable) B", passed: problems.isEmpty,
                       fileID: fileID, line: line)
    if !problems.isEmpty {
        reportIssue("\(model.name) does not fit \(board.name): " + problems.joined(separator: "; "),
                    fileID: fileID, filePath: filePath, line: line, column: column)
    }
    return footprint
}
