import Foundation

/// Locations of the committed fixtures (models, data, TFLM oracle outputs), found relative to this source file
/// so tests run from any working directory.
public enum Fixtures {
    /// The repository's `fixtures/` folder.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TinyHILTestSupport
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()  // repository root
        .appendingPathComponent("fixtures", isDirectory: true)

    /// `fixtures/models/<name>.tflite`
    public static func model(_ name: String) -> URL {
        root.appendingPathComponent("models/\(name).tflite")
    }

    /// Bytes of `fixtures/models/<name>.tflite`.
    public static func modelBytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: model(name)))
    }

    /// The repository root (parent of `fixtures/`).
    public static var repositoryRoot: URL { root.deletingLastPathComponent() }
}
