import Foundation

/// Fashion-MNIST (Zalando): 28×28 grey-scale clothing images in 10 classes, 60,000 for training and 10,000 for
/// testing, read from the IDX files Debian's `dataset-fashion-mnist` package installs.
public enum FashionMNIST {
    public static let debianPackage = "dataset-fashion-mnist"
    public static let defaultDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist", isDirectory: true)
    public static let imageSide = 28
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    public enum Split: String, Sendable, CaseIterable {
        case train
        case test

        /// File-name prefix used by the IDX files.
        var filePrefix: String { self == .train ? "train" : "t10k" }
    }

    /// File URLs of a split's images and labels (`t10k-images-idx3-ubyte.gz`, ...).
    public static func files(_ split: Split, in directory: URL = defaultDirectory) -> (images: URL, labels: URL) {
        (
            directory.appendingPathComponent("\(split.filePrefix)-images-idx3-ubyte.gz"),
            directory.appendingPathComponent("\(split.filePrefix)-labels-idx1-ubyte.gz")
        )
    }

    /// Loads one split.
    /// - Throws: `DatasetError.notInstalled` (naming the Debian package) when the files are absent, or the
    ///   specific format error when they are corrupt.
    public static func load(_ split: Split = .test, from directory: URL = defaultDirectory) throws(DatasetError)
        -> LabelledImages
    {
        let (imagesURL, labelsURL) = files(split, in: directory)
        for url in [imagesURL, labelsURL] where !FileManager.default.fileExists(atPath: url.path) {
            throw .notInstalled(dataset: "Fashion-MNIST", missingPath: url.path, debianPackage: debianPackage)
        }
        let images = try IDXFile(contentsOf: imagesURL)
        let labels = try IDXFile(contentsOf: labelsURL)
        guard images.shape.count == 3, images.shape[1] == imageSide, images.shape[2] == imageSide else {
            throw .unexpectedIDXShape(source: imagesURL.path, shape: images.shape, expected: "[N, 28, 28]")
        }
        guard labels.shape.count == 1 else {
            throw .unexpectedIDXShape(source: labelsURL.path, shape: labels.shape, expected: "[N]")
        }
        return try LabelledImages(
            name: "Fashion-MNIST \(split.rawValue)", height: imageSide, width: imageSide, channels: 1,
            classNames: classNames, pixels: images.bytes, labels: labels.bytes
        )
    }
}
