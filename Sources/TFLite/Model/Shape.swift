/// Helpers for tensor shapes (`[Int]`, TFLite's NHWC order for images).
public enum Shape {
    /// Number of elements of a shape, or nil if a dimension is negative (unknown) or the product overflows.
    /// The empty shape (a scalar) has one element.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }
}
