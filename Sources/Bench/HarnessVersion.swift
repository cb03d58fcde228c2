/// The version of the TinyHIL harness that records results.
public enum HarnessVersion {
    public static let current = "0.1.0"
}
