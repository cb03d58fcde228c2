import Testing
import TFLite

@testable import Footprint

/// Footprint arithmetic on hostile shapes (issue 14 item 8): every generated model gets a footprint or a typed
/// error, never a trap; multiply-accumulates agree with an exact 128-bit count, and a count past `Int.max` is
/// a `macOverflow` naming the operator.
@Suite struct HostileShapeFootprintTests {
    /// Exact product in 128 bits; nil when even that overflows or a factor is negative.
    private func exactProduct(_ factors: [Int]) -> Int128? {
        var product: Int128 = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (next, overflow) = product.multipliedReportingOverflow(by: Int128(factor))
            if overflow { return nil }
            product = next
        }
        return product
    }

    /// The multiply-accumulates of the one operator, by the formula in MACCount's documentation, in 128 bits.
    private func exactMACs(_ model: Model) -> Int128?? {
        let op = model.subgraphs[0].operators[0]
        let tensors = model.subgraphs[0].tensors
        let output = tensors[op.outputs[0]].shape
        let filter = tensors[op.inputs[1]].shape
        let code = model.operatorCodes[0].builtinCode
        let factors: [Int]
        switch code {
        case .conv2D: factors = output + [filter[1], filter[2], filter[3]]
        case .depthwiseConv2D: factors = output + [filter[1], filter[2]]
        case .fullyConnected: factors = output + [filter[1]]
        default: return .some(0)
        }
        // A zero anywhere makes the product 0 however large the rest.
        if factors.contains(0), factors.allSatisfy({ $0 >= 0 }) { return .some(0) }
        return .some(exactProduct(factors))
    }

    @Test func everyHostileShapeGetsAFootprintOrATypedError() {
        var outcomes: [String: Int] = [:]
        for (label, model) in HostileShapes.models() {
            // The other entry points that read shapes must not trap either.
            _ = FlashEstimate.bytes(of: model)
            _ = PersistentArenaEstimate(model: model, scratchBufferCount: 1, profile: .cortexM32)
            _ = try? PlanningGraph(model: model)
            do {
                let footprint = try ModelFootprint(model: model)
                outcomes["ok", default: 0] += 1
                #expect(footprint.macs >= 0, "\(label)")
                #expect(footprint.arenaHeadBytes >= 0, "\(label)")
                if case let .some(.some(exact)) = exactMACs(model) {
                    #expect(Int128(footprint.macs) == exact, "\(label): \(footprint.macs) vs exact \(exact)")
                }
            } catch let .macOverflow(operatorIndex, operatorName, _, _) {
                outcomes["macOverflow", default: 0] += 1
                #expect(operatorIndex == 0)
                #expect(operatorName == model.operatorCodes[0].builtinCode.name)
                if case let .some(.some(exact)) = exactMACs(model) {
                    #expect(exact > Int128(Int.max), "\(label): reported overflow for \(exact)")
                }
            } catch {
                outcomes["\(error)".prefix(while: { $0 != " " }).description, default: 0] += 1
                #expect(!error.description.isEmpty)
            }
        }
        // The generator reaches the MAC arithmetic with overflowing shapes, not only the size checks before it.
        #expect(outcomes["macOverflow", default: 0] > 0, "\(outcomes)")
        #expect(outcomes["ok", default: 0] > 0, "\(outcomes)")
    }

    @Test func theIssuesFilterWithAZeroOutputChannelCountIsReported() throws {
        // Filter [0, 2^31-1, 2^31-1, 2^31-1] holds 0 bytes, so every size check passes; 27 output elements times
        // its three huge dimensions is ~27 × 2^93.
        let template = HostileShapes.templates[0]
        let huge = Int(Int32.max)
        let model = template.model(shapes: [1: [0, huge, huge, huge]])
        #expect(throws: FootprintError.macOverflow(operatorIndex: 0, operatorName: "CONV_2D", outputElements: 27,
                                                   filterShape: [0, huge, huge, huge])) {
            try ModelFootprint(model: model)
        }
    }

    @Test func totalsAcrossLayersAreCheckedToo() throws {
        // Three FULLY_CONNECTED layers, each (2^31 - 1) outputs × (2^31 - 1) features ≈ 2^62 MACs: each fits in
        // Int, their sum does not. Each filter [0, 2^31 - 1] holds 0 bytes, so no size check stops it first.
        let huge = Int(Int32.max)
        let q = QuantizationParameters(scale: [0.5], zeroPoint: [0])
        var tensors = [Tensor(shape: [1, huge], type: .int8, quantization: q)]
        var operators: [Operator] = []
        for layer in 0..<3 {
            tensors.append(Tensor(shape: [0, huge], type: .int8, buffer: 1, quantization: q))
            tensors.append(Tensor(shape: [1, huge], type: .int8, quantization: q))
            operators.append(Operator(opcodeIndex: 0, inputs: [2 * layer, 2 * layer + 1, -1], outputs: [2 * layer + 2],
                                      builtinOptions: .fullyConnected(FullyConnectedOptions())))
        }
        let model = Model(operatorCodes: [OperatorCode(builtinCode: .fullyConnected)],
                          subgraphs: [SubGraph(tensors: tensors, inputs: [0], outputs: [6], operators: operators)],
                          buffers: [Buffer(), Buffer(data: [1])])
        #expect(throws: FootprintError.totalOverflow(quantity: "multiply-accumulates", operatorIndex: 2)) {
            try ModelFootprint(model: model)
        }
        // Two of them fit: 2 × (2^31 - 1)^2.
        var two = model
        two.subgraphs[0].operators.removeLast()
        two.subgraphs[0].outputs = [4]
        #expect(try ModelFootprint(model: two).macs == 2 * huge * huge)
    }

    @Test func macCountReportsOverflowAndRank() throws {
        #expect(throws: MACCount.Problem.overflow) {
            try MACCount.macs(operator: .conv2D, outputElements: Int.max, filterShape: [1, 2, 1, 1])
        }
        #expect(throws: MACCount.Problem.overflow) {
            try MACCount.macs(operator: .depthwiseConv2D, outputElements: 4, filterShape: [1, -1, 1, 1])
        }
        #expect(try MACCount.macs(operator: .fullyConnected, outputElements: 1 << 31, filterShape: [1, 1 << 31]) == 1 << 62)
        #expect(throws: MACCount.Problem.filterRank) {
            try MACCount.macs(operator: .fullyConnected, outputElements: 1, filterShape: [1, 2, 3])
        }
    }
}
