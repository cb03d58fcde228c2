/// One channel of one activation tensor (the last, NHWC channel dimension; for a flattened tensor, one feature).
public struct TensorChannel: Hashable, Sendable {
    public var tensor: Int
    public var channel: Int
    public init(tensor: Int, channel: Int) {
        self.tensor = tensor
        self.channel = channel
    }
}

/// The smallest thing structured pruning removes: channels of several tensors that must go together (a conv
/// output channel, the same channel after pooling and ADD, its features after a flatten, a depthwise
/// conv's outputs for it).
public struct ChannelUnit: Hashable, Sendable {
    public var channels: [TensorChannel]
}

/// A set of coupled channel units pruned as one layer: the output channels of one (or, across an ADD, several)
/// CONV_2D / FULLY_CONNECTED operators and everything that follows them channel for channel.
public struct DependencyGroup: Sendable, Identifiable {
    public var id: Int
    /// Operators (CONV_2D, FULLY_CONNECTED) whose output channels the group removes.
    public var producers: [Int]
    /// Activation tensors whose channel dimension shrinks with the group.
    public var tensors: [Int]
    /// Tensor names, parallel to `tensors`.
    public var tensorNames: [String]
    public var units: [ChannelUnit]
    /// Why the group cannot be pruned (graph input/output, an operator the graph does not understand), or nil.
    public var blockReason: String?

    public var isPrunable: Bool { blockReason == nil }
    public var channelCount: Int { units.count }

    /// A readable label, e.g. `group 1 (op 2 CONV_2D → 'conv2/Relu', 32 channels)`.
    public var label: String {
        let ops = producers.map { "op \($0)" }.joined(separator: "+")
        let name = tensorNames.first.map { " '\($0)'" } ?? ""
        return "group \(id) (\(ops.isEmpty ? "no producer" : ops)\(name), \(channelCount) channels)"
    }

    /// The unit containing channel `channel` of tensor `tensor`, if the group has one.
    public func unitIndex(containing channel: TensorChannel) -> Int? {
        units.firstIndex { $0.channels.contains(channel) }
    }
}
