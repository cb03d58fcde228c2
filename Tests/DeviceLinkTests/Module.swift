// Test target DeviceLinkTests.
