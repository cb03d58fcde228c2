"""Tests of the parallel HIL gate (ci/hil_gate_parallel.py through ci/hil-gate).

    python3 -m unittest discover -s ci/tests -v        (from the repository root, after `swift build --build-tests`)

The first class checks the partition and the JUnit merge on hand-written JUnit files. The second runs the real gate
(`ci/hil-gate`) on a bench file of two virtual boards (two QEMU processes) with a tiny subset of fast HIL tests
(HIL_GATE_TEST_FILTER overrides it): once as it is, and once with the test process of one board killed, which must
fail the gate, name the board, and still list every test exactly once in the merged JUnit file.
"""
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "ci"))
import hil_gate_parallel as gate  # noqa: E402

# Three quick virtual-bench tests (a few seconds each on an idle machine): one Swift Testing, two XCTest.
FAST_SUBSET = os.environ.get(
    "HIL_GATE_TEST_FILTER",
    r"HILTests\.(ReadmeExampleTests/|AssertionsBiteTests/testAFootprint|SwiftTestingReportingTests/)")


def write(path, text):
    with open(path, "w") as f:
        f.write(textwrap.dedent(text))


class PartitionAndMergeTests(unittest.TestCase):
    def test_without_durations_the_tests_go_round_robin(self):
        tests = ["M.A/t1", "M.A/t2", "M.B/t3", "M.B/t4", "M.C/t5"]
        self.assertEqual(gate.partition(tests, ["b1", "b2"], {}),
                         {"b1": ["M.A/t1", "M.B/t3", "M.C/t5"], "b2": ["M.A/t2", "M.B/t4"]})

    def test_recorded_durations_balance_the_boards(self):
        # Hand-balanced: 10 alone against 4+3+2+1 (=10) is the only split with equal loads.
        durations = {"M.A/a": 10.0, "M.A/b": 4.0, "M.A/c": 3.0, "M.A/d": 2.0, "M.A/e": 1.0}
        split = gate.partition(list(durations), ["b1", "b2"], durations)
        self.assertEqual(split, {"b1": ["M.A/a"], "b2": ["M.A/b", "M.A/c", "M.A/d", "M.A/e"]})

    def test_every_board_gets_its_own_sqlite_store_but_shares_a_postgres_database(self):
        saved = os.environ.get("TINYHIL_STORE")
        try:
            os.environ["TINYHIL_STORE"] = "/tmp/s/results.sqlite"
            self.assertEqual(gate.board_store("vb 1"), "/tmp/s/results-vb_1.sqlite")
            url = "postgres://u:p@db.farm:5432/results"
            os.environ["TINYHIL_STORE"] = url
            self.assertEqual(gate.board_store("vb1"), url)
        finally:
            if saved is None:
                os.environ.pop("TINYHIL_STORE", None)
            else:
                os.environ["TINYHIL_STORE"] = saved

    def test_an_exact_filter_escapes_swift_testing_names(self):
        pattern = gate.exact_filter("HILTests.S/f()")
        self.assertEqual(pattern, r"^HILTests\.S/f\(\)(/|$)")
        self.assertRegex("HILTests.S/f()/S.swift:12:6", pattern)
        self.assertNotRegex("HILTests.S/f()x", pattern)
        self.assertNotRegex("HILTests.A/testOneMore", gate.exact_filter("HILTests.A/testOne"))

    def test_the_merge_keeps_every_test_once_and_turns_unreported_ones_into_errors(self):
        with tempfile.TemporaryDirectory() as directory:
            write(os.path.join(directory, "b1.xml"), """\
                <testsuites><testsuite name="TestResults">
                <testcase classname="M.A" name="t1" time="1.5"/>
                <testcase classname="M.A" name="t2" time="2"><failure message="broken"/></testcase>
                </testsuite></testsuites>""")
            write(os.path.join(directory, "b1-swift-testing.xml"), """\
                <testsuites><testsuite name="TestResults">
                <testcase classname="M.S" name="f()" time="0.5"/>
                </testsuite></testsuites>""")
            results = [
                {"board": "b1", "assigned": ["M.A/t1", "M.A/t2", "M.S/f()"], "returncode": 1, "seconds": 4.0,
                 "junit_files": [os.path.join(directory, "b1.xml"), os.path.join(directory, "b1-swift-testing.xml")]},
                {"board": "b2", "assigned": ["M.B/t3"], "returncode": -9, "seconds": 1.0, "junit_files": []},
            ]
            root, problems = gate.merge(results)
        ids = [gate.case_id(t) for t in root.iter("testcase")]
        self.assertEqual(sorted(ids), ["M.A/t1", "M.A/t2", "M.B/t3", "M.S/f()"])
        self.assertEqual((root.get("tests"), root.get("failures"), root.get("errors")), ("4", "1", "1"))
        lost = next(t for t in root.iter("testcase") if t.get("name") == "t3")
        self.assertIn("board b2 was killed by SIGKILL", lost.find("error").get("message"))
        self.assertEqual(problems, ["M.B/t3 not reported: board b2's test process was killed by SIGKILL"])

    def test_a_test_reported_by_two_boards_is_a_problem(self):
        with tempfile.TemporaryDirectory() as directory:
            for board in ("b1", "b2"):
                write(os.path.join(directory, f"{board}.xml"),
                      '<testsuites><testsuite><testcase classname="M.A" name="t1" time="1"/></testsuite></testsuites>')
            results = [{"board": b, "assigned": ["M.A/t1"] if b == "b1" else [], "returncode": 0, "seconds": 1.0,
                        "junit_files": [os.path.join(directory, f"{b}.xml")]} for b in ("b1", "b2")]
            root, problems = gate.merge(results)
        self.assertEqual(len(list(root.iter("testcase"))), 1)
        self.assertEqual(problems, ["M.A/t1 reported twice (boards b1 and b2)"])


class GateOnTwoVirtualBoardsTests(unittest.TestCase):
    """Runs ci/hil-gate for real (QEMU); each run takes about as long as the slowest board's share."""

    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.addCleanup(self.directory.cleanup)
        self.bench = os.path.join(self.directory.name, "bench.yml")
        write(self.bench, """\
            boards:
              vb1:
                board: virtual
                board_id: gate-test-vb1
              vb2:
                board: virtual
                board_id: gate-test-vb2
            """)

    def run_gate(self, swift_test=None):
        out = os.path.join(self.directory.name, "out")
        environment = dict(os.environ, TINYHIL_BENCH=self.bench, HIL_FILTER=FAST_SUBSET,
                           TINYHIL_STORE=os.path.join(self.directory.name, "results.sqlite"))
        environment.pop("TINYHIL_BOARD", None)
        environment.pop("HIL_BOARDS", None)
        environment.pop("HIL_DURATIONS", None)
        if swift_test:
            environment["HIL_SWIFT_TEST"] = swift_test
        gate_run = subprocess.run([os.path.join(ROOT, "ci", "hil-gate"), out], cwd=ROOT, env=environment,
                                  capture_output=True, text=True, timeout=1800)
        junit = ET.parse(os.path.join(out, "junit.xml")).getroot()
        return gate_run, junit

    def expected_tests(self):
        return gate.list_tests("swift test", FAST_SUBSET)

    def test_the_merged_junit_holds_every_test_once_and_both_boards_ran(self):
        expected = self.expected_tests()
        self.assertGreaterEqual(len(expected), 2, "the subset must give both boards a test")
        gate_run, junit = self.run_gate()
        output = gate_run.stdout + gate_run.stderr
        self.assertEqual(gate_run.returncode, 0, output)
        ids = [gate.case_id(t) for t in junit.iter("testcase")]
        self.assertEqual(sorted(ids), sorted(expected), output)
        suites = {s.get("name"): int(s.get("tests")) for s in junit.iter("testsuite")}
        self.assertEqual(set(suites), {"hil-gate/vb1", "hil-gate/vb2"})
        self.assertTrue(all(count > 0 for count in suites.values()), suites)
        self.assertEqual(junit.get("failures"), "0")
        self.assertEqual(junit.get("errors"), "0")

    def test_a_killed_board_process_fails_the_gate_by_name_and_loses_no_test(self):
        expected = self.expected_tests()
        killer = os.path.join(self.directory.name, "swift-test-killing-vb2")
        write(killer, """\
            #!/bin/sh
            # Runs swift test, except that the test run for board vb2 dies at once (SIGKILL).
            if [ "$TINYHIL_BOARD" = vb2 ] && [ "$1" != list ]; then kill -KILL $$; fi
            exec swift test "$@"
            """)
        os.chmod(killer, 0o755)
        gate_run, junit = self.run_gate(swift_test=killer)
        output = gate_run.stdout + gate_run.stderr
        self.assertEqual(gate_run.returncode, 1, output)
        self.assertIn("test process failed on vb2 (was killed by SIGKILL)", output)
        ids = [gate.case_id(t) for t in junit.iter("testcase")]
        self.assertEqual(sorted(ids), sorted(expected), output)
        lost = [t for t in junit.iter("testcase") if t.find("error") is not None]
        vb2 = next(s for s in junit.iter("testsuite") if s.get("name") == "hil-gate/vb2")
        self.assertEqual(len(lost), int(vb2.get("tests")))
        self.assertGreater(len(lost), 0)
        self.assertTrue(all("board vb2 was killed by SIGKILL" in t.find("error").get("message") for t in lost))


if __name__ == "__main__":
    unittest.main()
