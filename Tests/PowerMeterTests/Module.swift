// Test target PowerMeterTests.
