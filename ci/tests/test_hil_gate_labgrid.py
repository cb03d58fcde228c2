"""End-to-end: the parallel HIL gate across two labgrid places (issue 16, item 5, with the SQLite store).

    python3 -m unittest discover -s ci/tests -v        (from the repository root, after `swift build --build-tests`)

A labgrid coordinator and exporter on loopback serve two virtual boards (two QEMU processes on pseudo-terminals) as
place-1 and place-2 (ci/tests/labgrid_farm.py); a bench file names the places (`labgrid: PLACE`); ci/hil-gate runs
two quick tests that measure on the bench, one `swift test` per place. Every test must be in the merged
JUnit file exactly once, both places must have been acquired during the run and have run tests, and both must be
released at the end. Skipped without labgrid (ci/python-env installs it); under CI=true a failure instead.
"""
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "ci"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hil_gate_parallel as gate  # noqa: E402
import labgrid_farm  # noqa: E402

# Two quick tests that measure on the bench (one Swift Testing budget, one XCTest), so that each place gets one.
BENCH_SUBSET = os.environ.get(
    "HIL_GATE_LABGRID_FILTER",
    r"HILTests\.(AssertionsBiteTests/testATooTightEnergyBudget|PrunedLeNetBudgets/channelPruningSavesEnergy)")


class GateOnTwoLabgridPlacesTests(unittest.TestCase):
    def setUp(self):
        if labgrid_farm.tools() is None:
            message = "labgrid is not installed in .venv-tinyhil (run ci/python-env) or ser2net is missing"
            if os.environ.get("CI") == "true":
                self.fail("under CI=true: " + message)
            self.skipTest(message)
        self.directory = tempfile.TemporaryDirectory()
        self.addCleanup(self.directory.cleanup)
        self.farm = labgrid_farm.Farm(2)
        self.addCleanup(self.farm.stop)
        self.bench = labgrid_farm.write_two_place_bench_file(self.directory.name)

    def test_the_gate_runs_across_two_places_and_releases_both(self):
        expected = gate.list_tests("swift test", BENCH_SUBSET)
        out = os.path.join(self.directory.name, "out")
        store = os.path.join(self.directory.name, "results.sqlite")
        environment = dict(os.environ, TINYHIL_BENCH=self.bench, HIL_FILTER=BENCH_SUBSET, TINYHIL_STORE=store,
                           LG_COORDINATOR=self.farm.address)
        for name in ("TINYHIL_BOARD", "HIL_BOARDS", "HIL_DURATIONS", "HIL_SWIFT_TEST"):
            environment.pop(name, None)
        # Who holds each place while the gate runs: proof that the tests ran on the places, not on local boards.
        seen = {"place-1": set(), "place-2": set()}
        running = threading.Event()
        running.set()

        def watch():
            while running.is_set():
                for place in seen:
                    holder = self.farm.holder(place)
                    if holder:
                        seen[place].add(holder)
                time.sleep(0.5)
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            gate_run = subprocess.run([os.path.join(ROOT, "ci", "hil-gate"), out], cwd=ROOT, env=environment,
                                      capture_output=True, text=True, timeout=1800)
        finally:
            running.clear()
            watcher.join()
        output = gate_run.stdout + gate_run.stderr
        self.assertTrue(seen["place-1"] and seen["place-2"], "places acquired during the gate: %s\n%s" % (seen, output))
        self.assertEqual(gate_run.returncode, 0, output)
        junit = ET.parse(os.path.join(out, "junit.xml")).getroot()
        ids = [gate.case_id(t) for t in junit.iter("testcase")]
        self.assertEqual(sorted(ids), sorted(expected), output)
        suites = {s.get("name"): int(s.get("tests")) for s in junit.iter("testsuite")}
        self.assertEqual(set(suites), {"hil-gate/p1", "hil-gate/p2"})
        self.assertTrue(all(count > 0 for count in suites.values()), suites)
        self.assertEqual(junit.get("failures"), "0")
        self.assertEqual(junit.get("errors"), "0")
        with open(os.path.join(out, "budgets.jsonl")) as f:
            budgets = f.read()
        self.assertIn('"check":"energy ratio"', budgets, "the energy budget was measured (on a place: both were held)")
        for place in ("place-1", "place-2"):
            self.assertIsNone(self.farm.holder(place), "%s is still acquired after the gate" % place)


if __name__ == "__main__":
    unittest.main()
