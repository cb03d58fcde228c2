/// One buffer the non-persistent arena must hold: a tensor without constant data, or a kernel scratch buffer.
///
/// Lifetimes are in TFLite Micro's allocation scopes: subgraph inputs exist from scope 0, operator `i` runs in
/// scope `i + 1`, and a buffer is alive in every scope from `firstUse` through `lastUse` inclusive.
public struct BufferRequest: Sendable, Hashable {
    /// What the buffer holds, for reports and error messages.
    public enum Origin: Sendable, Hashable {
        /// Tensor `index` of the (first) subgraph.
        case tensor(index: Int)
        /// Scratch request number `slot` (0-based, in request order) of operator `operatorIndex`.
        case scratch(operatorIndex: Int, slot: Int)
        /// A request made outside a model (tests, other planners).
        case abstract
    }

    /// Bytes the kernel or tensor needs, before rounding to `ArenaPlanner.alignmentBytes`.
    public var bytes: Int
    /// First scope in which the buffer is alive.
    public var firstUse: Int
    /// Last scope in which the buffer is alive.
    public var lastUse: Int
    /// Offset fixed by offline planning (`OfflineMemoryAllocation` metadata), or nil to plan it here.
    public var fixedOffset: Int?
    public var origin: Origin

    public init(bytes: Int, firstUse: Int, lastUse: Int, fixedOffset: Int? = nil, origin: Origin = .abstract) {
        self.bytes = bytes
        self.firstUse = firstUse
        self.lastUse = lastUse
        self.fixedOffset = fixedOffset
        self.origin = origin
    }

    /// Size the planner reserves: `bytes` rounded up to the arena alignment.
    public var plannedBytes: Int { ArenaPlanner.roundUp(bytes) }

    /// True when both buffers are alive in at least one common scope.
    public func overlapsInTime(with other: BufferRequest) -> Bool {
        !(other.firstUse > lastUse || firstUse > other.lastUse)
    }
}

/// Where every request goes in the non-persistent arena ("head").
public struct ArenaPlan: Sendable, Hashable {
    /// The requests, in the order they were given.
    public let requests: [BufferRequest]
    /// Offset of each request from the start of the head, same order as `requests`.
    public let offsetsBytes: [Int]
    /// Size of the head: the largest `offset + plannedBytes`, 0 when there is nothing to plan.
    public let headBytes: Int
}

/// Problems with a list of buffer requests.
public enum ArenaPlanError: Error, Equatable, CustomStringConvertible {
    case negativeBytes(requestIndex: Int, bytes: Int)
    case negativeFixedOffset(requestIndex: Int, offset: Int)

    public var description: String {
        switch self {
        case let .negativeBytes(index, bytes):
            return "buffer request \(index) asks for \(bytes) bytes; a request needs a size of 0 bytes or more"
        case let .negativeFixedOffset(index, offset):
            return "buffer request \(index) has offline offset \(offset); offline offsets must be 0 or more (-1 in the "
                + "metadata means 'plan online' and must be passed as nil)"
        }
    }
}

/// TFLite Micro's greedy memory planner, reimplemented from its documented behaviour:
///
/// 1. Offline-planned requests keep their fixed offsets and are placed first, in request order.
/// 2. The other requests are ordered by planned size, largest first; ties keep the *reverse* of request order
///    (TFLM fills its sort array from the back, then sorts stably by size, descending).
/// 3. The first buffer goes at offset 0. Each next one walks the placed buffers that are alive at the same time,
///    in offset order, and takes the first gap that fits between the end of the previous such buffer and the start
///    of the next; with no gap it goes right after the last of them.
///
/// The result equals the head that TFLM's `GreedyMemoryPlanner::GetMaximumMemorySize` reports for the same requests.
public enum ArenaPlanner {
    /// TFLM rounds every planned buffer up to this (`MicroArenaBufferAlignment()`).
    public static let alignmentBytes = 16

    /// `bytes` rounded up to `alignmentBytes`.
    @inlinable
    public static func roundUp(_ bytes: Int) -> Int {
        (bytes + alignmentBytes - 1) / alignmentBytes * alignmentBytes
    }

    public static func plan(_ requests: [BufferRequest]) throws(ArenaPlanError) -> ArenaPlan {
        for (index, request) in requests.enumerated() {
            if request.bytes < 0 { throw .negativeBytes(requestIndex: index, bytes: request.bytes) }
            if let offset = request.fixedOffset, offset < 0 {
                throw .negativeFixedOffset(requestIndex: index, offset: offset)
            }
        }
        guard !requests.isEmpty else { return ArenaPlan(requests: [], offsetsBytes: [], headBytes: 0) }

        let sizes = requests.map(\.plannedBytes)
        let order = placementOrder(requests, sizes: sizes)

        var offsets = [Int](repeating: -1, count: requests.count)
        // Indices of placed requests sorted by offset; equal offsets keep placement order.
        var byOffset: [Int] = []
        byOffset.reserveCapacity(requests.count)

        for (position, id) in order.enumerated() {
            let wanted = requests[id]
            let candidate: Int
            if let fixed = wanted.fixedOffset {
                candidate = fixed
            } else if position == 0 {
                candidate = 0
            } else {
                candidate = firstFit(size: sizes[id], wanted, placed: byOffset, requests: requests, sizes: sizes,
                                     offsets: offsets)
            }
            offsets[id] = candidate
            // Insert after every placed buffer whose offset is <= candidate.
            var insertAt = byOffset.count
            for (slot, other) in byOffset.enumerated() where offsets[other] > candidate {
                insertAt = slot
                break
            }
            byOffset.insert(id, at: insertAt)
        }

        var head = 0
        for id in requests.indices { head = max(head, offsets[id] + sizes[id]) }
        return ArenaPlan(requests: requests, offsetsBytes: offsets, headBytes: head)
    }

    /// Offline requests first in request order, then online ones by size descending, ties in reverse request order.
    static func placementOrder(_ requests: [BufferRequest], sizes: [Int]) -> [Int] {
        let fixed = requests.indices.filter { requests[$0].fixedOffset != nil }
        let online = requests.indices.reversed().filter { requests[$0].fixedOffset == nil }
        // Swift's sort is stable (documented since Swift 5), like TFLM's bubble sort.
        let sortedOnline = online.sorted { sizes[$0] > sizes[$1] }
        return fixed + sortedOnline
    }

    /// The first gap among time-overlapping placed buffers (walked in offset order) that holds `size` bytes.
    private static func firstFit(
        size: Int, _ wanted: BufferRequest, placed byOffset: [Int], requests: [BufferRequest], sizes: [Int],
        offsets: [Int]
    ) -> Int {
        var candidate = 0
        for other in byOffset where requests[other].overlapsInTime(with: wanted) {
            if offsets[other] - candidate >= size { return candidate }
            candidate = max(candidate, offsets[other] + sizes[other])
        }
        return candidate
    }
}
