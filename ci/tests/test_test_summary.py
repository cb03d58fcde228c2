"""ci/test-summary counts what a `swift test` log reports, serial or `--parallel` (hand-written log excerpts in
both formats, as swift-corelibs-xctest, SwiftPM's parallel runner and Swift Testing print them)."""
import pathlib
import subprocess
import sys
import tempfile
import unittest

SUMMARY = pathlib.Path(__file__).resolve().parents[1] / "test-summary"

SERIAL = """\
Test Case 'AlphaTests.testOne' started at 2026-12-03 20:00:00.000
Test Case 'AlphaTests.testOne' passed (0.001 seconds)
Test Case 'AlphaTests.testTwo' failed (0.002 seconds)
Test Case 'AlphaTests.testThree' skipped (0.000 seconds)
\u2714 Test swiftTestingPasses() passed after 0.1 seconds.
\u2718 Test swiftTestingFails() failed after 0.1 seconds with 1 issue.
\u2714 Test run with 2 tests in 1 suite passed after 0.2 seconds.
"""

PARALLEL = """\
[1/3] Testing BenchTests.AlphaTests/testOne
[2/3] Testing BenchTests.AlphaTests/testTwo
[3/3] Testing DeviceLinkTests.BetaTests/testThree
Test Case 'AlphaTests.testTwo' started at 2026-12-03 20:00:00.000
/x/AlphaTests.swift:3: error: AlphaTests.testTwo : failed - nope
Test Case 'AlphaTests.testTwo' failed (0.011 seconds)
\u2714 Test swiftTestingPasses() passed after 0.1 seconds.
"""


def summarize(log, status):
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as file:
        file.write(log)
    result = subprocess.run([sys.executable, str(SUMMARY), file.name, str(status)], capture_output=True, text=True)
    pathlib.Path(file.name).unlink()
    return result.returncode, result.stdout.strip().splitlines()


class TestSummaryTests(unittest.TestCase):
    def test_serial_log_counts_each_outcome(self):
        code, lines = summarize(SERIAL, 1)
        self.assertEqual(code, 1)
        self.assertEqual(lines[0], "failed tests: AlphaTests.testTwo, swiftTestingFails()")
        self.assertEqual(lines[-1], "tests: 2 passed, 2 failed, 1 skipped (skipped: AlphaTests.testThree)")

    def test_parallel_log_counts_progress_lines_without_a_failure_as_passed(self):
        code, lines = summarize(PARALLEL, 1)
        self.assertEqual(code, 1)
        self.assertEqual(lines[0], "failed tests: AlphaTests.testTwo")
        self.assertEqual(lines[-1], "tests: 3 passed, 1 failed, 0 skipped")

    def test_a_clean_parallel_log_passes_and_an_empty_one_does_not(self):
        clean = "[1/2] Testing BenchTests.AlphaTests/testOne\n[2/2] Testing BenchTests.AlphaTests/testTwo\n"
        self.assertEqual(summarize(clean, 0), (0, ["tests: 2 passed, 0 failed, 0 skipped"]))
        code, lines = summarize("", 0)
        self.assertEqual(code, 1)
        self.assertIn("no test ran", lines)


if __name__ == "__main__":
    unittest.main()
