// HIL suite.
