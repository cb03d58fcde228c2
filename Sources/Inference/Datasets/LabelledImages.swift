/// A labelled image classification dataset held in memory: `count` images of `height × width × channels`
/// unsigned bytes (0 black ... 255 white), one class label per image.
public struct LabelledImages: Sendable, Equatable {
    public let name: String
    public let height: Int
    public let width: Int
    public let channels: Int
    public let classCount: Int
    /// Human-readable class names, `classCount` of them.
    public let classNames: [String]
    /// All pixels, image after image, row-major (and channel-last).
    public let pixels: [UInt8]
    public let labels: [UInt8]

    public var count: Int { labels.count }
    public var bytesPerImage: Int { height * width * channels }

    /// - Throws: `DatasetError.countMismatch` or `.labelOutOfRange` when the parts disagree.
    public init(
        name: String, height: Int, width: Int, channels: Int = 1, classNames: [String],
        pixels: [UInt8], labels: [UInt8]
    ) throws(DatasetError) {
        let bytesPerImage = height * width * channels
        guard bytesPerImage > 0, pixels.count % bytesPerImage == 0, pixels.count / bytesPerImage == labels.count else {
            throw .countMismatch(images: bytesPerImage > 0 ? pixels.count / bytesPerImage : 0, labels: labels.count)
        }
        if let bad = labels.firstIndex(where: { Int($0) >= classNames.count }) {
            throw .labelOutOfRange(index: bad, label: Int(labels[bad]), classCount: classNames.count)
        }
        self.name = name
        self.height = height
        self.width = width
        self.channels = channels
        self.classCount = classNames.count
        self.classNames = classNames
        self.pixels = pixels
        self.labels = labels
    }

    /// Pixels of image `index`.
    public func image(_ index: Int) -> ArraySlice<UInt8> {
        pixels[(index * bytesPerImage)..<((index + 1) * bytesPerImage)]
    }

    /// The first `limit` samples (all of them when `limit` is nil or larger than the dataset).
    public func prefix(_ limit: Int?) -> LabelledImages {
        guard let limit, limit >= 0, limit < count else { return self }
        // Cannot fail: a prefix of consistent data is consistent.
        return (try? LabelledImages(
            name: name, height: height, width: width, channels: channels, classNames: classNames,
            pixels: Array(pixels[0..<(limit * bytesPerImage)]), labels: Array(labels[0..<limit])
        )) ?? self
    }
}
