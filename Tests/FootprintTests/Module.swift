// Test target FootprintTests.
