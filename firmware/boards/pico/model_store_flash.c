/* The model store in XIP flash: two slots after the firmware, readable in place at 0x10000000 + offset.
 * Erasing and programming go through the bootrom's flash functions, called from a routine in RAM (flash is not
 * readable while it is being written) with interrupts off; afterwards the routine runs a RAM copy of our
 * boot2 to restore fast continuous-read XIP, as the bootrom's own functions leave the flash in slow serial mode.
 * Layout (README.md): slot s at flash offset MODEL_STORE_OFFSET + s * MODEL_SLOT_BYTES. */
#include <stddef.h>

#include "board.h"
#include "board_pico.h"
#include "registers.h"
#include "rom_functions.h"

#ifndef MODEL_STORE_OFFSET
#define MODEL_STORE_OFFSET (512u * 1024u) /* the firmware keeps the first 512 KiB (linker.ld checks) */
#endif
#ifndef MODEL_SLOT_BYTES
#define MODEL_SLOT_BYTES (768u * 1024u) /* 2 x 768 KiB fill a Pico's 2 MiB flash */
#endif
#define SLOT_COUNT 2u
#define FLASH_BYTES (2u * 1024u * 1024u)
#define SECTOR_BYTES 4096u
#define PAGE_BYTES 256u
#define BLOCK_BYTES 65536u
#define BLOCK_ERASE_COMMAND 0xD8u
#define BOOT2_BYTES 256u

#if MODEL_STORE_OFFSET % BLOCK_BYTES != 0 || MODEL_SLOT_BYTES % BLOCK_BYTES != 0
#error "the model store and its slots must be 64 KiB aligned"
#endif
#if MODEL_STORE_OFFSET + SLOT_COUNT * MODEL_SLOT_BYTES > FLASH_BYTES
#error "the model slots do not fit the 2 MiB flash"
#endif

typedef void (*rom_void_fn)(void);
typedef void (*rom_erase_fn)(uint32_t offset, size_t count, uint32_t block_bytes, uint8_t block_command);
typedef void (*rom_program_fn)(uint32_t offset, const uint8_t *data, size_t count);

typedef struct rom_flash_functions {
    rom_void_fn connect_internal_flash;
    rom_void_fn exit_xip;
    rom_erase_fn range_erase;
    rom_program_fn range_program;
    rom_void_fn flush_cache;
} rom_flash_functions;

static rom_flash_functions rom;
static uint32_t boot2_copy[BOOT2_BYTES / 4u]; /* our boot2, run from RAM to restore XIP */

/* Runs from RAM (section .time_critical, copied with .data). Calls only ROM code and the RAM boot2 copy. */
static void flash_operation_in_ram(uint32_t offset, const uint8_t *data, uint32_t count)
    __attribute__((section(".time_critical.flash_operation"), noinline, long_call));
static void flash_operation_in_ram(uint32_t offset, const uint8_t *data, uint32_t count) {
    rom.connect_internal_flash();
    rom.exit_xip();
    if (data == NULL) {
        rom.range_erase(offset, count, BLOCK_BYTES, BLOCK_ERASE_COMMAND);
    } else {
        rom.range_program(offset, data, count);
    }
    rom.flush_cache();
    ((rom_void_fn)((uintptr_t)boot2_copy | 1u))(); /* lr != 0: boot2 restores XIP and returns */
}

static void flash_operation(uint32_t offset, const uint8_t *data, uint32_t count) {
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n"
                     "cpsid i\n"
                     : "=r"(primask)::"memory");
    flash_operation_in_ram(offset, data, count);
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

/* ---- slots ---- */

static uint32_t erased_bytes[SLOT_COUNT];
/* One page being assembled: its slot, its offset in the slot, its bytes (0xFF where nothing was written). */
static uint8_t page[PAGE_BYTES] __attribute__((aligned(4)));
static uint32_t page_slot = SLOT_COUNT; /* SLOT_COUNT = no page */
static uint32_t page_offset;
static int page_unwritten;

static uint32_t slot_flash_offset(uint32_t slot) { return MODEL_STORE_OFFSET + slot * MODEL_SLOT_BYTES; }

void pico_model_store_init(void) {
    rom.connect_internal_flash = (rom_void_fn)pico_rom_function('I', 'F');
    rom.exit_xip = (rom_void_fn)pico_rom_function('E', 'X');
    rom.range_erase = (rom_erase_fn)pico_rom_function('R', 'E');
    rom.range_program = (rom_program_fn)pico_rom_function('R', 'P');
    rom.flush_cache = (rom_void_fn)pico_rom_function('F', 'C');
    const volatile uint32_t *boot2 = (const volatile uint32_t *)XIP_BASE;
    for (uint32_t i = 0; i < BOOT2_BYTES / 4u; i++) {
        boot2_copy[i] = boot2[i];
    }
}

int pico_model_store_in_flash(void) { return 1; }

uint32_t board_slot_count(void) { return SLOT_COUNT; }
uint32_t board_slot_capacity_bytes(void) { return MODEL_SLOT_BYTES; }

const uint8_t *board_slot_bytes(uint32_t slot) {
    if (slot >= SLOT_COUNT) {
        return NULL;
    }
    return (const uint8_t *)(uintptr_t)(XIP_BASE + slot_flash_offset(slot));
}

int board_slot_begin(uint32_t slot, uint32_t model_bytes) {
    if (slot >= SLOT_COUNT || model_bytes > MODEL_SLOT_BYTES) {
        return -1;
    }
    if (page_slot == slot) {
        page_slot = SLOT_COUNT; /* a page of the model being replaced */
    }
    uint32_t to_erase = (model_bytes + SECTOR_BYTES - 1u) / SECTOR_BYTES * SECTOR_BYTES;
    for (uint32_t done = 0; done < to_erase;) {
        uint32_t step = to_erase - done < BLOCK_BYTES ? to_erase - done : BLOCK_BYTES;
        flash_operation(slot_flash_offset(slot) + done, NULL, step);
        done += step;
        board_watchdog_feed();
    }
    erased_bytes[slot] = to_erase;
    return 0;
}

static void program_page(void) {
    if (page_slot < SLOT_COUNT && page_unwritten) {
        flash_operation(slot_flash_offset(page_slot) + page_offset, page, PAGE_BYTES);
        page_unwritten = 0;
    }
}

int board_slot_write(uint32_t slot, uint32_t offset, const uint8_t *bytes, uint32_t count) {
    if (slot >= SLOT_COUNT || offset > erased_bytes[slot] || count > erased_bytes[slot] - offset) {
        return -1;
    }
    for (uint32_t i = 0; i < count; i++) {
        uint32_t at = offset + i;
        uint32_t at_page = at & ~(PAGE_BYTES - 1u);
        if (page_slot != slot || page_offset != at_page) {
            program_page();
            page_slot = slot;
            page_offset = at_page;
            for (uint32_t j = 0; j < PAGE_BYTES; j++) {
                page[j] = 0xFFu;
            }
        }
        page[at - at_page] = bytes[i];
        page_unwritten = 1;
    }
    return 0;
}

/* Programs the page being assembled but keeps it: a later write to the same page programs it again, which NOR
 * flash allows (programming only clears bits, and the bytes already programmed are written with their value). */
int board_slot_finish(uint32_t slot) {
    if (slot >= SLOT_COUNT) {
        return -1;
    }
    if (page_slot == slot) {
        program_page();
    }
    return 0;
}
