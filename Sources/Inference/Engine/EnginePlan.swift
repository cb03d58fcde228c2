/// The engine's arena plan for a model (from `th_plan`).
public struct EnginePlan: Sendable, Equatable {
    /// Non-persistent arena (activations), TFLite Micro's greedy planner: equals TFLM's recorded head.
    public let headBytes: Int
    /// The engine's own persistent records (not TFLM's tail, which depends on TFLM's data structures).
    public let persistentBytes: Int
    /// Everything `th_interpreter_init` needs, alignment slack included.
    public let arenaBytesRequired: Int
}
