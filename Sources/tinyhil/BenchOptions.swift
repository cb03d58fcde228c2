import ArgumentParser
import Bench

/// `--bench` and `--seed`, with one meaning in every command that talks to a board (`BenchConfiguration.resolve`):
/// `virtual` (the firmware under QEMU with the simulated Pico meter), `pico-emulated` (the Pico firmware under the
/// RP2040 emulator, cycles at 125 MHz, simulated meter), a bench configuration file (board and meter,
/// docs/bench-setup.md), or a board endpoint (/dev/ttyACM0, serial:SN, tcp://host:port, unix:/path, pty:/dev/pts/N)
/// measured with the simulated meter.
struct BenchOptions: ParsableArguments {
    @Option(help: "virtual, pico-emulated, a bench configuration file (.yml), or a board endpoint (/dev/ttyACM0, serial:SN, tcp://host:port, unix:/path). Default: virtual (infer: the host engine).")
    var bench: String?

    @Option(help: "Seed of the simulated meter's noise.")
    var seed: UInt64 = 1

    @Flag(help: "A real board running another firmware build than this checkout's is flashed first (as 'firmware: reflash' in a bench configuration) instead of refused.")
    var reflash = false

    /// The bench to use; `virtual` when `--bench` was not given.
    func configuration() throws -> BenchConfiguration {
        var configuration = try BenchConfiguration.resolve(bench ?? "virtual", seed: seed)
        if reflash { configuration.firmwarePolicy = .reflash }
        return configuration
    }
}

/// `--store`: the SQLite result store, in every command that reads or writes results.
struct StoreOptions: ParsableArguments {
    @Option(help: "Result store (default: $TINYHIL_STORE or .tinyhil/results.sqlite).")
    var store: String = ResultStore.defaultPath

    func open() throws -> ResultStore { try ResultStore(path: store) }
}
