"""A labgrid farm on loopback for the gate's end-to-end test (Python standard library only).

A real labgrid coordinator (labgrid 26, gRPC) on a free port, N virtual boards (the mps2-an385 firmware under QEMU,
each UART on a pseudo-terminal: `-serial pty`), a real labgrid exporter exporting each pty as a RawSerialPort named
`board` in group pico-N (the exporter starts ser2net with an RFC 2217 accepter on it while the place is acquired),
and places place-1 ... place-N matching tinyhil-farm/pico-N/*. labgrid comes from the pinned .venv-tinyhil
(ci/python-env); `tools()` returns None when it is missing.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def tools():
    """(client, coordinator, exporter) of the pinned labgrid, or None."""
    folder = os.path.join(ROOT, ".venv-tinyhil", "bin")
    names = [os.path.join(folder, n) for n in ("labgrid-client", "labgrid-coordinator", "labgrid-exporter")]
    if all(os.access(n, os.X_OK) for n in names) and (shutil.which("ser2net") or os.path.exists("/usr/sbin/ser2net")):
        return names
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Farm:
    def __init__(self, board_count):
        self.client_bin, coordinator_bin, exporter_bin = tools()
        self.directory = tempfile.mkdtemp(prefix="tinyhil-labgrid-farm-")
        self.address = "127.0.0.1:%d" % free_port()
        self.processes = []
        try:
            self._spawn("coordinator", [coordinator_bin, "-l", self.address])
            self._wait("the coordinator", lambda: self.client("places").returncode == 0)
            ptys = [self._start_board(i + 1) for i in range(board_count)]
            export = "".join("pico-%d:\n  board:\n    cls: RawSerialPort\n    port: %s\n    speed: 115200\n" % (i + 1, p)
                             for i, p in enumerate(ptys))
            with open(os.path.join(self.directory, "exporter.yaml"), "w") as f:
                f.write(export)
            self._spawn("exporter", [exporter_bin, "-c", self.address, "-n", "tinyhil-farm", "--hostname", "127.0.0.1",
                                     os.path.join(self.directory, "exporter.yaml")])
            self._wait("the exporter's resources", lambda: all(
                "tinyhil-farm/pico-%d/" % (i + 1) in self.client("resources").stdout for i in range(board_count)))
            for i in range(board_count):
                place = "place-%d" % (i + 1)
                for command in (["create"], ["add-match", "tinyhil-farm/pico-%d/*" % (i + 1)]):
                    run = self.client("-p", place, *command)
                    if run.returncode != 0:
                        raise RuntimeError("labgrid-client %s: %s" % (command, run.stdout + run.stderr))
        except BaseException:
            self.stop()
            raise

    def client(self, *arguments):
        return subprocess.run([self.client_bin, "-x", self.address] + list(arguments), capture_output=True, text=True,
                              timeout=60)

    def holder(self, place):
        shown = self.client("-p", place, "show").stdout
        match = re.search(r"^\s*acquired:\s*(\S+)", shown, re.MULTILINE)
        return None if not match or match.group(1) == "None" else match.group(1)

    def _spawn(self, name, arguments):
        with open(os.path.join(self.directory, name + ".log"), "w") as log:
            process = subprocess.Popen(arguments, cwd=self.directory, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        self.processes.append((name, process))
        return process

    def _start_board(self, number):
        elf = os.path.join(ROOT, "firmware", "build", "mps2-an385", "firmware.elf")
        if not os.path.exists(elf):
            subprocess.run(["make", "-C", os.path.join(ROOT, "firmware")], check=True, capture_output=True)
        name = "qemu-%d" % number
        self._spawn(name, ["qemu-system-arm", "-M", "mps2-an385", "-icount", "shift=0", "-nographic", "-monitor",
                           "none", "-serial", "pty", "-kernel", elf])
        found = []

        def pty_named():
            with open(os.path.join(self.directory, name + ".log")) as f:
                match = re.search(r"redirected to (/dev/pts/\d+)", f.read())
            if match:
                found.append(match.group(1))
            return bool(match)
        self._wait("QEMU's pty", pty_named)
        return found[0]

    def _wait(self, what, condition, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if condition():
                    return
            except (OSError, subprocess.SubprocessError):
                pass
            time.sleep(0.3)
        logs = ""
        for name, _ in self.processes:
            with open(os.path.join(self.directory, name + ".log")) as f:
                logs += "--- %s ---\n%s\n" % (name, f.read()[-1500:])
        raise RuntimeError("%s not ready within %d s\n%s" % (what, seconds, logs))

    def stop(self):
        # The exporter first (SIGTERM: it stops its ser2net processes), then QEMU and the coordinator.
        for name, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM if name == "exporter" else signal.SIGKILL)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        self.processes = []
        shutil.rmtree(self.directory, ignore_errors=True)


def write_two_place_bench_file(directory):
    """A bench file naming place-1 and place-2 of a two-board Farm (board ids farm-place-1/2); returns its path."""
    path = os.path.join(directory, "bench.yml")
    with open(path, "w") as f:
        f.write("boards:\n"
                "  p1:\n    labgrid: place-1\n    board_id: farm-place-1\n"
                "  p2:\n    labgrid: place-2\n    board_id: farm-place-2\n")
    return path
