import Foundation
import TinyHILTestSupport
import XCTest

@testable import TFLite

/// Mutated real fixtures must either parse or throw a ``ModelError`` — never trap, hang or allocate wildly.
final class FuzzTests: XCTestCase {
    enum Outcome { case parsed, rejected }

    /// Parses (and, when that works, writes and re-reads) one input; any non-ModelError is a failure.
    func attempt(_ bytes: [UInt8], _ label: String, roundTrip: Bool) -> Outcome {
        do {
            let model = try Model(bytes: bytes)
            guard roundTrip else { return .parsed }
            do {
                let written = try model.serialized()
                let reread = try Model(bytes: written)
                // Compare by what is written: mutated floats may be NaN, which `==` never matches.
                XCTAssertTrue(try reread.serialized() == written, "\(label): a parsed mutant did not survive a round trip")
                if reread != model {
                    XCTAssertTrue(Self.differsOnlyByNaN(reread, model), "\(label): model changed through a round trip")
                }
            } catch let error as ModelError {
                XCTAssertFalse(error.description.isEmpty)
            }
            return .parsed
        } catch let error as ModelError {
            XCTAssertFalse(error.problem.isEmpty, label)
            return .rejected
        } catch {
            XCTFail("\(label): threw a non-ModelError \(error)")
            return .rejected
        }
    }

    /// True when every float scale/min/max pair is equal or both NaN and everything else is equal.
    static func differsOnlyByNaN(_ a: Model, _ b: Model) -> Bool {
        func canonical(_ model: Model) -> Model {
            var copy = model
            for s in copy.subgraphs.indices {
                for t in copy.subgraphs[s].tensors.indices {
                    guard var q = copy.subgraphs[s].tensors[t].quantization else { continue }
                    q.scale = q.scale.map { $0.isNaN ? 12345 : $0 }
                    q.min = q.min.map { $0.isNaN ? 12345 : $0 }
                    q.max = q.max.map { $0.isNaN ? 12345 : $0 }
                    copy.subgraphs[s].tensors[t].quantization = q
                }
                for o in copy.subgraphs[s].operators.indices {
                    if case .softmax(var options) = copy.subgraphs[s].operators[o].builtinOptions, options.beta.isNaN {
                        options.beta = 12345
                        copy.subgraphs[s].operators[o].builtinOptions = .softmax(options)
                    }
                }
            }
            return copy
        }
        return canonical(a) == canonical(b)
    }

    func testThousandsOfMutationsOfRealFixturesParseOrThrow() throws {
        var original = try Fixtures.modelBytes("lenet_int8")
        // Most bytes are weights; aim three quarters of the mutations at the structure (everything that is not
        // buffer data) so offsets, vtables and lengths get hit often.
        let model = try Model(bytes: original)
        let report = try BufferAlignmentReport(bytes: original)
        var isData = [Bool](repeating: false, count: original.count)
        for (index, offset) in report.dataOffsets.enumerated() {
            guard let offset else { continue }
            for position in offset..<(offset + model.buffers[index].data.count) { isData[position] = true }
        }
        let structural = isData.indices.filter { !isData[$0] }
        XCTAssertGreaterThan(structural.count, 100)
        var generator = SeededGenerator(seed: 0x7F1A_2026)
        var parsed = 0
        var rejected = 0
        let mutations = 3000
        for iteration in 0..<mutations {
            var bytes = original
            func position(alignedTo alignment: Int, width: Int) -> Int {
                let raw = Int.random(in: 0..<4, using: &generator) == 0
                    ? Int.random(in: 0..<bytes.count, using: &generator)
                    : structural[Int.random(in: 0..<structural.count, using: &generator)]
                return min(raw / alignment * alignment, bytes.count - width)
            }
            let kind = iteration % 6
            switch kind {
            case 0:  // bit flips
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    let index = position(alignedTo: 1, width: 1)
                    bytes[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator)
                }
            case 1:  // truncation
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            case 2:  // random 32-bit overwrite in the structural front or back of the file
                let index = position(alignedTo: 1, width: 4)
                let value = UInt32.random(in: 0...UInt32.max, using: &generator)
                withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(index..<(index + 4), with: $0) }
            case 3:  // inflate a likely length/offset: add a large value to an aligned word
                let index = position(alignedTo: 4, width: 4)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: index, as: UInt32.self) }
                let inflated = word &+ (UInt32(1) << UInt32.random(in: 8...31, using: &generator))
                withUnsafeBytes(of: inflated) { bytes.replaceSubrange(index..<(index + 4), with: $0) }
            case 4:  // small signed change to a 16-bit word (vtable entries)
                let index = position(alignedTo: 2, width: 2)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: index, as: UInt16.self) }
                let changed = word &+ UInt16(bitPattern: Int16.random(in: -64...64, using: &generator))
                withUnsafeBytes(of: changed) { bytes.replaceSubrange(index..<(index + 2), with: $0) }
            default:  // overwrite an offset-looking word with a pointer to elsewhere (overlap, aliasing)
                let index = position(alignedTo: 4, width: 4)
                let value = UInt32(Int.random(in: 0..<bytes.count, using: &generator))
                withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(index..<(index + 4), with: $0) }
            }
            // Writing is slower than reading in debug builds: round-trip every 8th mutant.
            switch attempt(bytes, "mutation \(iteration) (kind \(kind))", roundTrip: iteration % 8 == 0) {
            case .parsed: parsed += 1
            case .rejected: rejected += 1
            }
        }
        original.removeAll()
        XCTAssertEqual(parsed + rejected, mutations)
        XCTAssertGreaterThan(rejected, 0, "no mutation was rejected: the mutations do not reach the structure")
        print("fuzz: \(mutations) mutations of lenet_int8: \(parsed) parsed, \(rejected) rejected with ModelError")
    }
}
