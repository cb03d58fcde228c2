/* The host board of host_board.h: implements firmware/core/board.h on a PC. */
#include "host_board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "mem.h"

jmp_buf host_board_reboot_target;

#define REGION_BYTES (HOST_GUARD_BYTES + HOST_SLOT_COUNT * (HOST_SLOT_BYTES + HOST_GUARD_BYTES) + HOST_ARENA_BYTES + \
                      HOST_GUARD_BYTES)
#define GUARD_VALUE 0xA5u
#define QUEUE_BYTES (1u << 20)

static uint8_t *region; /* guard | slot 0 | guard | slot 1 | guard | arena | guard */
static uint8_t queue[QUEUE_BYTES];
static size_t queue_head, queue_tail;
static uint8_t *output;
static size_t output_length;
static uint64_t fake_micros;
static host_board_stats stats;

static uint8_t *slot_at(uint32_t slot) {
    return region + HOST_GUARD_BYTES + (size_t)slot * (HOST_SLOT_BYTES + HOST_GUARD_BYTES);
}
static uint8_t *arena_at(void) { return slot_at(HOST_SLOT_COUNT); }

void host_board_reset(void) {
    if (region == NULL) {
        region = (uint8_t *)malloc(REGION_BYTES);
        output = (uint8_t *)malloc(HOST_REPLY_BYTES);
        if (region == NULL || output == NULL) {
            abort();
        }
    }
    memset(region, GUARD_VALUE, HOST_GUARD_BYTES);
    for (uint32_t s = 0; s <= HOST_SLOT_COUNT; s++) {
        uint8_t *after = slot_at(s) + (s == HOST_SLOT_COUNT ? HOST_ARENA_BYTES : HOST_SLOT_BYTES);
        memset(after, GUARD_VALUE, HOST_GUARD_BYTES);
    }
    queue_head = queue_tail = 0;
    output_length = 0;
    fake_micros = 0;
    memset(&stats, 0, sizeof stats);
    stats.boots = 1;
}

void host_board_check_guards(void) {
    const uint8_t *starts[1 + HOST_SLOT_COUNT + 1];
    starts[0] = region;
    for (uint32_t s = 0; s <= HOST_SLOT_COUNT; s++) {
        starts[s + 1] = slot_at(s) + (s == HOST_SLOT_COUNT ? HOST_ARENA_BYTES : HOST_SLOT_BYTES);
    }
    for (size_t g = 0; g < sizeof starts / sizeof starts[0]; g++) {
        for (uint32_t i = 0; i < HOST_GUARD_BYTES; i++) {
            if (starts[g][i] != GUARD_VALUE) {
                fprintf(stderr, "host_board: guard %zu byte %u changed: the firmware wrote outside a slot or the arena\n",
                        g, i);
                abort();
            }
        }
    }
}

void host_board_queue(const uint8_t *bytes, size_t count) {
    if (count > QUEUE_BYTES - queue_tail) {
        count = QUEUE_BYTES - queue_tail;
    }
    memcpy(queue + queue_tail, bytes, count);
    queue_tail += count;
}

size_t host_board_queued(void) { return queue_tail - queue_head; }

const uint8_t *host_board_output(size_t *count) {
    *count = output_length;
    return output;
}

void host_board_take_output(void) { output_length = 0; }

const host_board_stats *host_board_stats_now(void) { return &stats; }

/* ---- board.h ---- */

static const board_facts facts = {
    .name = "host-fuzz",
    .cpu_hz = 1000000u,
    .counter_unit = BOARD_COUNTER_MICROSECONDS,
    .flags = 0,
    .ram_bytes = 264u * 1024u,
};

void board_init(void) {}
const board_facts *board_get_facts(void) { return &facts; }
const char *board_serial_number(void) { return "host-fuzz-0001"; }
uint32_t board_boot_count(void) { return stats.boots; }
uint8_t board_boot_reason(void) { return stats.reboots > 0 ? BOARD_BOOT_REQUESTED : BOARD_BOOT_POWER_ON; }

int board_uart_read(void) {
    if (queue_head == queue_tail) {
        return -1;
    }
    return queue[queue_head++];
}

void board_uart_write(const uint8_t *bytes, size_t count) {
    if (count > HOST_REPLY_BYTES - output_length) {
        fprintf(stderr, "host_board: more than %u bytes of replies to one input\n", HOST_REPLY_BYTES);
        abort();
    }
    memcpy(output + output_length, bytes, count);
    output_length += count;
}

void board_uart_flush(void) {}

void board_stopwatch_start(void) { fake_micros = 0; }
uint64_t board_stopwatch_read(void) {
    fake_micros += HOST_MICROS_PER_READ;
    return fake_micros;
}
uint32_t board_counter_to_micros(uint64_t counter) { return counter > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)counter; }

void board_marker_set(int level) { (void)level; }

uint32_t board_slot_count(void) { return HOST_SLOT_COUNT; }
uint32_t board_slot_capacity_bytes(void) { return HOST_SLOT_BYTES; }
const uint8_t *board_slot_bytes(uint32_t slot) { return slot < HOST_SLOT_COUNT ? slot_at(slot) : NULL; }

int board_slot_begin(uint32_t slot, uint32_t model_bytes) {
    return slot < HOST_SLOT_COUNT && model_bytes <= HOST_SLOT_BYTES ? 0 : -1;
}

int board_slot_write(uint32_t slot, uint32_t offset, const uint8_t *bytes, uint32_t count) {
    if (slot >= HOST_SLOT_COUNT || offset > HOST_SLOT_BYTES || count > HOST_SLOT_BYTES - offset) {
        return -1;
    }
    memcpy(slot_at(slot) + offset, bytes, count);
    return 0;
}

int board_slot_finish(uint32_t slot) { return slot < HOST_SLOT_COUNT ? 0 : -1; }

void board_watchdog_arm(uint32_t timeout_ms) {
    (void)timeout_ms;
    stats.watchdog_arms++;
}
void board_watchdog_feed(void) { stats.watchdog_feeds++; }

int board_uart_set_baud(uint32_t baud) {
    (void)baud;
    stats.baud_switches++;
    return 0;
}

uint8_t *board_arena(uint32_t *capacity_bytes) {
    *capacity_bytes = HOST_ARENA_BYTES;
    return arena_at();
}

/* The host board advertises no USB bootloader; as on mps2, an ordinary reboot. */
void board_reboot_to_bootloader(void) { board_reboot(); }

void board_reboot(void) {
    stats.reboots++;
    stats.boots++;
    longjmp(host_board_reboot_target, 1);
}

/* firmware/core/mem.c defines memcpy & co. for the freestanding build; on the host the C library's (which the
 * sanitizers intercept) serve instead. */
void fw_memcpy(void *dst, const void *src, size_t count) { memcpy(dst, src, count); }
void fw_memset(void *dst, int value, size_t count) { memset(dst, value, count); }
