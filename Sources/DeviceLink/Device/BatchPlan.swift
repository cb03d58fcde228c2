/// How INFER_BATCH splits inputs into frames.
public enum BatchPlan {
    /// Inputs per INFER_BATCH frame so that both the request and its reply fit in `maxPayloadBytes`
    /// (0 when not even one fits).
    public static func inputsPerFrame(inputBytes: Int, outputBytes: Int, mode: BatchResultMode, maxPayloadBytes: Int) -> Int {
        guard inputBytes > 0 else { return 0 }
        let byRequest = (maxPayloadBytes - 3) / inputBytes
        let perResult = mode == .fullOutput ? 8 + outputBytes : 16
        let byReply = (maxPayloadBytes - 2) / perResult
        return max(0, min(byRequest, byReply, Int(UInt16.max)))
    }
}
