#include "version.h"

#ifndef FW_FIRMWARE_VERSION
#define FW_FIRMWARE_VERSION "0.0.0"
#endif
#ifndef FW_BUILD_ID
#define FW_BUILD_ID "unknown"
#endif

const char fw_firmware_version[] = FW_FIRMWARE_VERSION;
const char fw_build_id[] = FW_BUILD_ID;
