import Foundation
import Testing
import TFLite
import TinyHILTestSupport
@testable import Footprint

@Suite struct ReportAndSizeTests {
    @Test func jsonCarriesTheDocumentedKeys() throws {
        let bytes = try Fixtures.modelBytes("lenet_int8")
        let footprint = try ModelFootprint(model: try Model(bytes: bytes), fileBytes: bytes.count)
        let report = FootprintReport(model: "lenet_int8.tflite", footprint: footprint,
                                     gzipBytes: try CompressedSize.gzipBytes(of: bytes))
        let object = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any]
        let totals = try #require(object?["totals"] as? [String: Any])
        for key in ["params", "macs", "flash_bytes", "arena_bytes", "arena_total_bytes", "gzip_bytes"] {
            #expect(totals[key] is Int, "totals.\(key)")
        }
        #expect(totals["arena_bytes"] as? Int == footprint.arenaHeadBytes)
        #expect(totals["flash_bytes"] as? Int == bytes.count)
        let layers = try #require(object?["layers"] as? [[String: Any]])
        #expect(layers.count == 9)
        for layer in layers {
            for key in ["index", "op", "input_shapes", "output_shapes", "params", "macs", "weight_bytes",
                        "activation_bytes", "sparsity"] {
                #expect(layer[key] != nil, "layers[].\(key)")
            }
        }
        #expect(report.text().contains("FULLY_CONNECTED"))
    }

    @Test func arenaTotalIsHeadPlusPersistentEstimate() throws {
        let footprint = try ModelFootprint(model: try Model(contentsOf: Fixtures.model("lenet_int8")))
        let sum = footprint.arenaHeadBytes + footprint.persistentEstimate.totalBytes
        #expect(footprint.arenaTotalBytes >= sum && footprint.arenaTotalBytes < sum + 16)
        // The 32-bit build needs less persistent memory than the 64-bit one it was checked against.
        let host = try ModelFootprint(model: try Model(contentsOf: Fixtures.model("lenet_int8")),
                                      profile: .host64Recording)
        #expect(footprint.persistentEstimate.totalBytes < host.persistentEstimate.totalBytes)
    }

    @Test func gzipShrinksZerosAndNotNoise() throws {
        // 64 KiB of zeros deflate to a few hundred bytes at most; pseudo-random bytes do not shrink
        // (gzip adds an 18-byte header/trailer and stored-block overhead).
        let zeros = try CompressedSize.gzipBytes(of: [UInt8](repeating: 0, count: 65_536))
        #expect(zeros > 18 && zeros < 300)
        var state: UInt32 = 12_345
        let noise = (0..<65_536).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        #expect(try CompressedSize.gzipBytes(of: noise) >= 65_536)
        #expect(try CompressedSize.gzipBytes(of: []) == 20)  // header 10 + empty final block 2 + trailer 8
    }

    @Test func sparsityCountsQuantizedZerosPerChannel() {
        // int8 per-channel along dimension 0 with zero points [0, 3]: channel 0 = [0, 1], channel 1 = [3, 3].
        let tensor = TFLite.Tensor(
            shape: [2, 2], type: .int8,
            quantization: QuantizationParameters(scale: [1, 1], zeroPoint: [0, 3], quantizedDimension: 0))
        let counted = WeightSparsity.count(tensor, data: [0, 1, 3, 3])
        #expect(counted.elements == 4)
        #expect(counted.zeros == 3)
    }

    @Test func sparsityOfFloatsCountsBothZeros() {
        let values: [Float] = [0, -0.0, 1.5, 0]
        let data = values.flatMap { value -> [UInt8] in
            withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) }
        }
        let counted = WeightSparsity.count(TFLite.Tensor(shape: [4], type: .float32), data: data)
        #expect(counted.elements == 4 && counted.zeros == 3)
    }

    @Test func unknownDimensionIsATypedError() throws {
        var model = try Model(contentsOf: Fixtures.model("lenet_int8"))
        let activation = model.subgraphs[0].operators[0].outputs[0]
        model.subgraphs[0].tensors[activation].shape = [1, -1, 26, 12]
        #expect(throws: FootprintError.unknownDimension(tensorIndex: activation, shape: [1, -1, 26, 12])) {
            try ModelFootprint(model: model)
        }
    }

    @Test func danglingTensorIndexIsATypedError() throws {
        var model = try Model(contentsOf: Fixtures.model("lenet_int8"))
        let count = model.subgraphs[0].tensors.count
        model.subgraphs[0].operators[1].inputs[0] = count + 5
        #expect(throws: FootprintError.tensorIndexOutOfRange(subgraph: 0, operatorIndex: 1, tensorIndex: count + 5)) {
            try ModelFootprint(model: model)
        }
    }
}
