/// One completed RUN_WINDOW: the board raised its marker, ran `inferences` inferences and lowered it, counting
/// `counterTotal` in `counterUnit`. Published by `Device` to its window observers (a simulated meter, which has no
/// marker wire to watch, builds its trace from these).
public struct CompletedWindow: Sendable, Equatable {
    public var counterTotal: UInt64
    public var counterUnit: CounterUnit
    public var inferences: Int
    /// The board's own wall-clock measurement of the window.
    public var boardMicroseconds: UInt32

    public init(counterTotal: UInt64, counterUnit: CounterUnit, inferences: Int, boardMicroseconds: UInt32) {
        self.counterTotal = counterTotal
        self.counterUnit = counterUnit
        self.inferences = inferences
        self.boardMicroseconds = boardMicroseconds
    }
}
