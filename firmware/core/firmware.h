/* The firmware's main loop: receive frames, suppress duplicates, execute, reply. */
#ifndef TINYHIL_FIRMWARE_H
#define TINYHIL_FIRMWARE_H

/* Called by the board's startup code after board_init(); never returns. */
void fw_run(void) __attribute__((noreturn));

#endif
