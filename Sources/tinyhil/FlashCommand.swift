import ArgumentParser
import Bench
import DeviceLink
import Foundation

/// `tinyhil flash`: puts this checkout's Pico firmware (`make -C firmware board=pico`, built when stale) on a
/// Raspberry Pi Pico, through the bootrom's RPI-RP2 drive (BOOTSEL) or a CMSIS-DAP probe with OpenOCD, then
/// confirms that the board answers HELLO with the flashed build id.
struct FlashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flash",
        abstract: "Flash this checkout's Pico firmware (BOOTSEL drive or OpenOCD) and confirm its build id over the UART.",
        usage: "tinyhil flash [--bench <bench>] [--via <via>] [<options>]",  // fits 80 columns
        discussion: """
            BOOTSEL: hold the Pico's BOOTSEL button while plugging it in; its RPI-RP2 drive must be mounted (found in \
            /proc/mounts, /media/USER or /run/media/USER, or given with --drive). OpenOCD (--via openocd): a Raspberry Pi \
            Debug Probe or picoprobe on SWD. Afterwards the board must answer HELLO at --bench (default: the one serial \
            port with a Raspberry Pi USB id, e.g. the Debug Probe's UART) with the flashed build.
            """
    )

    @Option(help: "The board's endpoint (/dev/ttyACM0, serial:SN, tcp://host:port) or a bench configuration file; where HELLO confirms the flash.")
    var bench: String?

    @Option(help: "bootsel (copy the UF2 to the RPI-RP2 drive) or openocd (CMSIS-DAP probe). Default: the bench configuration's flash_via, else bootsel.")
    var via: FlashMethod?

    @Option(help: "The RPI-RP2 drive's mount point (default: find it).")
    var drive: String?

    @Option(help: "Seconds to wait for the RPI-RP2 drive to appear.")
    var driveTimeout: Int = 10

    @Option(help: "Seconds to wait for the board to answer HELLO after flashing.")
    var timeout: Int = 20

    @Option(help: "The openocd executable.")
    var openocd: String = "openocd"

    @Flag(help: "Only flash; do not wait for HELLO.")
    var noConfirm = false

    func validate() throws {
        if driveTimeout < 0 || timeout < 1 { throw ValidationError("--drive-timeout must be ≥ 0 and --timeout ≥ 1 second") }
    }

    func run() async throws {
        var method = via ?? .bootsel
        var endpoint: DeviceEndpoint?
        if let bench {
            let configuration = try BenchConfiguration.resolve(bench)
            switch configuration.board {
            case .virtual, .emulatedPico:
                throw ValidationError("--bench \(bench) is an emulated board: it boots this checkout's build by itself; there is nothing to flash.")
            case let .labgridPlace(place):
                throw ValidationError("--bench \(bench) is a labgrid place: flash its Pico on the bench host that holds it (tinyhil flash there, or labgrid's own flashing), not through the coordinator. Place: \(place).")
            default: endpoint = configuration.board
            }
            if via == nil { method = configuration.flashMethod }
        } else if !noConfirm {
            endpoint = try Self.onlyRaspberryPiPort()
        }
        let flasher = PicoFlasher(
            method: method, drive: drive, driveTimeout: .seconds(driveTimeout), returnTimeout: .seconds(timeout),
            openOCD: OpenOCDFlasher(executable: openocd))
        let outcome = try await flasher.flashPico(confirmingAt: noConfirm ? nil : endpoint)
        if let file = outcome.writtenFile { print("wrote \(file)") }
        if noConfirm || endpoint == nil {
            print("flashed firmware \(outcome.identity) (not confirmed over the UART)")
        } else if let endpoint {
            print("the board at \(endpoint) runs firmware \(outcome.identity)")
        }
    }

    /// The one serial port with a Raspberry Pi USB vendor id (Debug Probe UART), else a usage error.
    static func onlyRaspberryPiPort() throws -> DeviceEndpoint {
        let ports = ((try? SerialPortInfo.all()) ?? []).filter { $0.likelyKind == .raspberryPiBoard }
        guard ports.count == 1 else {
            throw ValidationError(ports.isEmpty
                ? "no serial port with a Raspberry Pi USB id to confirm the flash on: pass --bench /dev/ttyACM0 (see tinyhil devices) or --no-confirm"
                : "several Raspberry Pi serial ports (\(ports.map(\.path).joined(separator: ", "))): pass the board's with --bench")
        }
        return .serialPath(ports[0].path)
    }
}

extension FlashMethod: ExpressibleByArgument {}
