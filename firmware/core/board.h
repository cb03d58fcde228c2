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

/* Model storage. The store is readable in place (memory-mapped) once written. A flash board erases in
 * begin() (may be slow) and programs in write(); a RAM board just copies. Return 0 on success. */
uint32_t board_model_capacity_bytes(void);
const uint8_t *board_model_bytes(void);
int board_model_begin(uint32_t model_bytes);
int board_model_write(uint32_t offset, const uint8_t *bytes, uint32_t count);

/* The engine's tensor arena (word-aligned). */
uint8_t *board_arena(uint32_t *capacity_bytes);

/* Reboots the board (after board_uart_flush). Never returns. */
void board_reboot(void) __attribute__((noreturn));

#endif
