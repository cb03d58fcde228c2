/* The firmware's main loop: receive frames, suppress duplicates, execute, reply. */
#ifndef TINYHIL_FIRMWARE_H
#define TINYHIL_FIRMWARE_H

/* The two halves of fw_run, for a host build that feeds bytes itself (firmware/fuzz): fw_start resets the
 * command layer and arms the watchdog; fw_poll is one turn of the main loop (at most one byte read). */
void fw_start(void);
void fw_poll(void);

/* Called by the board's startup code after board_init(); never returns. */
void fw_run(void) __attribute__((noreturn));

#endif
