import Testing
@testable import Footprint

/// Lifetimes and request order as TFLM's AllocationInfoBuilder assigns them, worked by hand.
@Suite struct PlanningGraphTests {
    // t0 input (784 B) -> op0 [t0, w1, b2] -> t3 (2028 B) -> op1 [t3] -> t4 (507 B) -> op2 [t4, axis5] -> t6 (12 B)
    // op2 is a MEAN asking for three scratch buffers (12, 16, 8 bytes). t6 is the subgraph output.
    static let graph = PlanningGraph(
        tensors: [
            .init(bytes: 784, hasConstantData: false),
            .init(bytes: 108, hasConstantData: true),
            .init(bytes: 48, hasConstantData: true),
            .init(bytes: 2028, hasConstantData: false),
            .init(bytes: 507, hasConstantData: false),
            .init(bytes: 8, hasConstantData: true),
            .init(bytes: 12, hasConstantData: false),
            .init(bytes: 64, hasConstantData: false, isVariable: true),
            .init(bytes: 0, hasConstantData: false),
        ],
        inputs: [0], outputs: [6],
        steps: [
            .init(inputs: [0, 1, 2], outputs: [3]),
            .init(inputs: [3], outputs: [4]),
            .init(inputs: [4, 5, -1], outputs: [6], scratchBytes: [12, 16, 8]),
        ])

    @Test func lifetimesFollowScopes() {
        // Input alive from scope 0 to its last reader op0 (scope 1); op i writes in scope i + 1;
        // the output stays to the last scope (3). Constant, variable and empty tensors are not planned.
        let requests = Self.graph.requests()
        let tensors = requests.filter { if case .tensor = $0.origin { true } else { false } }
        #expect(tensors.map(\.origin) == [.tensor(index: 0), .tensor(index: 3), .tensor(index: 4), .tensor(index: 6)])
        #expect(tensors.map(\.firstUse) == [0, 1, 2, 3])
        #expect(tensors.map(\.lastUse) == [1, 2, 3, 3])
    }

    @Test func scratchBuffersLiveOnlyDuringTheirOperatorAndComeLast() {
        let requests = Self.graph.requests()
        let scratch = Array(requests.suffix(3))
        #expect(scratch.map(\.origin) == [
            .scratch(operatorIndex: 2, slot: 0), .scratch(operatorIndex: 2, slot: 1), .scratch(operatorIndex: 2, slot: 2),
        ])
        #expect(scratch.allSatisfy { $0.firstUse == 3 && $0.lastUse == 3 })
    }

    @Test func headOfTheSmallGraph() throws {
        // Planned sizes: t0 784, t3 2032, t4 512, t6 16, scratch 16, 16, 16.
        // Order by size (ties reversed): t3 2032, t0 784, t4 512, then the 16-byte ones in reverse request order:
        //   scratch2, scratch1, scratch0, t6.
        // t3 [1,2] at 0. t0 [0,1] overlaps t3 -> 2032. t4 [2,3] overlaps t3 -> 2032 (t0 ended in scope 1).
        // scratch2 [3,3] overlaps t4 [2032,2544): gap 2032 >= 16 -> 0. scratch1 -> 16, scratch0 -> 32, t6 [3,3] -> 48.
        // Head = max(2032, 2032 + 784, 2032 + 512, 64) = 2816.
        let plan = try ArenaPlanner.plan(Self.graph.requests())
        #expect(plan.headBytes == 2816)
        #expect(plan.offsetsBytes == [2032, 0, 2032, 48, 32, 16, 0])
    }

    @Test func unusedGraphInputStillGetsAScope() {
        // An input no operator reads is alive in scope 0 only.
        let graph = PlanningGraph(
            tensors: [.init(bytes: 16, hasConstantData: false), .init(bytes: 16, hasConstantData: false),
                      .init(bytes: 16, hasConstantData: false)],
            inputs: [0, 1], outputs: [2], steps: [.init(inputs: [0], outputs: [2])])
        let requests = graph.requests()
        #expect(requests.map(\.firstUse) == [0, 0, 1])
        #expect(requests.map(\.lastUse) == [1, 0, 1])
    }

    @Test func offlineOffsetsFixTensorsAndPlanOfflineVariables() {
        // Offsets -1 (online), 0 (fixed), and 32 for a variable tensor, which TFLM then plans in the head too.
        let graph = PlanningGraph(
            tensors: [.init(bytes: 16, hasConstantData: false), .init(bytes: 16, hasConstantData: false),
                      .init(bytes: 16, hasConstantData: false, isVariable: true)],
            inputs: [0], outputs: [1], steps: [.init(inputs: [0, 2], outputs: [1])],
            offlineOffsets: [-1, 0, 32])
        let requests = graph.requests()
        #expect(requests.map(\.fixedOffset) == [nil, 0, 32])
    }
}
