import ArgumentParser
import Bench
import Foundation

/// `--bench` and `--seed`, with one meaning in every command that talks to a board (`BenchConfiguration.resolve`):
/// `virtual` (the firmware under QEMU with the simulated Pico meter), `pico-emulated` (the Pico firmware under the
/// RP2040 emulator, cycles at 125 MHz, simulated meter), a bench configuration file (board and meter,
/// docs/bench-setup.md; `--board NAME` picks one of several), a labgrid place (`labgrid:PLACE`, docs/bench-farm.md;
/// `--wait SECONDS` waits for it when another run holds it), or a board endpoint (/dev/ttyACM0, serial:SN,
/// tcp://host:port, rfc2217://host:port, unix:/path, pty:/dev/pts/N) measured with the simulated meter.
struct BenchOptions: ParsableArguments {
    @Option(help: "virtual, pico-emulated, a bench configuration file (.yml), labgrid:PLACE, or a board endpoint (/dev/ttyACM0, serial:SN, tcp://host:port, rfc2217://host:port, unix:/path). Default: virtual (infer: the host engine).")
    var bench: String?

    @Option(help: "With a bench file listing several boards: the board to use (default: $TINYHIL_BOARD, else the file's default_board).")
    var board: String?

    @Option(help: ArgumentHelp("With a labgrid place: seconds to wait for it while another run holds it (default 0: fail at once).", valueName: "seconds"))
    var wait: Double?

    @Option(help: "Seed of the simulated meter's noise.")
    var seed: UInt64 = 1

    @Flag(help: "A real board running another firmware build than this checkout's is flashed first (as 'firmware: reflash' in a bench configuration) instead of refused.")
    var reflash = false

    /// The bench to use; `virtual` when `--bench` was not given.
    func configuration() throws -> BenchConfiguration {
        let environmentBoard = ProcessInfo.processInfo.environment["TINYHIL_BOARD"].flatMap { $0.isEmpty ? nil : $0 }
        let text = bench ?? "virtual"
        // TINYHIL_BOARD applies to bench files only, so it never spoils `--bench virtual` or an endpoint.
        let isFile = !["virtual", "pico-emulated"].contains(text) && !text.hasPrefix("/dev/")
            && FileManager.default.fileExists(atPath: text)
        var configuration = try BenchConfiguration.resolve(text, seed: seed, board: board ?? (isFile ? environmentBoard : nil))
        if reflash { configuration.firmwarePolicy = .reflash }
        if let wait {
            guard wait >= 0, wait.isFinite else { throw ValidationError("--wait must be zero or more seconds") }
            guard case .labgridPlace = configuration.board else {
                throw ValidationError("--wait applies to a labgrid place (--bench labgrid:PLACE, or 'labgrid:' in the bench file), not to \(configuration.board)")
            }
            configuration.labgridWait = .milliseconds(Int64(wait * 1000))
        }
        return configuration
    }
}

/// `--store`: the SQLite result store, in every command that reads or writes results.
struct StoreOptions: ParsableArguments {
    @Option(help: "Result store (default: $TINYHIL_STORE or .tinyhil/results.sqlite).")
    var store: String = ResultStore.defaultPath

    func open() throws -> ResultStore { try ResultStore(path: store) }
}
