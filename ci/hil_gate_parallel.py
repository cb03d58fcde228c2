#!/usr/bin/env python3
"""The parallel HIL gate: spreads the HIL suite over the boards of a bench file, one `swift test` per board.

Usage (normally through ci/hil-gate, which builds first and calls this when TINYHIL_BENCH names a file with
several boards and TINYHIL_BOARD is unset):

    ci/hil_gate_parallel.py OUTPUT_DIR BOARD [BOARD ...]

Environment: TINYHIL_BENCH (the bench file, required), HIL_FILTER (regular expression over the test list, default
HILTests), HIL_DURATIONS (a JUnit file of an earlier gate to balance by; default OUTPUT_DIR/junit.xml when present),
HIL_SWIFT_TEST (the command run per board, default "swift test"), TINYHIL_BIN (the built tinyhil, for the budgets
table), TINYHIL_STORE (each board records into its own store derived from it; default .tinyhil/results.sqlite; a
postgres:// URL is shared by every board).

Each board gets OUTPUT_DIR/boards/NAME/ with its JUnit file(s), budget log, traces and test.log. The merged
OUTPUT_DIR/junit.xml holds every selected test exactly once (one <testsuite> per board); a test that a process did
not report (it died, or never got to it) is an <error> naming the board and how its process ended. Exits 1 when a
process failed, a test failed or went unreported, or a budget was broken; 2 on a usage error.
"""
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

# `swift test list` prints one test per line: Module.Class/testName (XCTest) or Module.Suite/function() (Swift Testing).
TEST_ID = re.compile(r"^[A-Za-z_][\w]*\.[^/\s]+/\S.*$")


def list_tests(swift_test, filter_pattern):
    """The tests `swift test list` knows whose id matches `filter_pattern` (searched, like swift test --filter)."""
    command = shlex.split(swift_test) + ["list", "--skip-build", "--ignore-lock"]
    listed = subprocess.run(command, capture_output=True, text=True)
    if listed.returncode != 0:
        raise SystemExit(f"hil-gate: `{' '.join(command)}` failed ({listed.returncode}):\n{listed.stderr[-2000:]}")
    pattern = re.compile(filter_pattern)
    tests = [line.strip() for line in listed.stdout.splitlines() if TEST_ID.match(line.strip())]
    return [t for t in dict.fromkeys(tests) if pattern.search(t)]


def case_id(testcase):
    """A JUnit <testcase>'s id in `swift test list` form."""
    return f"{testcase.get('classname', '')}/{testcase.get('name', '')}"


def read_durations(path):
    """Seconds per test id from a JUnit file (an earlier gate's merged output); {} when absent or unreadable."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return {}
    durations = {}
    for testcase in root.iter("testcase"):
        try:
            durations[case_id(testcase)] = float(testcase.get("time", ""))
        except ValueError:
            pass
    return durations


def partition(tests, boards, durations):
    """Assigns tests to boards: longest known duration first, each to the least-loaded board (LPT). Tests without a
    recorded duration weigh the median of the known ones; with none known every test weighs the same, which makes
    this round-robin in list order. Returns {board: [test, ...]} in list order within each board."""
    known = sorted(durations[t] for t in tests if t in durations)
    fallback = known[len(known) // 2] if known else 1.0
    weight = {t: durations.get(t, fallback) for t in tests}
    order = sorted(range(len(tests)), key=lambda i: (-weight[tests[i]], i))
    load = {b: 0.0 for b in boards}
    assigned = {b: [] for b in boards}
    for i in order:
        board = min(boards, key=lambda b: (load[b], boards.index(b)))
        load[board] += weight[tests[i]]
        assigned[board].append(i)
    return {b: [tests[i] for i in sorted(assigned[b])] for b in boards}


def exact_filter(test):
    """A `--filter` matching exactly one test id (swift test searches the regular expression in the id). Swift
    Testing matches it against an id that goes on with the source location (`Suite/f()/File.swift:12:6`), so the
    name may be followed by `/` or the end, never by more of a longer name."""
    return "^" + re.escape(test) + "(/|$)"


def describe_exit(returncode):
    if returncode is None:
        return "did not finish"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name}"
    return f"exited with status {returncode}"


def board_junit_files(directory):
    """The JUnit files one `swift test --xunit-output junit.xml` wrote (XCTest's, and Swift Testing's beside it)."""
    return sorted(os.path.join(directory, f) for f in os.listdir(directory)
                  if f.startswith("junit") and f.endswith(".xml"))


def merge(results):
    """Merges per-board results into one JUnit tree.

    `results`: list of dicts with board, assigned (test ids), junit_files, returncode, seconds. Returns
    (ElementTree root, problems): problems are lines naming tests reported twice, reported but not assigned, or not
    reported at all (these become <error> test cases so nothing is lost)."""
    root = ET.Element("testsuites")
    problems = []
    seen = {}
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for result in results:
        board = result["board"]
        suite = ET.SubElement(root, "testsuite", name=f"hil-gate/{board}")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        reported = set()
        for path in result["junit_files"]:
            try:
                tree = ET.parse(path).getroot()
            except (OSError, ET.ParseError) as error:
                problems.append(f"board {board}: unreadable JUnit file {path}: {error}")
                continue
            for testcase in tree.iter("testcase"):
                test = case_id(testcase)
                if test in seen:
                    problems.append(f"{test} reported twice (boards {seen[test]} and {board})")
                    continue
                if test not in result["assigned"]:
                    problems.append(f"{test} reported by board {board}, which was not asked to run it")
                seen[test] = board
                reported.add(test)
                suite.append(testcase)
                counts["tests"] += 1
                for kind, key in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
                    if testcase.find(kind) is not None:
                        counts[key] += 1
        how = describe_exit(result["returncode"])
        for test in result["assigned"]:
            if test in reported:
                continue
            problems.append(f"{test} not reported: board {board}'s test process {how}")
            classname, _, name = test.partition("/")
            testcase = ET.SubElement(suite, "testcase", classname=classname, name=name, time="0")
            ET.SubElement(testcase, "error", message=f"not reported: the test process for board {board} {how}"
                          f" (see boards/{board}/test.log)")
            seen[test] = board
            counts["tests"] += 1
            counts["errors"] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", f"{result['seconds']:.3f}")
    for key, value in totals.items():
        root.set(key, str(value))
    return root, problems


def board_store(board):
    """Each board's own result store, derived from TINYHIL_STORE (results.sqlite -> results-BOARD.sqlite); a shared
    PostgreSQL database (postgres://…) is used by every board as it is (docs/bench-farm.md)."""
    base = os.environ.get("TINYHIL_STORE") or ".tinyhil/results.sqlite"
    if re.match(r"(?i)postgres(ql)?://", base):
        return base
    stem, extension = os.path.splitext(base)
    safe = re.sub(r"[^\w.-]", "_", board)
    return f"{stem}-{safe}{extension or '.sqlite'}"


# Concurrent `swift test --skip-build --ignore-lock` processes may collide while each opens .build/build.db at start;
# the one that loses exits at once with this message and is started again (no test has run in it yet).
BUILD_DB_LOCKED = "database is locked"
START_ATTEMPTS = 5


def start_board(board, tests, directory, swift_test, attempt):
    environment = dict(os.environ, TINYHIL_BOARD=board,
                       TINYHIL_BUDGET_LOG=os.path.join(directory, "budgets.jsonl"),
                       TINYHIL_TRACES=os.path.join(directory, "traces"),
                       TINYHIL_STORE=board_store(board))
    if not re.match(r"(?i)postgres(ql)?://", environment["TINYHIL_STORE"]):
        os.makedirs(os.path.dirname(environment["TINYHIL_STORE"]) or ".", exist_ok=True)
    # --parallel with one worker: one test at a time on this board, and XCTest writes JUnit only in this mode.
    command = shlex.split(swift_test) + ["--skip-build", "--ignore-lock", "--parallel", "--num-workers", "1",
                                         "--xunit-output", os.path.join(directory, "junit.xml")]
    for test in tests:
        command += ["--filter", exact_filter(test)]
    log = open(os.path.join(directory, "test.log"), "a")
    log.write(f"=== hil-gate: board {board}, attempt {attempt}: {shlex.join(command)}\n")
    log.flush()
    process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    print(f"hil-gate: board {board}: {len(tests)} tests, pid {process.pid}"
          + (f" (start attempt {attempt})" if attempt > 1 else ""), flush=True)
    return process, log


def lost_the_build_db_race(directory, log_offset):
    with open(os.path.join(directory, "test.log"), errors="replace") as log:
        log.seek(log_offset)
        text = log.read()
    return BUILD_DB_LOCKED in text and "Test Case '" not in text and "Test run started" not in text


def run_boards(out, assignments, swift_test):
    """Starts one `swift test` per board with its share of the tests, waits for all; returns per-board results."""
    running = {}
    results = {}
    for board, tests in assignments.items():
        directory = os.path.join(out, "boards", board)
        os.makedirs(os.path.join(directory, "traces"), exist_ok=True)
        for old in board_junit_files(directory) + [os.path.join(directory, n) for n in ("budgets.jsonl", "test.log")]:
            if os.path.exists(old):
                os.remove(old)
        results[board] = {"board": board, "assigned": tests, "directory": directory, "returncode": 0,
                          "seconds": 0.0, "attempts": 0}
        if tests:
            process, log = start_board(board, tests, directory, swift_test, 1)
            running[board] = (process, log, time.monotonic(), 1, 0)
    while running:
        time.sleep(0.2)
        for board in list(running):
            process, log, started, attempt, log_offset = running[board]
            returncode = process.poll()
            if returncode is None:
                continue
            log.close()
            directory = results[board]["directory"]
            if returncode != 0 and attempt < START_ATTEMPTS and lost_the_build_db_race(directory, log_offset):
                time.sleep(1.0 * attempt)
                offset = os.path.getsize(os.path.join(directory, "test.log"))
                process, log = start_board(board, assignments[board], directory, swift_test, attempt + 1)
                running[board] = (process, log, started, attempt + 1, offset)
                continue
            del running[board]
            results[board].update(returncode=returncode, seconds=time.monotonic() - started, attempts=attempt)
    for result in results.values():
        result["junit_files"] = board_junit_files(result["directory"])
    return [results[board] for board in assignments]


def merge_budget_logs(out, results):
    merged = os.path.join(out, "budgets.jsonl")
    with open(merged, "w") as target:
        for result in results:
            path = os.path.join(result["directory"], "budgets.jsonl")
            if os.path.exists(path):
                with open(path) as source:
                    for line in source:
                        if line.strip():
                            target.write(line if line.endswith("\n") else line + "\n")
    return merged


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out = os.path.abspath(argv[1])
    boards = list(dict.fromkeys(argv[2:]))
    if not os.environ.get("TINYHIL_BENCH"):
        print("hil-gate: TINYHIL_BENCH must name the bench file whose boards are used", file=sys.stderr)
        return 2
    os.makedirs(out, exist_ok=True)
    swift_test = os.environ.get("HIL_SWIFT_TEST", "swift test")
    tests = list_tests(swift_test, os.environ.get("HIL_FILTER") or "HILTests")
    if not tests:
        print(f"hil-gate: no test matches HIL_FILTER={os.environ.get('HIL_FILTER') or 'HILTests'}", file=sys.stderr)
        return 1
    durations_file = os.environ.get("HIL_DURATIONS") or os.path.join(out, "junit.xml")
    durations = read_durations(durations_file)
    balance = "recorded durations" if any(t in durations for t in tests) else "round-robin"
    assignments = partition(tests, boards, durations)
    print(f"hil-gate: {len(tests)} tests over {len(boards)} boards ({balance})", flush=True)

    started = time.monotonic()
    results = run_boards(out, assignments, swift_test)
    wall = time.monotonic() - started

    root, problems = merge(results)
    ET.indent(root)
    ET.ElementTree(root).write(os.path.join(out, "junit.xml"), encoding="UTF-8", xml_declaration=True)

    budgets_status = 0
    budgets_log = merge_budget_logs(out, results)
    tinyhil = os.environ.get("TINYHIL_BIN")
    if tinyhil:
        budgets_status = subprocess.call([tinyhil, "budgets", budgets_log, "-o", os.path.join(out, "budgets.md"),
                                          "--fail-on-broken"])
        if os.path.exists(os.path.join(out, "budgets.md")):
            with open(os.path.join(out, "budgets.md")) as table:
                print(table.read(), end="")

    failed_boards = []
    for result in results:
        suite = next(s for s in root if s.get("name") == f"hil-gate/{result['board']}")
        line = (f"hil-gate: board {result['board']}: {suite.get('tests')} tests, {suite.get('failures')} failed, "
                f"{suite.get('errors')} errors, {suite.get('skipped')} skipped in {result['seconds']:.1f} s; "
                f"process {describe_exit(result['returncode'])}")
        print(line)
        if result["returncode"] != 0:
            failed_boards.append(f"{result['board']} ({describe_exit(result['returncode'])})")
    for problem in problems:
        print(f"hil-gate: {problem}", file=sys.stderr)
    print(f"hil-gate: wall time {wall:.1f} s for {len(tests)} tests on {len(boards)} boards")

    failures = int(root.get("failures")) + int(root.get("errors"))
    if failed_boards or failures or problems or budgets_status != 0:
        reasons = []
        if failed_boards:
            reasons.append("test process failed on " + ", ".join(failed_boards))
        if failures:
            reasons.append(f"{failures} tests failed or went unreported")
        if budgets_status != 0:
            reasons.append(f"budgets exit {budgets_status}")
        print(f"hil-gate: FAILED ({'; '.join(reasons) or 'see above'}); see {out}/", file=sys.stderr)
        return 1
    print(f"hil-gate: all tests passed and all budgets met on {len(boards)} boards; see {out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
