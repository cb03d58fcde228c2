/* Firmware identity baked in at build time (firmware/Makefile passes FW_FIRMWARE_VERSION, FW_BUILD_ID). */
#ifndef TINYHIL_VERSION_H
#define TINYHIL_VERSION_H

extern const char fw_firmware_version[];
extern const char fw_build_id[];

#endif
