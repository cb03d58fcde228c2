import Foundation
import Testing
import TFLite
import TinyHILTestSupport
@testable import Footprint

/// The planner against TFLite Micro's own figures: every `X.tflm_arena.json` next to a fixture model holds the
/// head/tail that TFLM's RecordingMicroAllocator reported for `X.tflite` (see fixtures/make_fixtures.py).
@Suite struct FixtureArenaTests {
    struct Recorded: Decodable {
        var head: Int
        var tail: Int
        var total: Int
    }

    /// (model URL, recorded arena) for every fixture that has both files.
    static func fixtures() -> [(URL, Recorded)] {
        var found: [(URL, Recorded)] = []
        for folder in ["models", "ops", "unseen"] {
            let directory = Fixtures.root.appendingPathComponent(folder, isDirectory: true)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".tflm_arena.json") {
                let stem = String(name.dropLast(".tflm_arena.json".count))
                let model = directory.appendingPathComponent(stem + ".tflite")
                guard FileManager.default.fileExists(atPath: model.path),
                      let data = try? Data(contentsOf: directory.appendingPathComponent(name)),
                      let recorded = try? JSONDecoder().decode(Recorded.self, from: data) else { continue }
                found.append((model, recorded))
            }
        }
        return found
    }

    @Test func fixturesArePresent() {
        // The LeNet fixtures are committed with the repository; without them the other tests would pass vacuously.
        let names = Self.fixtures().map { $0.0.lastPathComponent }
        #expect(names.contains("lenet_int8.tflite"))
        #expect(names.contains("lenet_float32.tflite"))
        #expect(names.contains("kws_dscnn_int8_align4.tflite"))  // fixtures/unseen: 4-byte aligned buffers
        #expect(names.count >= 40)
    }

    @Test func plannedHeadEqualsTFLMHeadOnEveryFixture() throws {
        for (url, recorded) in Self.fixtures() {
            let model = try Model(contentsOf: url)
            let footprint = try ModelFootprint(model: model)
            #expect(footprint.unmodelledOperators.isEmpty, "\(url.lastPathComponent)")
            #expect(footprint.arenaHeadBytes == recorded.head, "\(url.lastPathComponent)")
        }
    }

    @Test func persistentEstimateOf64BitBuildIsWithinItsStatedError() throws {
        // The fixtures' tails come from a 64-bit host build with the recording allocator; the same estimator with
        // that build's struct sizes must land within the error the 32-bit estimate claims.
        for (url, recorded) in Self.fixtures() {
            let model = try Model(contentsOf: url)
            let footprint = try ModelFootprint(model: model, profile: .host64Recording)
            let error = footprint.persistentEstimate.totalBytes - recorded.tail
            let head = footprint.arenaHeadBytes
            print("arena \(url.lastPathComponent): head \(head) (TFLM \(recorded.head)), 64-bit tail estimate "
                + "\(footprint.persistentEstimate.totalBytes) (TFLM \(recorded.tail), error \(error))")
            #expect(abs(error) <= PersistentArenaEstimate.knownErrorBytes,
                    "\(url.lastPathComponent): estimate \(footprint.persistentEstimate.totalBytes), TFLM \(recorded.tail)")
        }
    }
}

extension FixtureArenaTests {
    @Test func flashEstimateIsCloseToTheFileSize() throws {
        // Without the file, flash is estimated from the Model value; on the fixture models (converter output)
        // it stays within 2.5 % of the real size (2.2 % on vww_int8, whose 22 KB carry many small layers' metadata;
        // ≤ 0.8 % on the others). Single-operator models are tiny and only printed.
        for (url, _) in Self.fixtures() {
            let bytes = try Data(contentsOf: url).count
            let estimate = try ModelFootprint(model: try Model(contentsOf: url)).flashBytes
            print("flash \(url.lastPathComponent): estimate \(estimate), file \(bytes)")
            if url.deletingLastPathComponent().lastPathComponent == "models" {
                #expect(abs(estimate - bytes) * 40 <= bytes, "\(url.lastPathComponent): \(estimate) vs \(bytes)")
            }
        }
    }
}
