import Foundation

/// Trains a ``TrainingGraph`` with mini-batch gradient descent: every mini-batch is split into shards that run
/// forward and backward concurrently (structured concurrency, one task per shard), their gradients are summed
/// in shard order, and the optimizer updates the parameters.
public struct Trainer: Sendable {
    public let options: TrainingOptions

    public init(options: TrainingOptions) { self.options = options }

    /// Trains `graph` on `data` (labels and/or a `teacher` to distil from), reporting progress after every batch
    /// and validation accuracy after every epoch.
    public func train(_ graph: inout TrainingGraph, on data: TrainingSamples, teacher: TrainingGraph? = nil,
                      validation: TrainingSamples? = nil,
                      progress: (@Sendable (TrainingProgress) -> Void)? = nil) async throws -> TrainingSummary {
        try options.validate()
        try Self.check(data, for: graph, needsSignal: true, teacher: teacher)
        if let validation { try Self.check(validation, for: graph, needsSignal: false, teacher: nil) }
        let session = TrainingSession(graph: graph, teacher: teacher, options: options)
        var state = OptimizerState(optimizer: options.optimizer, parameters: graph.parameters)
        var generator = SeededGenerator(seed: options.seed)
        var order = Array(0..<data.count)
        let batches = (data.count + options.batchSize - 1) / options.batchSize
        let totalSteps = batches * options.epochs
        var summary = TrainingSummary()
        let start = Date()
        var step = 0
        for epoch in 0..<options.epochs {
            let epochStart = Date()
            order.shuffle(using: &generator)
            var lossSum: Double = 0
            for batch in 0..<batches {
                try Task.checkCancellation()
                let indices = Array(order[(batch * options.batchSize)..<min((batch + 1) * options.batchSize, data.count)])
                let rate = options.schedule.rate(base: options.learningRate, step: step, totalSteps: totalSteps, epoch: epoch)
                let loss = await session.step(graph: &graph, state: &state, data: data, indices: indices, learningRate: rate)
                guard loss.isFinite else { throw TrainingError.nonFiniteLoss(epoch: epoch, batch: batch, value: loss) }
                lossSum += Double(loss)
                step += 1
                if let progress {
                    let elapsed = Date().timeIntervalSince(start)
                    progress(TrainingProgress(epoch: epoch, epochs: options.epochs, batch: batch, batches: batches,
                                              loss: Float(lossSum / Double(batch + 1)), validationAccuracy: nil,
                                              elapsedSeconds: elapsed,
                                              estimatedSecondsLeft: elapsed / Double(step) * Double(totalSteps - step)))
                }
            }
            summary.epochLosses.append(Float(lossSum / Double(batches)))
            summary.secondsPerEpoch.append(Date().timeIntervalSince(epochStart))
            if let validation {
                let accuracy = try await graph.accuracy(on: validation, batchSize: max(options.batchSize, 256))
                summary.validationAccuracies.append(accuracy)
                if let progress {
                    let elapsed = Date().timeIntervalSince(start)
                    progress(TrainingProgress(epoch: epoch, epochs: options.epochs, batch: batches - 1, batches: batches,
                                              loss: summary.epochLosses.last!, validationAccuracy: accuracy,
                                              elapsedSeconds: elapsed,
                                              estimatedSecondsLeft: elapsed / Double(step) * Double(totalSteps - step)))
                }
            }
        }
        return summary
    }

    /// One optimizer step on the given samples (for tests against a reference implementation). Returns the
    /// mean loss of the batch before the update.
    public func step(_ graph: inout TrainingGraph, on data: TrainingSamples, indices: [Int], teacher: TrainingGraph? = nil,
                     stepCount: Int = 1) async throws -> [Float] {
        try options.validate()
        try Self.check(data, for: graph, needsSignal: true, teacher: teacher)
        let session = TrainingSession(graph: graph, teacher: teacher, options: options)
        var state = OptimizerState(optimizer: options.optimizer, parameters: graph.parameters)
        var losses: [Float] = []
        for _ in 0..<stepCount {
            losses.append(await session.step(graph: &graph, state: &state, data: data, indices: indices,
                                             learningRate: options.learningRate))
        }
        return losses
    }

    static func check(_ data: TrainingSamples, for graph: TrainingGraph, needsSignal: Bool,
                      teacher: TrainingGraph?) throws(TrainingError) {
        guard data.count > 0 else { throw .emptyData(data.name) }
        guard data.sampleElements == graph.inputSampleElements else {
            throw .inputShapeMismatch(expected: graph.inputSampleShape, actual: [data.sampleElements])
        }
        let classes = graph.outputSampleElements
        if let labels = data.labels {
            if let bad = labels.firstIndex(where: { $0 < 0 || Int($0) >= classes }) {
                throw .labelOutOfRange(index: bad, label: Int(labels[bad]), classCount: classes)
            }
        } else if needsSignal, teacher == nil {
            throw .noTrainingSignal
        }
        if let teacher {
            guard teacher.inputSampleElements == graph.inputSampleElements else {
                throw .teacherMismatch("its input has \(teacher.inputSampleElements) values per sample, the student's \(graph.inputSampleElements)")
            }
            guard teacher.outputSampleElements == classes else {
                throw .teacherMismatch("it has \(teacher.outputSampleElements) outputs, the student \(classes)")
            }
        }
    }
}

/// Workspaces of one training run (one per shard, for student and teacher) and the step that uses them.
struct TrainingSession: Sendable {
    let shardCount: Int
    let loss: Loss
    let studentSpaces: [Workspace]
    let teacherSpaces: [Workspace]
    let teacher: TrainingGraph?

    init(graph: TrainingGraph, teacher: TrainingGraph?, options: TrainingOptions) {
        let shards = max(1, min(options.shardCount, options.batchSize))
        shardCount = shards
        loss = options.loss
        let capacity = (options.batchSize + shards - 1) / shards
        studentSpaces = (0..<shards).map { _ in Workspace(graph: graph, capacity: capacity, withGradients: true) }
        if let teacher {
            teacherSpaces = (0..<shards).map { _ in Workspace(graph: teacher, capacity: capacity, withGradients: false) }
        } else {
            teacherSpaces = []
        }
        self.teacher = teacher
    }

    /// Forward, loss, backward on every shard concurrently; gradients summed in shard order; one update.
    func step(graph: inout TrainingGraph, state: inout OptimizerState, data: TrainingSamples, indices: [Int],
              learningRate: Float) async -> Float {
        let (loss, gradients) = await lossAndGradients(graph: graph, data: data, indices: indices)
        state.apply(gradients: gradients, to: &graph.parameters, learningRate: learningRate)
        return loss
    }

    /// The mean loss over `indices` and its gradient for every parameter (masked entries zero).
    func lossAndGradients(graph: TrainingGraph, data: TrainingSamples, indices: [Int]) async -> (Float, [[Float]]) {
        let shards = shardRanges(count: indices.count)
        let snapshot = graph
        let forwardParameters = graph.forwardParameters
        let teacher = self.teacher
        let loss = self.loss
        let losses = await withTaskGroup(of: (Int, Float).self) { group in
            for (s, range) in shards.enumerated() {
                let workspace = studentSpaces[s]
                let teacherSpace = teacherSpaces.isEmpty ? nil : teacherSpaces[s]
                let shardIndices = Array(indices[range])
                group.addTask {
                    let lossSum = Self.runShard(graph: snapshot, parameters: forwardParameters, workspace: workspace, teacher: teacher, teacherSpace: teacherSpace,
                                                loss: loss, data: data, indices: shardIndices, batchTotal: indices.count)
                    return (s, lossSum)
                }
            }
            var values = [Float](repeating: 0, count: shards.count)
            for await (s, value) in group { values[s] = value }
            return values
        }
        var gradients: [[Float]] = []
        gradients.reserveCapacity(graph.parameters.count)
        for p in graph.parameters.indices {
            let count = graph.parameters[p].values.count
            var sum = [Float](repeating: 0, count: count)
            for s in shards.indices {
                let g = studentSpaces[s].parameterGradients[p]
                sum.withUnsafeMutableBufferPointer { out in for i in 0..<count { out[i] += g[i] } }
            }
            if let mask = graph.parameters[p].mask {
                for i in 0..<count where mask[i] == 0 { sum[i] = 0 }
            }
            gradients.append(sum)
        }
        return (losses.reduce(0, +) / Float(indices.count), gradients)
    }

    func shardRanges(count: Int) -> [Range<Int>] {
        let shards = max(1, min(shardCount, count))
        return (0..<shards).map { s in (s * count / shards)..<((s + 1) * count / shards) }
    }

    /// `parameters`: the graph's ``TrainingGraph/forwardParameters`` (fake-quantized under QAT); their gradients
    /// are applied to the float parameters unchanged (straight through).
    static func runShard(graph: TrainingGraph, parameters: [Parameter], workspace: Workspace, teacher: TrainingGraph?, teacherSpace: Workspace?,
                         loss: Loss, data: TrainingSamples, indices: [Int], batchTotal: Int) -> Float {
        let batch = indices.count
        workspace.zeroGradients()
        data.fill(indices, into: workspace.value(graph.inputTensor))
        graph.forward(batch: batch, workspace: workspace, parameters: parameters)
        var teacherLogits: UnsafePointer<Float>?
        if let teacher, let teacherSpace {
            data.fill(indices, into: teacherSpace.value(teacher.inputTensor))
            teacher.forward(batch: batch, workspace: teacherSpace, parameters: teacher.forwardParameters)
            teacherLogits = UnsafePointer(teacherSpace.value(teacher.logitsTensor))
        }
        let classes = graph.outputSampleElements
        let labels = data.labels.map { all in ArraySlice(indices.map { all[$0] }) }
        let value = loss.evaluate(rows: batch, classes: classes, logits: workspace.value(graph.logitsTensor),
                                  scale: graph.logitsScale, labels: labels, teacherLogits: teacherLogits,
                                  teacherScale: teacher?.logitsScale ?? 1, batchTotal: batchTotal,
                                  gradient: workspace.gradient(graph.logitsTensor)!)
        graph.backward(batch: batch, workspace: workspace, parameters: parameters)
        return value
    }
}
