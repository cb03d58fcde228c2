/// Settings of a training run.
public struct TrainingOptions: Sendable, Equatable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var optimizer: Optimizer
    public var schedule: LearningRateSchedule
    /// Seeds the shuffling; the same seed, data and options give the same weights.
    public var seed: UInt64
    /// A mini-batch is split into this many shards, run concurrently and summed in a fixed order, so results do
    /// not depend on how many cores run them.
    public var shardCount: Int
    public var loss: Loss

    public init(epochs: Int = 1, batchSize: Int = 64, learningRate: Float = 1e-3, optimizer: Optimizer = .adam,
                schedule: LearningRateSchedule = .constant, seed: UInt64 = 0, shardCount: Int = 4,
                loss: Loss = Loss()) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.schedule = schedule
        self.seed = seed
        self.shardCount = shardCount
        self.loss = loss
    }

    func validate() throws(TrainingError) {
        guard epochs >= 1 else { throw .invalidOption("epochs must be at least 1 (got \(epochs))") }
        guard batchSize >= 1 else { throw .invalidOption("the batch size must be at least 1 (got \(batchSize))") }
        guard learningRate.isFinite, learningRate > 0 else { throw .invalidOption("the learning rate must be positive (got \(learningRate))") }
        guard shardCount >= 1 else { throw .invalidOption("shardCount must be at least 1") }
        guard loss.temperature.isFinite, loss.temperature > 0 else { throw .invalidOption("the temperature must be positive") }
        guard loss.labelWeight >= 0, loss.labelWeight <= 1 else { throw .invalidOption("the label weight must be in [0, 1]") }
    }
}

/// Where a training run is, for progress output.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var batch: Int
    public var batches: Int
    /// Mean loss of the epoch's batches so far.
    public var loss: Float
    /// Validation accuracy in [0, 1] at the end of an epoch (nil inside an epoch or without validation data).
    public var validationAccuracy: Double?
    public var elapsedSeconds: Double
    public var estimatedSecondsLeft: Double
}

/// What a training run did.
public struct TrainingSummary: Sendable {
    public var epochLosses: [Float] = []
    public var validationAccuracies: [Double] = []
    public var secondsPerEpoch: [Double] = []
}

/// SplitMix64: a small seeded generator for reproducible shuffles.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
