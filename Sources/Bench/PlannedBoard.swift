import Foundation

/// Boards `--bench` will name once they exist. Resolving one of these gives a typed "not available yet" error
/// instead of a guess (such as reading the name as a file or an endpoint).
///
/// The slot for the emulated Pico: when `Sources/DeviceLink/Virtual/EmulatedPico.swift` offers a `Board` (the RP2040
/// firmware under the Python emulator, UART0 on a pty/socket, marker edges with cycle stamps), remove its entry here,
/// give `BenchConfiguration` a board choice for it, and open it in `BenchConfiguration.openBoard()`.
enum PlannedBoard {
    static let names: [String: String] = [:]

    static func refuse(_ text: String) throws(BenchError) {
        let name = text.trimmingCharacters(in: .whitespaces)
        if let reason = names[name] { throw .boardNotAvailable(name: name, reason: reason) }
    }
}
