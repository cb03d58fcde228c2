import Bench
import Foundation

/// Finds models by name for tests: `ModelFixtures.model(named: "lenet_int8")` loads `lenet_int8.tflite` from the first
/// folder that has it: `$TINYHIL_MODELS` (colon-separated folders), `./models`, `./fixtures/models`, then TinyHIL's own
/// bundled fixtures.
public enum ModelFixtures {
    public static var searchPaths: [URL] {
        var paths: [URL] = []
        if let list = ProcessInfo.processInfo.environment["TINYHIL_MODELS"] {
            paths += list.split(separator: ":").map { URL(fileURLWithPath: String($0), isDirectory: true) }
        }
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        paths.append(current.appendingPathComponent("models", isDirectory: true))
        paths.append(current.appendingPathComponent("fixtures/models", isDirectory: true))
        paths.append(bundledModels)
        return paths
    }

    /// TinyHIL's own fixture models (`fixtures/models` of this package).
    public static let bundledModels: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/models", isDirectory: true)

    public enum LookupError: Error, CustomStringConvertible {
        case notFound(name: String, searched: [URL])
        public var description: String {
            switch self {
            case let .notFound(name, searched):
                "no model '\(name).tflite' in \(searched.map(\.path).joined(separator: ", ")); set TINYHIL_MODELS to your models folder"
            }
        }
    }

    /// Loads `<name>.tflite` from the search path.
    public static func model(named name: String) throws -> ModelUnderTest {
        let file = name.hasSuffix(".tflite") ? name : name + ".tflite"
        for folder in searchPaths {
            let url = folder.appendingPathComponent(file)
            if FileManager.default.fileExists(atPath: url.path) {
                return try ModelUnderTest(contentsOf: url, name: (file as NSString).deletingPathExtension)
            }
        }
        throw LookupError.notFound(name: name, searched: searchPaths)
    }
}
