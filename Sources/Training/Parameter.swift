/// A trainable float32 tensor of the graph (weights or bias of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED).
public struct Parameter: Sendable, Equatable {
    public enum Role: String, Sendable { case weights, bias }

    /// The model tensor the values come from and go back to.
    public let tensorIndex: Int
    public let name: String
    public let role: Role
    /// TFLite layout: conv `[O, KH, KW, I]`, depthwise `[1, KH, KW, C·M]`, fully connected `[O, I]`, bias `[O]`.
    public let shape: [Int]
    /// Output channel axis of `shape` (conv/FC 0, depthwise 3, bias 0).
    public let channelAxis: Int
    public var values: [Float]
    /// 1 where the weight may change, 0 where it must stay zero (weights that were exactly zero when training
    /// started: pruned). Nil when every weight is free.
    public var mask: [Float]?

    public init(tensorIndex: Int, name: String, role: Role, shape: [Int], channelAxis: Int, values: [Float],
                mask: [Float]? = nil) {
        self.tensorIndex = tensorIndex
        self.name = name
        self.role = role
        self.shape = shape
        self.channelAxis = channelAxis
        self.values = values
        self.mask = mask
    }

    /// Number of output channels (size of `channelAxis`).
    public var channelCount: Int { shape.isEmpty ? 1 : shape[channelAxis] }

    /// Fraction of values held at zero by the mask.
    public var maskedFraction: Double {
        guard let mask, !mask.isEmpty else { return 0 }
        return Double(mask.filter { $0 == 0 }.count) / Double(mask.count)
    }
}
