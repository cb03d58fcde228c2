/* The v1 board.h model-store functions on top of slot 0, until firmware/core switches to the slot API
 * (BOARD_API.md); then this file goes. */
#include "board.h"
#include "board_v2.h"

uint32_t board_model_capacity_bytes(void) { return board_slot_capacity_bytes(); }
const uint8_t *board_model_bytes(void) { return board_slot_bytes(0); }
int board_model_begin(uint32_t model_bytes) { return board_slot_begin(0, model_bytes); }

/* v1 has no finish(): every write is programmed at once, so the model reads back complete after LOAD_END. */
int board_model_write(uint32_t offset, const uint8_t *bytes, uint32_t count) {
    if (board_slot_write(0, offset, bytes, count) != 0) {
        return -1;
    }
    return board_slot_finish(0);
}
