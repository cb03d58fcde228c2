/* The bootrom's function table (rp2040.md "Bootrom functions"): a halfword at 0x14 points at the table, a
 * halfword at 0x18 at the lookup function, and each function has a two-letter code. */
#include "rom_functions.h"

#include "registers.h"

void *pico_rom_function(char first, char second) {
    typedef void *(*rom_lookup_fn)(const uint16_t *table, uint32_t code);
    const volatile uint16_t *table_pointer = (const volatile uint16_t *)(uintptr_t)ROM_FUNC_TABLE_PTR;
    const volatile uint16_t *lookup_pointer = (const volatile uint16_t *)(uintptr_t)ROM_TABLE_LOOKUP_PTR;
    /* GCC 12 takes pointers below 4 KiB for null arithmetic (-Warray-bounds); make them opaque. */
    __asm__("" : "+l"(table_pointer), "+l"(lookup_pointer));
    rom_lookup_fn lookup = (rom_lookup_fn)(uintptr_t)*lookup_pointer;
    const uint16_t *table = (const uint16_t *)(uintptr_t)*table_pointer;
    return lookup(table, (uint32_t)(uint8_t)first | ((uint32_t)(uint8_t)second << 8));
}
