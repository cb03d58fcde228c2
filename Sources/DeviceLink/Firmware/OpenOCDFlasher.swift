import Foundation

/// Flashes an ELF through a CMSIS-DAP debug probe (Raspberry Pi Debug Probe, picoprobe) with OpenOCD:
/// `openocd -f interface/cmsis-dap.cfg -c "adapter speed 5000" -f target/rp2040.cfg -c "program ELF verify reset exit"`
/// (Debian's openocd 0.12 ships both configuration files). The board runs the new firmware when this returns.
public struct OpenOCDFlasher: Sendable {
    /// `openocd`'s path, or a name looked up on PATH.
    public var executable: String
    /// How long programming may take before openocd is stopped (a 100 KB image takes a few seconds at 5 MHz SWD).
    public var timeout: Duration

    public init(executable: String = "openocd", timeout: Duration = .seconds(120)) {
        self.executable = executable
        self.timeout = timeout
    }

    /// The arguments that program and verify `elf`, then reset the board.
    public static func arguments(elf: URL) -> [String] {
        ["-f", "interface/cmsis-dap.cfg", "-c", "adapter speed 5000", "-f", "target/rp2040.cfg",
         "-c", "program \(elf.path) verify reset exit"]
    }

    /// Programs `elf`; throws `openOCDMissing`, `openOCDFailed` (with openocd's output) or `openOCDTimedOut`.
    public func program(elf: URL) async throws(FlashError) {
        guard FileManager.default.fileExists(atPath: elf.path) else {
            throw .imageUnusable(path: elf.path, reason: "no such file")
        }
        guard let openocd = ChildProcess.find(executable) else {
            throw .openOCDMissing(tried: executable.contains("/") ? executable : "\(executable) on PATH")
        }
        let arguments = Self.arguments(elf: elf)
        let command = ([openocd] + arguments.map { $0.contains(" ") ? "\"\($0)\"" : $0 }).joined(separator: " ")
        let log = NSTemporaryDirectory() + "tinyhil-openocd-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        defer { unlink(log) }
        let process: ChildProcess
        do { process = try ChildProcess(executable: openocd, arguments: arguments, outputPath: log) } catch {
            throw .openOCDFailed(command: command, status: -1, output: "\(error)")
        }
        let deadline = ContinuousClock.now + timeout
        while process.exitCode == nil {
            if ContinuousClock.now >= deadline {
                process.terminate(grace: .seconds(1))
                throw .openOCDTimedOut(command: command, seconds: Double(timeout.components.seconds), output: Self.tail(log))
            }
            do { try await Task.sleep(for: .milliseconds(50)) } catch {
                process.terminate(grace: .zero)
                throw .openOCDTimedOut(command: command, seconds: 0, output: "cancelled")
            }
        }
        let status = process.exitCode ?? -1
        guard status == 0 else {
            let exited = status & 0x7F == 0
            throw .openOCDFailed(command: command, status: exited ? (status >> 8) & 0xFF : status, output: Self.tail(log))
        }
    }

    static func tail(_ path: String, lines: Int = 25) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
