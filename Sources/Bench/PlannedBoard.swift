import Foundation

/// Boards `--bench` will name once they exist. Resolving one of these gives a typed "not available yet" error
/// instead of a guess (such as reading the name as a file or an endpoint).
///
/// Empty since the emulated Pico arrived (`pico-emulated` is `DeviceEndpoint.emulatedPico`); a board kind that is
/// named before it exists gets an entry here.
enum PlannedBoard {
    static let names: [String: String] = [:]

    static func refuse(_ text: String) throws(BenchError) {
        let name = text.trimmingCharacters(in: .whitespaces)
        if let reason = names[name] { throw .boardNotAvailable(name: name, reason: reason) }
    }
}
