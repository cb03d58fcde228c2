/* The model slots (LOAD_BEGIN/CHUNK/END into a slot, SELECT), the engine interpreter prepared from the selected
 * slot, and the staged input / last outputs that INPUT_CHUNK and OUTPUT_CHUNK move in pieces. */
#ifndef TINYHIL_MODEL_SESSION_H
#define TINYHIL_MODEL_SESSION_H

#include <stdint.h>

#include "frame_receiver.h"
#include "tinyhil_engine.h"
#include "wire.h"

#define FW_MAX_MODEL_TENSORS 16u
#define FW_MAX_SLOTS 4u
#define FW_NO_SLOT 0xFFu

typedef struct fw_tensor_slot {
    uint8_t *data;
    uint32_t bytes;
} fw_tensor_slot;

typedef struct fw_slot_state {
    uint8_t loaded; /* complete, CRC-checked and accepted by the engine once */
    uint32_t model_bytes;
    uint32_t model_crc32;
} fw_slot_state;

typedef struct fw_upload {
    uint8_t active;   /* between LOAD_BEGIN and LOAD_END */
    uint8_t slot;
    uint32_t model_bytes;
    uint32_t model_crc32;
    uint32_t bytes_received;
    uint32_t last_chunk_offset;
    uint32_t last_chunk_bytes;
    int have_last_chunk;
} fw_upload;

typedef struct fw_model_session {
    fw_slot_state slots[FW_MAX_SLOTS];
    fw_upload upload;
    uint8_t selected; /* slot whose interpreter is prepared, or FW_NO_SLOT */
    th_interpreter *interpreter;
    th_plan_info plan;
    uint32_t input_count, output_count;
    fw_tensor_slot inputs[FW_MAX_MODEL_TENSORS], outputs[FW_MAX_MODEL_TENSORS];
    uint32_t input_bytes, output_bytes; /* totals over all inputs / outputs */
    uint8_t *staging;                   /* INPUT_CHUNK's buffer: the arena after the interpreter's part, or 0 */
    uint32_t staged_bytes;              /* bytes staged contiguously from offset 0 */
    int outputs_valid;                  /* the output tensors hold the last successful inference's results */
} fw_model_session;

/* The one session of this firmware: which slots hold a model, the upload in progress, the prepared interpreter. */
extern fw_model_session fw_session;

/* Empties every slot and selects none (at boot). */
void fw_session_init(void);
/* RESET 0: forgets every slot, the upload in progress and the prepared interpreter. */
void fw_session_forget_everything(void);
/* The board's slot count, at most FW_MAX_SLOTS. */
uint32_t fw_session_slot_count(void);

/* The load commands (docs/protocol.md §2 LOAD_BEGIN/CHUNK/END, SELECT). Each fills `reply` and returns the reply
 * type. LOAD_END and SELECT prepare the slot's interpreter and reply with the model's tensor table. */
uint8_t fw_load_begin(const fw_frame *f, fw_writer *reply);
uint8_t fw_load_chunk(const fw_frame *f, fw_writer *reply);
uint8_t fw_load_end(fw_writer *reply);
uint8_t fw_select_slot(const fw_frame *f, fw_writer *reply);

#endif
