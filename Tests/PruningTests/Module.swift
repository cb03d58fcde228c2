// Test target PruningTests.
