// Test target TFLiteTests.
