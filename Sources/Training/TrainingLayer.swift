/// One operator of the graph with a float32 forward pass and its backward pass over a batch.
///
/// Tensors hold `batch` samples one after another (NHWC per sample). `forward` writes the output tensor;
/// `backward` reads the output's gradient and *adds* to the inputs' gradients (a tensor read by two operators
/// collects both) and to the parameter gradients. Gradient pointers are nil for tensors that need none (the
/// graph input).
protocol TrainingLayer: Sendable {
    var operatorIndex: Int { get }
    /// The operator's schema name, e.g. `CONV_2D`.
    var operatorName: String { get }
    /// Non-constant input tensors.
    var activationInputs: [Int] { get }
    var output: Int { get }
    /// Floats of scratch this layer needs for a batch (patches kept from forward for backward).
    func scratchElements(batch: Int) -> Int
    func forward(batch: Int, workspace: Workspace, parameters: [Parameter])
    func backward(batch: Int, workspace: Workspace, parameters: [Parameter])
}

extension TrainingLayer {
    func scratchElements(batch: Int) -> Int { 0 }
}
