/// The memory one shard of a mini-batch trains in: activations and their gradients for every non-constant tensor,
/// per-layer scratch (convolution patches), and parameter gradients. Sized for `capacity` samples, so memory is
/// bounded by the batch, not the dataset.
///
/// `@unchecked Sendable`: a workspace is handed to exactly one task at a time (one shard of one step); the
/// pointers are allocated in `init`, freed in `deinit`, and never shared between workspaces.
final class Workspace: @unchecked Sendable {
    let capacity: Int
    let values: [UnsafeMutablePointer<Float>?]
    let gradients: [UnsafeMutablePointer<Float>?]
    let scratch: [UnsafeMutablePointer<Float>?]
    let parameterGradients: [UnsafeMutablePointer<Float>]
    /// Under fake quantization with gradients: every tensor's values before they were rounded onto the int8 grid.
    let unroundedValues: [UnsafeMutablePointer<Float>?]
    private let tensorElements: [Int]
    private let parameterElements: [Int]

    init(graph: TrainingGraph, capacity: Int, withGradients: Bool) {
        self.capacity = capacity
        tensorElements = graph.tensors.map { $0.isConstant ? 0 : $0.sampleElements * capacity }
        values = tensorElements.map { $0 > 0 ? UnsafeMutablePointer<Float>.allocate(capacity: $0) : nil }
        gradients = tensorElements.map { withGradients && $0 > 0 ? UnsafeMutablePointer<Float>.allocate(capacity: $0) : nil }
        scratch = graph.layers.map { layer in
            let count = layer.scratchElements(batch: capacity)
            return count > 0 ? UnsafeMutablePointer<Float>.allocate(capacity: count) : nil
        }
        parameterElements = withGradients ? graph.parameters.map(\.values.count) : []
        parameterGradients = parameterElements.map { UnsafeMutablePointer<Float>.allocate(capacity: max($0, 1)) }
        let masked = withGradients && graph.fakeQuantization != nil
        unroundedValues = tensorElements.map { masked && $0 > 0 ? UnsafeMutablePointer<Float>.allocate(capacity: $0) : nil }
    }

    deinit {
        for pointer in values { pointer?.deallocate() }
        for pointer in gradients { pointer?.deallocate() }
        for pointer in scratch { pointer?.deallocate() }
        for pointer in parameterGradients { pointer.deallocate() }
        for pointer in unroundedValues { pointer?.deallocate() }
    }

    func value(_ tensor: Int) -> UnsafeMutablePointer<Float> { values[tensor]! }
    func gradient(_ tensor: Int) -> UnsafeMutablePointer<Float>? { gradients[tensor] }
    func unrounded(_ tensor: Int) -> UnsafeMutablePointer<Float>? { unroundedValues[tensor] }

    /// Zeroes every activation gradient and parameter gradient (before a backward pass).
    func zeroGradients() {
        for (index, pointer) in gradients.enumerated() {
            pointer?.update(repeating: 0, count: tensorElements[index])
        }
        for (index, pointer) in parameterGradients.enumerated() {
            pointer.update(repeating: 0, count: parameterElements[index])
        }
    }
}
