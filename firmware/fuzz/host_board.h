/* A host "board" for firmware/core (fuzzing and the hostile-frame regression run): model slots and the arena in
 * one heap region between guard bytes, a UART fed from a byte queue whose replies are collected, a fake stopwatch,
 * a counted no-op watchdog, and a reboot that longjmps back to the caller. Test code: never linked into firmware. */
#ifndef TINYHIL_HOST_BOARD_H
#define TINYHIL_HOST_BOARD_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#define HOST_SLOT_COUNT 2u
#define HOST_SLOT_BYTES (64u * 1024u)
#define HOST_ARENA_BYTES (200u * 1024u)
#define HOST_GUARD_BYTES 1024u
#define HOST_REPLY_BYTES (1u << 20)
/* Every board_stopwatch_read advances the fake counter (microseconds) by this much: a RUN_WINDOW reaches its
 * 600 s board-time limit after a handful of inferences, and a SET_BAUD trial times out after a few idle polls. */
#define HOST_MICROS_PER_READ 100000000u

typedef struct host_board_stats {
    uint32_t boots;            /* board_boot_count */
    uint32_t reboots;          /* board_reboot calls */
    uint64_t watchdog_feeds;
    uint32_t watchdog_arms;
    uint32_t baud_switches;
} host_board_stats;

/* Allocates the region once and resets everything (boot count 1, empty queues, guards written). */
void host_board_reset(void);
/* Bytes the firmware reads next, in order. */
void host_board_queue(const uint8_t *bytes, size_t count);
size_t host_board_queued(void);
/* Everything the firmware wrote to its UART since the last host_board_take_output. */
const uint8_t *host_board_output(size_t *count);
void host_board_take_output(void);
/* Where board_reboot longjmps to (the caller sets it with setjmp before calling fw_start/fw_poll). */
extern jmp_buf host_board_reboot_target;
/* Aborts (with a message) when a guard byte around a slot or the arena changed. */
void host_board_check_guards(void);
const host_board_stats *host_board_stats_now(void);

#endif
