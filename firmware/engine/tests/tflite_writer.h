/* A minimal .tflite writer for tests: one subgraph, one operator, tensors with any declared shape
 * (including shapes no converter would write). Built back to front like the FlatBuffers library
 * (children before parents), little-endian host assumed. Test code; the engine never links it. */
#ifndef TH_TFLITE_WRITER_H
#define TH_TFLITE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#define TW_MAX_TENSORS 8
#define TW_MAX_OPTIONS 8

typedef struct tw_tensor {
  int32_t rank;
  int32_t dims[6];
  int8_t type;                 /* TFLite TensorType */
  int constant;                /* has a Buffer with data */
  uint32_t data_bytes;         /* bytes of data written when constant */
  const int32_t *i32_values;   /* int32 constants (repeated to fill); NULL: a byte pattern */
  int32_t i32_count;
  int quantized;
  float scale;
  int32_t scale_count;         /* >1: per-channel, all equal to scale */
  int64_t zero_point;
  int32_t quantized_dimension;
} tw_tensor;

typedef struct tw_option { uint16_t slot; uint8_t size; int32_t value; float fvalue; } tw_option;

typedef struct tw_model {
  int32_t builtin_code;
  int32_t tensor_count;
  tw_tensor tensors[TW_MAX_TENSORS];
  int32_t input_count;
  int32_t inputs[TW_MAX_TENSORS];    /* operator inputs (-1 = omitted); also the subgraph inputs when >= 0 and not constant */
  int32_t output;                    /* operator output = subgraph output */
  uint8_t options_type;
  int32_t option_count;
  tw_option options[TW_MAX_OPTIONS]; /* size 1 (int8), 4 (int32) or 5 (float32) */
} tw_model;

/* Writes the model into out[0..cap); returns its size, or 0 if cap is too small. The bytes are
 * placed at the end of out: the model starts at out + cap - size (returned through *start). */
size_t tw_write(const tw_model *m, uint8_t *out, size_t cap, uint8_t **start);

#endif
