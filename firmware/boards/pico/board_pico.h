/* What the Pico board's own files share (not part of the core's board.h). */
#ifndef PICO_BOARD_PICO_H
#define PICO_BOARD_PICO_H

#include <stdint.h>

/* Lets the watchdog expire (arming it with a short timeout if it is not armed) and waits: the next boot
 * reports BOARD_BOOT_WATCHDOG. Used after a fault. */
void pico_reboot_by_watchdog_timeout(void) __attribute__((noreturn));

/* The model store (model_store_flash.c or model_store_ram.c). */
void pico_model_store_init(void);
/* Nonzero when the store lives in XIP flash (HELLO's BOARD_FLAG_MODEL_IN_FLASH). */
int pico_model_store_in_flash(void);

#endif
