/// Lets one request at a time use the link inside the `Device` actor, whose methods would otherwise interleave at
/// every `await`. First come, first served.
struct Turnstile {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Resumes `continuation` at once when the link is free, otherwise when the callers before it have left.
    mutating func enter(_ continuation: CheckedContinuation<Void, Never>) {
        if busy {
            waiters.append(continuation)
        } else {
            busy = true
            continuation.resume()
        }
    }

    mutating func leave() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
