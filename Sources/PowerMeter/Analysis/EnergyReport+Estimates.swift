extension EnergyReport {
    /// Median energy per inference over the windows after warm-up, with its bootstrap interval.
    public func energyPerInferenceEstimate(bootstrap: BootstrapSettings = BootstrapSettings()) throws(StatisticsError) -> Estimate<Joules> {
        try Estimate.median(of: energyPerInference, bootstrap: bootstrap)
    }

    /// Median latency per inference (window duration ÷ inferences) over the windows after warm-up, with its
    /// bootstrap interval.
    public func latencyPerInferenceEstimate(bootstrap: BootstrapSettings = BootstrapSettings()) throws(StatisticsError) -> Estimate<Seconds> {
        try Estimate.median(of: latencyPerInference, bootstrap: bootstrap)
    }
}
