/// Affine quantization: `real = scale × (quantized − zeroPoint)`, per tensor (one scale) or per channel
/// along `quantizedDimension` (one scale and zero point per channel).
public struct QuantizationParameters: Sendable, Equatable {
    public var min: [Float]
    public var max: [Float]
    public var scale: [Float]
    public var zeroPoint: [Int64]
    /// Dimension of the shape the per-channel arrays run along (conv filter 0, depthwise filter 3, FC 0).
    public var quantizedDimension: Int
    /// `details` union (type value and table), e.g. CustomQuantization; carried through unchanged.
    public var details: FlatUnion?
    /// Fields this version does not interpret, carried through unchanged.
    public var preservedFields: FlatTable

    public init(min: [Float] = [], max: [Float] = [], scale: [Float] = [], zeroPoint: [Int64] = [],
                quantizedDimension: Int = 0, details: FlatUnion? = nil, preservedFields: FlatTable = FlatTable()) {
        self.min = min
        self.max = max
        self.scale = scale
        self.zeroPoint = zeroPoint
        self.quantizedDimension = quantizedDimension
        self.details = details
        self.preservedFields = preservedFields
    }

    /// True when there is at least one scale (the tensor is quantized).
    public var isQuantized: Bool { !scale.isEmpty }
    /// True when there is more than one scale (per-channel quantization).
    public var isPerChannel: Bool { scale.count > 1 }

    /// The parameters of a subset of channels, in the given order (for channel pruning): per-channel arrays
    /// (`scale`, `zeroPoint`, `min`, `max` when they have one entry per channel) are sliced; per-tensor
    /// arrays (one entry) are kept. Throws if a channel index is out of range.
    public func selectingChannels(_ channels: [Int]) throws -> QuantizationParameters {
        func slice<T>(_ values: [T], _ field: String) throws -> [T] {
            guard values.count > 1 else { return values }
            return try channels.map { channel in
                guard channel >= 0, channel < values.count else {
                    throw ModelError(.indexOutOfRange, at: ["QuantizationParameters.\(field)"],
                                     problem: "channel \(channel) requested but there are \(values.count) channels")
                }
                return values[channel]
            }
        }
        var result = self
        result.scale = try slice(scale, "scale")
        result.zeroPoint = try slice(zeroPoint, "zero_point")
        result.min = try slice(min, "min")
        result.max = try slice(max, "max")
        return result
    }
}

