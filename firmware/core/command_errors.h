/* ERROR replies shared by every command handler (docs/protocol.md §3). */
#ifndef TINYHIL_COMMAND_ERRORS_H
#define TINYHIL_COMMAND_ERRORS_H

#include <stdint.h>

#include "tinyhil_engine.h"
#include "wire.h"

/* Fills `reply` with an ERROR payload and returns FW_MSG_ERROR. */
uint8_t fw_error_reply(fw_writer *reply, uint16_t code, int32_t detail0, int32_t detail1, uint32_t needed,
                       uint32_t available, const char *message);
/* A request payload shorter than its command needs. */
uint8_t fw_bad_length(fw_writer *reply, uint32_t needed, uint32_t got, const char *message);
/* An engine failure while planning or preparing a model (LOAD_END, SELECT), mapped to the protocol's codes. */
uint8_t fw_load_error(fw_writer *reply, const th_error *err);
/* An engine failure during an inference. */
uint8_t fw_engine_failure(fw_writer *reply, const th_error *err);
/* A command that needs a selected model arrived without one. */
uint8_t fw_need_model(fw_writer *reply);

#endif
