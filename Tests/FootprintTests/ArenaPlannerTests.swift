import Testing
@testable import Footprint

/// Hand-worked cases of TFLM's greedy planner. Every expected offset is derived in the comments.
@Suite struct ArenaPlannerTests {
    @Test func emptyRequestListPlansNothing() throws {
        let plan = try ArenaPlanner.plan([])
        #expect(plan.headBytes == 0)
        #expect(plan.offsetsBytes.isEmpty)
    }

    @Test func sizesAreRoundedUpTo16() throws {
        // 1 byte -> 16, 16 -> 16, 17 -> 32, 0 -> 0.
        #expect(ArenaPlanner.roundUp(1) == 16)
        #expect(ArenaPlanner.roundUp(16) == 16)
        #expect(ArenaPlanner.roundUp(17) == 32)
        #expect(ArenaPlanner.roundUp(0) == 0)
        let plan = try ArenaPlanner.plan([BufferRequest(bytes: 17, firstUse: 0, lastUse: 0)])
        #expect(plan.headBytes == 32)
    }

    @Test func chainReusesMemoryOfDeadBuffers() throws {
        // A 100 B -> 112 (scopes 0...1), B 50 -> 64 (1...2), C 30 -> 32 (2...3).
        // Order by size: A, B, C. A at 0. B overlaps A in scope 1: gap before A is 0 < 64, so B goes after A: 112.
        // C overlaps only B: the gap before B (112 - 0) >= 32, so C goes at 0. Head = max(112, 176, 32) = 176.
        let plan = try ArenaPlanner.plan([
            BufferRequest(bytes: 100, firstUse: 0, lastUse: 1),
            BufferRequest(bytes: 50, firstUse: 1, lastUse: 2),
            BufferRequest(bytes: 30, firstUse: 2, lastUse: 3),
        ])
        #expect(plan.offsetsBytes == [0, 112, 0])
        #expect(plan.headBytes == 176)
    }

    @Test func laterBufferTakesFirstGapBetweenLiveBuffers() throws {
        // L1 64 (0...1), L2 48 (0...3), L3 32 (2...3), L4 16 (2...2).
        // L1 at 0. L2 overlaps L1: gap 0 < 48 -> after L1 at 64.
        // L3 overlaps only L2 (L1 ends at scope 1): gap before L2 is 64 >= 32 -> L3 at 0.
        // L4 overlaps L2 and L3; in offset order L3 (0, placed after L1 at the same offset), L2 (64):
        //   gap before L3 = 0 < 16 -> candidate = end of L3 = 32; gap before L2 = 64 - 32 = 32 >= 16 -> L4 at 32.
        // Head = max(0+64, 64+48, 0+32, 32+16) = 112.
        let plan = try ArenaPlanner.plan([
            BufferRequest(bytes: 64, firstUse: 0, lastUse: 1),
            BufferRequest(bytes: 48, firstUse: 0, lastUse: 3),
            BufferRequest(bytes: 32, firstUse: 2, lastUse: 3),
            BufferRequest(bytes: 16, firstUse: 2, lastUse: 2),
        ])
        #expect(plan.offsetsBytes == [0, 64, 0, 32])
        #expect(plan.headBytes == 112)
    }

    @Test func equalSizesArePlacedInReverseRequestOrder() throws {
        // Three 32-byte buffers alive together. TFLM fills its sort array from the back and sorts stably, so the
        // last request is placed first (offset 0), then the middle one (32), then the first (64).
        let plan = try ArenaPlanner.plan([
            BufferRequest(bytes: 32, firstUse: 0, lastUse: 2),
            BufferRequest(bytes: 32, firstUse: 1, lastUse: 2),
            BufferRequest(bytes: 32, firstUse: 2, lastUse: 2),
        ])
        #expect(plan.offsetsBytes == [64, 32, 0])
        #expect(plan.headBytes == 96)
    }

    @Test func tieOrderDecidesOffsets() throws {
        // R0 16 B (0...0), R1 16 B (0...1), R2 16 B (1...1), R3 32 B (0...0) -> order R3, then ties R2, R1, R0.
        // R3 at 0. R2 (1...1) does not overlap R3 -> 0. R1 overlaps R3 [0,32) and R2 [0,16):
        //   offset order R3(0), R2(0): gap 0 < 16 -> 32; gap 0 - 32 < 16 -> candidate max(32, 16) = 32 -> R1 at 32.
        // R0 (0...0) overlaps R3 and R1: gap before R3 0 -> 32; gap before R1 32 - 32 = 0 -> 48 -> R0 at 48.
        // Head 64. (Placing ties in request order instead would give R0 32, R1 48, R2 0: the same head but other
        // offsets; the C engine's planner must reproduce these.)
        let plan = try ArenaPlanner.plan([
            BufferRequest(bytes: 16, firstUse: 0, lastUse: 0),
            BufferRequest(bytes: 16, firstUse: 0, lastUse: 1),
            BufferRequest(bytes: 16, firstUse: 1, lastUse: 1),
            BufferRequest(bytes: 32, firstUse: 0, lastUse: 0),
        ])
        #expect(plan.offsetsBytes == [48, 32, 0, 0])
        #expect(plan.headBytes == 64)
    }

    @Test func offlineOffsetsAreKeptAndOnlineBuffersFitAroundThem() throws {
        // F is fixed at 100 (16 B, 0...5) and placed first. Online order by size: B (96), then A (32).
        // B 96 B (0...0) walks F: gap 100 - 0 >= 96 -> B at 0.
        // A 32 B (0...0) walks B [0,96), F [100,116): gap 0 -> 96; gap 100 - 96 = 4 < 32 -> 116; A at 116.
        // Head = max(116 + 32, 100 + 16, 0 + 96) = 148.
        let plan = try ArenaPlanner.plan([
            BufferRequest(bytes: 32, firstUse: 0, lastUse: 0),
            BufferRequest(bytes: 16, firstUse: 0, lastUse: 5, fixedOffset: 100),
            BufferRequest(bytes: 96, firstUse: 0, lastUse: 0),
        ])
        #expect(plan.offsetsBytes == [116, 100, 0])
        #expect(plan.headBytes == 148)
    }

    @Test func negativeSizesAreRejected() {
        #expect(throws: ArenaPlanError.negativeBytes(requestIndex: 1, bytes: -4)) {
            try ArenaPlanner.plan([
                BufferRequest(bytes: 4, firstUse: 0, lastUse: 0),
                BufferRequest(bytes: -4, firstUse: 0, lastUse: 0),
            ])
        }
    }

    @Test func noTwoLiveBuffersOverlapInMemory() throws {
        // Property check on pseudo-random request lists (fixed seed): live-at-once buffers never share bytes.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<200 {
            let count = 1 + next(12)
            let requests = (0..<count).map { _ -> BufferRequest in
                let first = next(8)
                return BufferRequest(bytes: next(300), firstUse: first, lastUse: first + next(4))
            }
            let plan = try ArenaPlanner.plan(requests)
            for i in requests.indices {
                #expect(plan.offsetsBytes[i] + requests[i].plannedBytes <= plan.headBytes)
                for j in requests.indices where j > i && requests[i].overlapsInTime(with: requests[j]) {
                    let (a, b) = (plan.offsetsBytes[i], plan.offsetsBytes[j])
                    let disjoint = a + requests[i].plannedBytes <= b || b + requests[j].plannedBytes <= a
                    #expect(disjoint, "requests \(i) and \(j) overlap in \(requests)")
                }
            }
        }
    }
}
