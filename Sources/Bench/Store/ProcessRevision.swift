extension RepositoryRevision {
    /// The repository commit of this process's results, looked up once (the first time a result is stored) rather
    /// than by two `git` processes per stored result.
    public static let ofThisProcess: String? = current()
}
