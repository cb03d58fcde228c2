/// A raw data buffer of the model (`Model.buffers`), referenced by tensors and metadata by index.
/// `buffers[0]` is always the empty sentinel.
public struct Buffer: Sendable, Equatable {
    /// The bytes stored inside the FlatBuffer (little-endian element data). Empty for no data.
    public var data: [UInt8]
    /// For models over 2 GB: data stored after the FlatBuffer at this file offset (valid only if > 1).
    public var offset: UInt64
    /// For models over 2 GB: size of the data stored after the FlatBuffer.
    public var size: UInt64
    /// Fields this version does not interpret, carried through unchanged.
    public var preservedFields: FlatTable

    public init(data: [UInt8] = [], offset: UInt64 = 0, size: UInt64 = 0, preservedFields: FlatTable = FlatTable()) {
        self.data = data
        self.offset = offset
        self.size = size
        self.preservedFields = preservedFields
    }

    /// True when the data lives outside the FlatBuffer (offset/size > 1), which TFLite Micro does not support.
    public var isExternal: Bool { offset > 1 }
}
