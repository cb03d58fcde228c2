#!/usr/bin/env python3
"""Wall time of the parallel HIL gate on one labgrid place against two (issue 16's gate criterion).

    nice python3 benchmarks/labgrid_gate_time.py [HIL_FILTER]     (after `swift build --build-tests` and ci/python-env)

Starts the loopback farm of ci/tests/labgrid_farm.py (a labgrid coordinator, an exporter, two QEMU boards on
pseudo-terminals as place-1 and place-2), then runs ci/hil-gate on a bench file naming both places: first on place-1
only (HIL_BOARDS=p1), then on both, balanced by the first run's durations. Prints each run's wall time, as the gate
measures it, and the ratio. Both boards run on this machine, so on a small machine the ratio shows its cores, not
the farm: boards on separate hosts do not share them.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "ci", "tests"))
import labgrid_farm  # noqa: E402

DEFAULT_FILTER = r"HILTests\.(PrunedLeNetBudgets|AssertionsBiteTests|BoardAgreementTests|FirmwareRegressionGateTests)"


def gate(out, bench, farm, test_filter, **extra):
    environment = dict(os.environ, TINYHIL_BENCH=bench, HIL_FILTER=test_filter, LG_COORDINATOR=farm.address,
                       TINYHIL_STORE=os.path.join(out, "store", "results.sqlite"), **extra)
    for name in ("TINYHIL_BOARD", "HIL_SWIFT_TEST") + (() if "HIL_BOARDS" in extra else ("HIL_BOARDS",)):
        environment.pop(name, None)
    started = time.monotonic()
    run = subprocess.run([os.path.join(ROOT, "ci", "hil-gate"), out], cwd=ROOT, env=environment, capture_output=True,
                         text=True)
    elapsed = time.monotonic() - started
    lines = [l for l in (run.stdout + run.stderr).splitlines() if l.startswith("hil-gate:")]
    wall = next((float(m.group(1)) for l in lines for m in [re.search(r"wall time ([\d.]+) s", l)] if m), None)
    return run.returncode, wall, elapsed, lines


def main():
    test_filter = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_FILTER
    if labgrid_farm.tools() is None:
        sys.exit("labgrid is not installed in .venv-tinyhil (run ci/python-env)")
    with tempfile.TemporaryDirectory() as directory:
        bench = os.path.join(directory, "bench.yml")
        with open(bench, "w") as f:
            f.write("boards:\n  p1:\n    labgrid: place-1\n  p2:\n    labgrid: place-2\n")
        farm = labgrid_farm.Farm(2)
        try:
            load = os.getloadavg()[0]
            one = gate(os.path.join(directory, "one"), bench, farm, test_filter, HIL_BOARDS="p1")
            two = gate(os.path.join(directory, "two"), bench, farm, test_filter,
                       HIL_DURATIONS=os.path.join(directory, "one", "junit.xml"))
            end_load = os.getloadavg()[0]
        finally:
            farm.stop()
    for name, (status, wall, elapsed, lines) in (("one place", one), ("two places", two)):
        print("%-10s exit %d, test processes %s s, whole gate %.1f s" % (name, status, wall, elapsed))
        for line in lines:
            print("    " + line)
    if one[1] and two[1]:
        print("ratio two/one: test processes %.2f, whole gate %.2f (load average %.1f -> %.1f, %d cores)"
              % (two[1] / one[1], two[2] / one[2], load, end_load, os.cpu_count()))


if __name__ == "__main__":
    main()
