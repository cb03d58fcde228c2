/* The loaded model: upload state (LOAD_BEGIN/CHUNK/END) and the engine interpreter prepared from it. */
#ifndef TINYHIL_MODEL_SESSION_H
#define TINYHIL_MODEL_SESSION_H

#include <stdint.h>

#include "tinyhil_engine.h"

#define FW_MAX_MODEL_TENSORS 16u

typedef struct fw_tensor_slot {
    uint8_t *data;
    uint32_t bytes;
} fw_tensor_slot;

typedef enum fw_load_phase {
    FW_LOAD_NONE = 0,      /* no model, no upload */
    FW_LOAD_RECEIVING = 1, /* between LOAD_BEGIN and a successful LOAD_END */
    FW_LOAD_READY = 2      /* interpreter prepared */
} fw_load_phase;

typedef struct fw_model_session {
    fw_load_phase phase;
    uint32_t model_bytes;
    uint32_t model_crc32;
    uint32_t bytes_received;
    uint32_t last_chunk_offset;
    uint32_t last_chunk_bytes;
    int have_last_chunk;
    th_interpreter *interpreter;
    th_plan_info plan;
    uint32_t input_count, output_count;
    fw_tensor_slot inputs[FW_MAX_MODEL_TENSORS], outputs[FW_MAX_MODEL_TENSORS];
    uint32_t input_bytes, output_bytes; /* totals over all inputs / outputs */
} fw_model_session;

#endif
