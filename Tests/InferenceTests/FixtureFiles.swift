import Foundation
import TinyHILTestSupport

/// A committed fixture file that a test needs but that is absent: the test fails (never skips), saying how to
/// make the file.
struct MissingFixture: Error, CustomStringConvertible {
    let path: String
    var description: String {
        "fixture \(path) is missing: merge main, or regenerate the fixtures as fixtures/README.md says "
            + "(`ci/python-env --fixtures && .venv-tinyhil/bin/python fixtures/make_fixtures.py`)"
    }
}

enum FixtureFiles {
    /// `fixtures/<relativePath>`, or `MissingFixture` when it does not exist.
    static func require(_ relativePath: String) throws -> URL {
        let url = Fixtures.root.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else { throw MissingFixture(path: url.path) }
        return url
    }
}
