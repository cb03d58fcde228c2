#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The RP2040 bootrom's USB mass-storage drive (BOOTSEL mode), labelled RPI-RP2. Its INFO_UF2.TXT reads
/// `UF2 Bootloader v3.0`, `Model: Raspberry Pi RP2`, `Board-ID: RPI-RP2` (CRLF line ends); copying a UF2 onto it
/// programs the flash and reboots the board about a second after the last block.
public struct UF2Drive: Equatable, Sendable {
    /// The drive's mount point.
    public let path: String

    /// Accepts `path` when its INFO_UF2.TXT names the RP2040 bootloader (`Board-ID: RPI-RP2`).
    public init(path: String) throws(FlashError) {
        let infoPath = (path as NSString).appendingPathComponent("INFO_UF2.TXT")
        guard let info = try? String(contentsOfFile: infoPath, encoding: .utf8) else { throw .notABootloaderDrive(path: path) }
        guard Self.namesRP2040(info) else { throw .notAnRP2040Drive(path: path, info: info) }
        self.path = path
    }

    /// True when an INFO_UF2.TXT text's `Board-ID:` line is `RPI-RP2` (an RP2350 says `RP2350`).
    public static func namesRP2040(_ info: String) -> Bool {
        info.split(whereSeparator: \.isNewline).contains { line in
            let parts = line.split(separator: ":", maxSplits: 1)
            return parts.count == 2 && parts[0].trimmingCharacters(in: .whitespaces) == "Board-ID"
                && parts[1].trimmingCharacters(in: .whitespaces) == "RPI-RP2"
        }
    }

    /// Waits up to `timeout` for exactly one mounted RPI-RP2 drive among `candidates` (default: every mount point
    /// in /proc/mounts and the folders under /media/* and /run/media/*).
    public static func find(
        candidates: @Sendable () -> [String] = { mountedDirectories() }, timeout: Duration = .seconds(10)
    ) async throws(FlashError) -> UF2Drive {
        let deadline = ContinuousClock.now + timeout
        while true {
            let searched = candidates()
            let drives = searched.compactMap { try? UF2Drive(path: $0) }
            if drives.count == 1 { return drives[0] }
            if drives.count > 1 { throw .severalDrives(drives.map(\.path)) }
            if ContinuousClock.now >= deadline {
                throw .noDriveFound(searched: searched, waitedSeconds: Double(timeout.components.seconds))
            }
            do { try await Task.sleep(for: .milliseconds(250)) } catch {
                throw .noDriveFound(searched: searched, waitedSeconds: Double(timeout.components.seconds))
            }
        }
    }

    /// Mount points a BOOTSEL drive may have: /proc/mounts's, and the folders under /media/<user> and
    /// /run/media/<user> (desktop automounters).
    public static func mountedDirectories() -> [String] {
        var found: [String] = []
        if let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) {
            for line in mounts.split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count > 2 else { continue }
                // vfat drives only: the bootrom's drive is FAT, and this keeps /proc, /sys and the like out.
                guard fields[2] == "vfat" || fields[2] == "msdos" || fields[2] == "fuseblk" else { continue }
                found.append(String(fields[1]).replacingOccurrences(of: "\\040", with: " "))
            }
        }
        for root in ["/media", "/run/media"] {
            for user in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
                let folder = "\(root)/\(user)"
                for entry in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                    found.append("\(folder)/\(entry)")
                }
                found.append(folder)
            }
        }
        var seen = Set<String>()
        return found.filter { seen.insert($0).inserted }
    }

    /// Copies `uf2` onto the drive as `name` and flushes it to the device (fsync) before returning; returns the
    /// written file's path. Refuses an image that is not a whole number of 512-byte UF2 blocks for the RP2040.
    @discardableResult
    public func write(uf2: URL, name: String = "firmware.uf2") throws(FlashError) -> String {
        guard let data = try? Data(contentsOf: uf2) else { throw .imageUnusable(path: uf2.path, reason: "cannot read it") }
        let bytes = [UInt8](data)
        try Self.validate(bytes, path: uf2.path)
        let target = (path as NSString).appendingPathComponent(name)
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw .writeFailed(path: target, reason: POSIX.errorText) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { POSIX.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = POSIX.errorText
                POSIX.close(fd)
                throw .writeFailed(path: target, reason: reason)
            }
            offset += written
        }
        if fsync(fd) != 0 {
            let reason = POSIX.errorText
            POSIX.close(fd)
            throw .writeFailed(path: target, reason: "fsync: \(reason)")
        }
        POSIX.close(fd)
        return target
    }

    /// The RP2040 family id in every block's flags-present family field.
    public static let rp2040FamilyID: UInt32 = 0xE48B_FF56

    static func validate(_ bytes: [UInt8], path: String) throws(FlashError) {
        guard !bytes.isEmpty, bytes.count % 512 == 0 else {
            throw .imageUnusable(path: path, reason: "\(bytes.count) bytes is not a whole number of 512-byte UF2 blocks")
        }
        func word(_ block: Int, _ at: Int) -> UInt32 {
            let base = block * 512 + at
            return UInt32(bytes[base]) | UInt32(bytes[base + 1]) << 8 | UInt32(bytes[base + 2]) << 16 | UInt32(bytes[base + 3]) << 24
        }
        for block in 0..<(bytes.count / 512) {
            guard word(block, 0) == 0x0A32_4655, word(block, 4) == 0x9E5D_5157, word(block, 508) == 0x0AB1_6F30 else {
                throw .imageUnusable(path: path, reason: "block \(block) lacks the UF2 magic numbers")
            }
            guard word(block, 8) & 0x2000 != 0, word(block, 28) == rp2040FamilyID else {
                throw .imageUnusable(path: path, reason: "block \(block) is not for the RP2040 (family 0xE48BFF56)")
            }
        }
    }
}
