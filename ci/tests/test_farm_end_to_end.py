"""End-to-end farm (issue 16, item 5): a labgrid coordinator and exporter on loopback serving two virtual boards as
two places, the parallel HIL gate run across both, and every result in one PostgreSQL database.

    python3 -m unittest discover -s ci/tests -v        (from the repository root, after `swift build --build-tests`)

The database is a throwaway PostgreSQL server (ci/postgres-test-server); the checks read it with psql, not with
TinyHIL's own store code: both places' board ids have result rows, and a run killed (SIGKILL) while it measures on
a place loses none of the rows committed before it and leaves the place released. Skipped without labgrid
(ci/python-env) or PostgreSQL's server programs (ci/install-deps); under CI=true a failure instead.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "ci"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hil_gate_parallel as gate  # noqa: E402
import labgrid_farm  # noqa: E402

SERVER_SCRIPT = os.path.join(ROOT, "ci", "postgres-test-server")
# Two budget tests that each record an energy comparison into the store, so that each place has rows of its own.
BENCH_SUBSET = os.environ.get(
    "HIL_FARM_FILTER",
    r"HILTests\.PrunedLeNetBudgets/(channelPruningSavesEnergy|magnitudePruningChangesNoEnergyOnDenseKernels)")
TINYHIL = os.path.join(ROOT, ".build", "debug", "tinyhil")


def postgres_missing():
    if not os.access(SERVER_SCRIPT, os.X_OK):
        return "ci/postgres-test-server is missing"
    found = subprocess.run(["bash", "-c", "ls -d /usr/lib/postgresql/*/bin/initdb"], capture_output=True, text=True)
    if found.returncode != 0 and not os.environ.get("TINYHIL_POSTGRES_BINDIR"):
        return "PostgreSQL's server programs are not installed (ci/install-deps installs postgresql)"
    return None


class FarmEndToEndTests(unittest.TestCase):
    def setUp(self):
        missing = []
        if labgrid_farm.tools() is None:
            missing.append("labgrid is not installed in .venv-tinyhil (run ci/python-env) or ser2net is missing")
        if postgres_missing():
            missing.append(postgres_missing())
        if missing:
            message = "; ".join(missing)
            if os.environ.get("CI") == "true":
                self.fail("under CI=true: " + message)
            self.skipTest(message)
        self.directory = tempfile.TemporaryDirectory()
        self.addCleanup(self.directory.cleanup)
        # Not inside the private temporary directory: the server runs as another user (postgres) when we are root,
        # and must reach its directory (ci/postgres-test-server creates it; its "stop" removes it).
        self.server_directory = os.path.join(tempfile.gettempdir(), "tinyhil-farm-postgres-%d" % os.getpid())
        started = subprocess.run([SERVER_SCRIPT, "start", self.server_directory], capture_output=True, text=True,
                                 timeout=120)
        self.assertEqual(started.returncode, 0, started.stderr)
        self.addCleanup(subprocess.run, [SERVER_SCRIPT, "stop", self.server_directory], capture_output=True,
                        timeout=60)
        values = dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
        self.database_url = values["url"]
        self.farm = labgrid_farm.Farm(2)
        self.addCleanup(self.farm.stop)
        self.bench = labgrid_farm.write_two_place_bench_file(self.directory.name)

    def psql(self, sql):
        """Rows of `sql` in the test database, columns split on '|' (psql -A -t)."""
        result = subprocess.run([SERVER_SCRIPT, "psql", self.server_directory, "tinyhil", sql], capture_output=True,
                                text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return [line.split("|") for line in result.stdout.splitlines() if line]

    def rows_per_board(self):
        return {board: int(count) for board, count in
                self.psql('SELECT "boardID", count(*) FROM "result" GROUP BY "boardID" ORDER BY 1')}

    def environment(self, **extra):
        environment = dict(os.environ, TINYHIL_STORE=self.database_url, LG_COORDINATOR=self.farm.address, **extra)
        for name in ("TINYHIL_BOARD", "HIL_BOARDS", "HIL_DURATIONS", "HIL_SWIFT_TEST", "TINYHIL_BENCH"):
            if name not in extra:
                environment.pop(name, None)
        return environment

    def test_the_gate_across_two_places_records_into_one_database_and_a_killed_run_loses_nothing(self):
        expected = gate.list_tests("swift test", BENCH_SUBSET)
        out = os.path.join(self.directory.name, "out")
        gate_run = subprocess.run([os.path.join(ROOT, "ci", "hil-gate"), out], cwd=ROOT,
                                  env=self.environment(TINYHIL_BENCH=self.bench, HIL_FILTER=BENCH_SUBSET),
                                  capture_output=True, text=True, timeout=1800)
        output = gate_run.stdout + gate_run.stderr
        self.assertEqual(gate_run.returncode, 0, output)
        junit = ET.parse(os.path.join(out, "junit.xml")).getroot()
        self.assertEqual(sorted(gate.case_id(t) for t in junit.iter("testcase")), sorted(expected), output)
        self.assertEqual(junit.get("failures"), "0")
        # Both places' boards wrote into the one database (each place ran one of the two measuring tests).
        before = self.rows_per_board()
        self.assertEqual(set(before), {"farm-place-1", "farm-place-2"}, "%s\n%s" % (before, output))
        self.assertTrue(all(count > 0 for count in before.values()), before)
        for place in ("place-1", "place-2"):
            self.assertIsNone(self.farm.holder(place), "%s is still acquired after the gate" % place)

        # A run killed while it measures on place-1: no committed row is lost, and the place is released.
        self.assertTrue(os.access(TINYHIL, os.X_OK), "build first: swift build --build-tests")
        run = subprocess.Popen(
            [TINYHIL, "measure", os.path.join(ROOT, "fixtures/models/lenet_channel_pruned_int8.tflite"),
             "--baseline", os.path.join(ROOT, "fixtures/models/lenet_int8.tflite"), "--bench", "labgrid:place-1"],
            cwd=ROOT, env=self.environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while self.farm.holder("place-1") is None and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.2)
        self.assertIsNotNone(self.farm.holder("place-1"), "the measure run never acquired place-1")
        time.sleep(3)   # uploading and measuring on the board by now
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
        run.stdout.close()
        released = time.monotonic() + 30
        while self.farm.holder("place-1") is not None and time.monotonic() < released:
            time.sleep(0.5)
        self.assertIsNone(self.farm.holder("place-1"), "place-1 is still held 30 s after the run was killed")
        after = self.rows_per_board()
        for board, count in before.items():
            self.assertGreaterEqual(after.get(board, 0), count, "committed rows of %s were lost: %s -> %s"
                                    % (board, before, after))


if __name__ == "__main__":
    unittest.main()
