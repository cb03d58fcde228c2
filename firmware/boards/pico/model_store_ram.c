/* The model store in RAM (build option MODEL_STORE=ram): two slots in SRAM, gone at power-off; for iteration.
 * RAM is shared with the arena, so this build has smaller slots and a smaller arena (board.mk). */
#include "board.h"
#include "board_pico.h"

#ifndef MODEL_SLOT_BYTES
#define MODEL_SLOT_BYTES (24u * 1024u)
#endif
#define SLOT_COUNT 2u

static uint8_t slots[SLOT_COUNT][MODEL_SLOT_BYTES] __attribute__((aligned(16)));

void pico_model_store_init(void) {}
int pico_model_store_in_flash(void) { return 0; }

uint32_t board_slot_count(void) { return SLOT_COUNT; }
uint32_t board_slot_capacity_bytes(void) { return MODEL_SLOT_BYTES; }

const uint8_t *board_slot_bytes(uint32_t slot) { return slot < SLOT_COUNT ? slots[slot] : (const uint8_t *)0; }

int board_slot_begin(uint32_t slot, uint32_t model_bytes) {
    return slot < SLOT_COUNT && model_bytes <= MODEL_SLOT_BYTES ? 0 : -1;
}

int board_slot_write(uint32_t slot, uint32_t offset, const uint8_t *bytes, uint32_t count) {
    if (slot >= SLOT_COUNT || offset > MODEL_SLOT_BYTES || count > MODEL_SLOT_BYTES - offset) {
        return -1;
    }
    for (uint32_t i = 0; i < count; i++) {
        slots[slot][offset + i] = bytes[i];
    }
    return 0;
}

int board_slot_finish(uint32_t slot) { return slot < SLOT_COUNT ? 0 : -1; }
