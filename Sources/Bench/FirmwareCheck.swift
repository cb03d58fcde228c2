import DeviceLink
import Foundation

/// A board that answered HELLO with other firmware than the host expects.
public struct FirmwareMismatch: Error, Equatable, Sendable, CustomStringConvertible {
    public var endpoint: String
    public var boardName: String
    public var reported: FirmwareIdentity
    /// Nil when TinyHIL has no firmware for `boardName`.
    public var expected: FirmwareIdentity?

    public var description: String {
        guard let expected else {
            return "the board at \(endpoint) reports itself as '\(boardName)' (\(reported)), a board TinyHIL builds no "
                + "firmware for (known: \(FirmwareIdentity.boardFolders.keys.sorted().joined(separator: ", "))). Flash "
                + "the Pico firmware with `tinyhil flash --bench \(endpoint)`, or accept any firmware with 'firmware: any' "
                + "in the bench configuration."
        }
        let fix: String
        if FirmwareIdentity.firmwareBoard(forBoardName: boardName) == "pico" {
            fix = "Put the Pico in BOOTSEL mode (hold BOOTSEL while plugging it in) and run `tinyhil flash --bench \(endpoint)` "
                + "(or `tinyhil flash --via openocd --bench \(endpoint)` with a debug probe), or open the bench with --reflash "
                + "('firmware: reflash' in the bench configuration) to flash it automatically; 'firmware: any' skips this check."
        } else {
            fix = "Restart the board with the firmware built by `make -C firmware board=\(FirmwareIdentity.firmwareBoard(forBoardName: boardName) ?? boardName)`, "
                + "or set 'firmware: any' in the bench configuration to skip this check."
        }
        return "the board at \(endpoint) runs firmware \(reported), but this checkout builds \(expected) for '\(boardName)'. " + fix
    }
}

extension BenchConfiguration {
    /// Checks the firmware `board` (opened from this configuration's endpoint) reports against the host's build,
    /// following `firmwarePolicy`. Returns the board to use: `board` itself, or a reopened one after reflashing.
    /// On a mismatch that is not fixed, closes `board` and throws `BenchError.firmwareMismatch`.
    /// - Parameters:
    ///   - expected: the identity the host expects for a firmware folder (default: `FirmwareIdentity.expected`,
    ///     which builds the firmware when stale).
    ///   - flasher: how `FirmwarePolicy.reflash` flashes (nil: a mismatch is an error whatever the policy).
    ///   - reopen: opens the board again after reflashing.
    public func verifyFirmware(
        of board: any Board,
        expected: @Sendable (String) async throws -> FirmwareIdentity = { try await FirmwareIdentity.expected(board: $0) },
        flasher: (any BoardFlasher)?,
        reopen: () async throws -> any Board
    ) async throws(BenchError) -> any Board {
        guard firmwarePolicy != .any else { return board }
        do {
            let facts = try await board.facts()
            let reported = FirmwareIdentity(facts)
            guard let folder = FirmwareIdentity.firmwareBoard(forBoardName: facts.boardName) else {
                throw BenchError.firmwareMismatch(FirmwareMismatch(
                    endpoint: self.board.description, boardName: facts.boardName, reported: reported, expected: nil))
            }
            let wanted = try await expected(folder)
            if reported == wanted { return board }
            let mismatch = FirmwareMismatch(
                endpoint: self.board.description, boardName: facts.boardName, reported: reported, expected: wanted)
            guard firmwarePolicy == .reflash, let flasher else { throw BenchError.firmwareMismatch(mismatch) }
            await board.close()
            do { try await flasher.flash(firmwareBoard: folder, endpoint: self.board) } catch {
                throw BenchError.reflashFailed(mismatch, reason: "\(error)")
            }
            let fresh = try await reopen()
            let after = FirmwareIdentity(try await fresh.facts())
            guard after == wanted else {
                await fresh.close()
                var still = mismatch
                still.reported = after
                throw BenchError.reflashFailed(still, reason: "after flashing, the board still reports \(after)")
            }
            return fresh
        } catch let error as BenchError {
            await board.close()
            throw error
        } catch let error as DeviceError {
            await board.close()
            throw .device(error)
        } catch {
            await board.close()
            throw .invalidRequest("cannot check the firmware of the board at \(self.board): \(error)")
        }
    }
}

extension BenchConfiguration {
    /// How `FirmwarePolicy.reflash` flashes this configuration's board: `flashMethod` (`flash_via:`), waiting up to
    /// 60 s for the RPI-RP2 drive (time to hold BOOTSEL and replug) and 30 s for the board to answer.
    var defaultFlasher: (any BoardFlasher)? {
        PicoFlasher(method: flashMethod, driveTimeout: .seconds(60), returnTimeout: .seconds(30))
    }
}
