#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Builds the board firmware with `make -C <repository>/firmware board=<board>`; make decides what is stale
/// (the Makefile lists every source the ELF depends on). Concurrent builds from several test processes are
/// serialised with a lock file.
public enum FirmwareBuild {
    /// `$TINYHIL_REPOSITORY` when set, else the repository this source file belongs to
    /// (…/Sources/DeviceLink/Virtual/FirmwareBuild.swift → …).
    public static let defaultRepository: URL = {
        if let path = ProcessInfo.processInfo.environment["TINYHIL_REPOSITORY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// The ELF that `make` produces for `board` (and for a firmware version other than the Makefile's default,
    /// in a build folder of its own, so two versions can be kept and run side by side).
    public static func elf(repository: URL = defaultRepository, board: String = "mps2-an385",
                           firmwareVersion: String? = nil) -> URL {
        repository.appendingPathComponent("firmware/\(buildDirectory(board: board, firmwareVersion: firmwareVersion))/firmware.elf")
    }

    /// `build/<board>`, or `build/<board>-v<version>` for an explicit firmware version.
    static func buildDirectory(board: String, firmwareVersion: String?) -> String {
        firmwareVersion.map { "build/\(board)-v\($0)" } ?? "build/\(board)"
    }

    /// Runs make (a no-op when nothing changed) and returns the ELF's path.
    /// - Parameter firmwareVersion: bake this version into the firmware (`make FIRMWARE_VERSION=…`) instead of the
    ///   Makefile's default, e.g. to record results for two firmware versions.
    /// - Parameter lockWaitSeconds: how long to wait for another process's build (the build lock) before failing
    ///   with an error naming that process.
    public static func ensureBuilt(
        repository: URL = defaultRepository, board: String = "mps2-an385", firmwareVersion: String? = nil,
        lockWaitSeconds: Double = defaultLockWaitSeconds
    ) async throws(VirtualBoardError) -> URL {
        if let firmwareVersion, firmwareVersion.isEmpty
            || !firmwareVersion.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-+".contains($0)) }) {
            throw .firmwareBuildFailed(command: "make FIRMWARE_VERSION=\(firmwareVersion)",
                                       output: "a firmware version may hold only letters, digits and . _ - +")
        }
        let firmware = repository.appendingPathComponent("firmware")
        guard FileManager.default.fileExists(atPath: firmware.appendingPathComponent("Makefile").path) else {
            throw .repositoryNotFound(path: repository.path)
        }
        guard let make = ChildProcess.find("make") else { throw .toolMissing(name: "make") }
        guard ChildProcess.find("arm-none-eabi-gcc") != nil else { throw .toolMissing(name: "arm-none-eabi-gcc (ARM toolchain)") }
        let elf = elf(repository: repository, board: board, firmwareVersion: firmwareVersion)
        try await runBlocking { () throws(VirtualBoardError) in
            let buildLock = try takeBuildLock(waitSeconds: lockWaitSeconds)
            defer { buildLock.release() }
            let log = NSTemporaryDirectory() + "tinyhil-make-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
            defer { unlink(log) }
            var arguments = ["-C", firmware.path, "board=\(board)"]
            if let firmwareVersion {
                arguments += ["FIRMWARE_VERSION=\(firmwareVersion)",
                              "BUILD=\(buildDirectory(board: board, firmwareVersion: firmwareVersion))"]
            }
            let process = try ChildProcess(executable: make, arguments: arguments, outputPath: log)
            let status = process.waitUntilExit()
            guard status == 0 else {
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                let tail = output.split(separator: "\n", omittingEmptySubsequences: false).suffix(30).joined(separator: "\n")
                throw .firmwareBuildFailed(command: "make " + arguments.joined(separator: " "), output: tail)
            }
        }
        guard FileManager.default.fileExists(atPath: elf.path) else {
            throw .firmwareBuildFailed(command: "make -C \(firmware.path) board=\(board)", output: "no \(elf.path) after a successful make")
        }
        return elf
    }

    /// How long a build waits for another process's build by default: a cold firmware build on a loaded machine
    /// takes a few minutes.
    public static let defaultLockWaitSeconds: Double = 900

    /// Serialises builds across processes: `firmware-build.lock` in the board lock directory (see ``LockFile``).
    static func takeBuildLock(waitSeconds: Double) throws(VirtualBoardError) -> LockFile {
        let command = "flock \(BoardLock.directory)/firmware-build.lock"
        let outcome: LockFile.Outcome
        do {
            outcome = try LockFile.acquire(directory: BoardLock.directory, name: "firmware-build.lock",
                                           wait: .upTo(seconds: waitSeconds))
        } catch {
            throw .firmwareBuildFailed(command: command, output: error.description)
        }
        switch outcome {
        case let .acquired(file): return file
        case let .busy(holder, path):
            let error = LockFileError.heldTooLong(path: path, holderPID: holder, waitedSeconds: waitSeconds)
            throw .firmwareBuildFailed(command: command, output: "another firmware build is running: \(error)")
        }
    }
}
