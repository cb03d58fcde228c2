// Test target InferenceTests.
