/* Looking up the RP2040 bootrom's functions by their two-letter codes. */
#ifndef PICO_ROM_FUNCTIONS_H
#define PICO_ROM_FUNCTIONS_H

#include <stdint.h>

/* The bootrom function with code (first, second), e.g. ('R', 'P') range_program; 0 when the ROM has none. */
void *pico_rom_function(char first, char second);

#endif
