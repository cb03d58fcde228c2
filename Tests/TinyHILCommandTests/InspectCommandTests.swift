import Foundation
import Testing
import TFLite
import TinyHILTestSupport

@testable import tinyhil

/// `tinyhil inspect --json` carries the weight-encoding table: per weight tensor its encoding, non-zeros, stored
/// and dense bytes and the flash saved.
@Suite struct InspectCommandTests {
    private func weights(of path: String) throws -> [[String: Any]] {
        let text = try Inspect.parse([path, "--json"]).output()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["totals"] != nil, "the footprint keys stay")
        return try #require(object["weights"] as? [[String: Any]])
    }

    @Test func denseLeNetListsEveryWeightTensorWithItsNonZeroBytes() throws {
        let path = Fixtures.model("lenet_int8").path
        let rows = try weights(of: path)
        // The fixture LeNet has two CONV_2D and three FULLY_CONNECTED layers.
        #expect(rows.count == 5)
        let model = try Model(bytes: try Fixtures.modelBytes("lenet_int8"))
        let tensors = model.subgraphs[0].tensors
        for row in rows {
            let name = try #require(row["tensor"] as? String)
            let tensor = try #require(tensors.first { $0.name == name })
            let data = model.buffers[tensor.buffer].data
            #expect(row["encoding"] as? String == "dense")
            #expect(row["elements"] as? Int == data.count)
            #expect(row["nonzeros"] as? Int == data.filter { $0 != 0 }.count)
            #expect(row["stored_bytes"] as? Int == data.count)
            #expect(row["flash_saved_bytes"] as? Int == 0)
        }
    }

    @Test func sparseLeNetShowsItsEncodingAndTheFlashItSaves() throws {
        let path = Fixtures.root.appendingPathComponent("sparse/lenet_magnitude_pruned_sparse_int8.tflite").path
        let rows = try weights(of: path)
        let sparse = rows.filter { $0["encoding"] as? String == "THS1 sparse" }
        #expect(!sparse.isEmpty)
        // The same weights stored densely: the fixture this one encodes (fixtures/make_sparse_fixtures.py).
        let denseTwin = try Model(bytes: try Fixtures.modelBytes("lenet_magnitude_pruned_int8"))
        for row in sparse {
            let name = try #require(row["tensor"] as? String)
            let twin = try #require(denseTwin.subgraphs[0].tensors.first { $0.name == name })
            #expect(row["nonzeros"] as? Int == denseTwin.buffers[twin.buffer].data.filter { $0 != 0 }.count)
            let elements = try #require(row["elements"] as? Int)
            let nonzeros = try #require(row["nonzeros"] as? Int)
            let stored = try #require(row["stored_bytes"] as? Int)
            let dense = try #require(row["dense_bytes"] as? Int)
            // The fixture is 75 % magnitude-pruned (fixtures/make_sparse_fixtures.py).
            #expect(Double(nonzeros) <= 0.26 * Double(elements))
            // THS1 stores 1.5 B per non-zero at best (firmware/engine/README.md, "Sparse weights").
            #expect(stored >= nonzeros * 3 / 2 && stored < dense)
            #expect(row["flash_saved_bytes"] as? Int == dense - stored)
        }
    }
}
