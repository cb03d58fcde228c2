/* The board.h additions of BOARD_API.md (model slots, watchdog, baud rate, boot reason), declared here until
 * firmware/core/board.h carries them; identical declarations, so both may be included. */
#ifndef PICO_BOARD_V2_H
#define PICO_BOARD_V2_H

#include <stdint.h>

uint32_t board_slot_count(void);
uint32_t board_slot_capacity_bytes(void);
const uint8_t *board_slot_bytes(uint32_t slot);
int board_slot_begin(uint32_t slot, uint32_t model_bytes);
int board_slot_write(uint32_t slot, uint32_t offset, const uint8_t *bytes, uint32_t count);
int board_slot_finish(uint32_t slot);
void board_watchdog_arm(uint32_t timeout_ms);
void board_watchdog_feed(void);
int board_uart_set_baud(uint32_t baud);
#ifndef BOARD_BOOT_POWER_ON
#define BOARD_BOOT_POWER_ON 0u
#define BOARD_BOOT_WATCHDOG 1u
#define BOARD_BOOT_REQUESTED 2u
#endif
uint8_t board_boot_reason(void);

#endif
