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

    /// Request plus reply payload bytes of one INFER_BATCH frame of `count` inputs, each side capped at
    /// `maxPayloadBytes` (a board that claims huge outputs cannot stretch the timeout past two full frames).
    public static func frameBytes(
        count: Int, inputBytes: Int, outputBytes: Int, mode: BatchResultMode, maxPayloadBytes: Int
    ) -> Int {
        let request = 3 + count * inputBytes
        let reply = 2 + count * (mode == .fullOutput ? 8 + outputBytes : 16)
        return min(request, maxPayloadBytes) + min(reply, maxPayloadBytes)
    }
}
