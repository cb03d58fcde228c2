import Foundation
import TinyHILTestSupport
import XCTest

/// The README's budget example is the code of `PrunedLeNetBudgets.swift` (which the HIL suite compiles and runs), so
/// it names real fixtures and cannot drift from the API.
final class ReadmeExampleTests: XCTestCase {
    func testTheReadmeShowsTheCompiledExample() throws {
        let root = Fixtures.repositoryRoot
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: root.appendingPathComponent("HILTests/PrunedLeNetBudgets.swift"), encoding: .utf8)
        let example = try XCTUnwrap(Self.between("// README-EXAMPLE-BEGIN\n", "// README-EXAMPLE-END", in: source))
        let section = try XCTUnwrap(readme.range(of: "## Writing budgets as tests"), "README lost its section")
        let block = try XCTUnwrap(Self.between("```swift\n", "```", in: String(readme[section.upperBound...])))
        XCTAssertEqual(block, example, "README's example differs from HILTests/PrunedLeNetBudgets.swift; copy it over")
    }

    static func between(_ start: String, _ end: String, in text: String) -> String? {
        guard let from = text.range(of: start), let to = text.range(of: end, range: from.upperBound..<text.endIndex) else {
            return nil
        }
        return String(text[from.upperBound..<to.lowerBound])
    }
}
