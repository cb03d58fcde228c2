// Test target BenchTests.
