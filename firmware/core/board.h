/* The board interface: everything firmware/core needs from a board.
 * A board folder (firmware/boards/<board>) implements these functions; the core never touches
 * hardware registers itself. All functions are called from the single main loop (no threads). */
#ifndef TINYHIL_BOARD_H
#define TINYHIL_BOARD_H

#include <stddef.h>
#include <stdint.h>

/* HELLO flag bits (docs/protocol.md). */
#define BOARD_FLAG_MODEL_IN_FLASH 0x01u
#define BOARD_FLAG_MARKER_GPIO 0x02u
#define BOARD_FLAG_USB_BOOTLOADER 0x04u /* RESET 2 reboots into a USB bootloader (RP2040: BOOTSEL drive) */

/* Counter units (docs/protocol.md, HELLO counter_unit). */
#define BOARD_COUNTER_CPU_CYCLES 0u
#define BOARD_COUNTER_INSTRUCTIONS 1u
#define BOARD_COUNTER_MICROSECONDS 2u

typedef struct board_facts {
    const char *name;             /* "mps2-an385", "rp2040-pico" */
    uint32_t cpu_hz;              /* the clock the counter refers to */
    uint8_t counter_unit;         /* BOARD_COUNTER_* */
    uint8_t flags;                /* BOARD_FLAG_* */
    uint32_t ram_bytes;           /* the board's total RAM, as announced in HELLO */
} board_facts;

/* This board's serial number as text (HELLO's serial_number, so a host can tell two boards of one kind apart):
 * a hardware unique ID where the board has one (RP2040: the flash chip's 64-bit unique ID in hex), else a fixed
 * value its README documents. At most 32 characters; "" when the board cannot read it. */
const char *board_serial_number(void);

/* Called once at boot, before anything else. */
void board_init(void);
const board_facts *board_get_facts(void);
/* Boots since power-on, counting this one (kept in memory that survives a warm reboot). */
uint32_t board_boot_count(void);

/* Serial line. board_uart_read returns the next received byte (0..255) or -1 when none is waiting. */
int board_uart_read(void);
void board_uart_write(const uint8_t *bytes, size_t count);
/* Returns once every byte handed to board_uart_write has left the board. */
void board_uart_flush(void);

/* Performance counter as a stopwatch (unit: facts.counter_unit). start() zeroes it; read() returns
 * the count since start() without stopping it. A board may align start() to its counter's clock so that
 * a deterministic instruction stream always reads the same value. */
void board_stopwatch_start(void);
uint64_t board_stopwatch_read(void);
/* Converts a counter value to microseconds of (board) time. */
uint32_t board_counter_to_micros(uint64_t counter);

/* The measurement marker (a GPIO on real boards). */
void board_marker_set(int level);

/* Model slots: the store holds board_slot_count() (>= 1; 2 on both current boards) independent slots of
 * board_slot_capacity_bytes() each, readable in place (memory-mapped: RAM, or XIP flash on the Pico). */
uint32_t board_slot_count(void);
uint32_t board_slot_capacity_bytes(void);
const uint8_t *board_slot_bytes(uint32_t slot);
/* Prepares `slot` for a model of model_bytes (a flash board erases whole sectors here; may take long, the board
 * feeds the watchdog itself while it works). Returns 0 on success, nonzero if slot or size is out of range. */
int board_slot_begin(uint32_t slot, uint32_t model_bytes);
/* Writes `count` bytes at `offset` within the slot (a flash board programs whole 256-byte pages; it may buffer a
 * partial page until the next write or board_slot_finish). Returns 0 on success. */
int board_slot_write(uint32_t slot, uint32_t offset, const uint8_t *bytes, uint32_t count);
/* Flushes any buffered partial page; after it, board_slot_bytes(slot) reads back exactly what was written. */
int board_slot_finish(uint32_t slot);

/* Watchdog: after board_watchdog_arm(timeout_ms) the board reboots (boot count + 1) unless
 * board_watchdog_feed() is called at least every timeout_ms. The core arms it at boot and feeds it in the main loop
 * and between inferences of long commands. A board without a watchdog may implement both as no-ops only if it
 * documents so in its README. */
void board_watchdog_arm(uint32_t timeout_ms);
void board_watchdog_feed(void);

/* Serial line speed. Returns 0 when the board switched to `baud` (after flushing pending output), nonzero when it
 * cannot produce that rate within 1 %. A board whose line has no real rate (QEMU's UART) returns 0 and ignores it. */
int board_uart_set_baud(uint32_t baud);

/* Why the last boot happened (HELLO reports it). */
#define BOARD_BOOT_POWER_ON 0u
#define BOARD_BOOT_WATCHDOG 1u
#define BOARD_BOOT_REQUESTED 2u /* RESET command or board_reboot() */
uint8_t board_boot_reason(void);

/* The engine's tensor arena (word-aligned). */
uint8_t *board_arena(uint32_t *capacity_bytes);

/* Reboots the board (after board_uart_flush). Never returns. */
void board_reboot(void) __attribute__((noreturn));
/* Reboots into the board's USB bootloader (RP2040: the bootrom's RPI-RP2 mass-storage drive, ready for a UF2).
 * The core calls it only when the board's facts carry BOARD_FLAG_USB_BOOTLOADER. */
void board_reboot_to_bootloader(void) __attribute__((noreturn));

#endif
