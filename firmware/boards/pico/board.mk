# Raspberry Pi Pico (RP2040, Cortex-M0+), bare metal. Options:
#   MODEL_STORE=flash|ram   model slots in XIP flash (default) or in SRAM (smaller slots and arena)
#   UART_TX_PIN=0 UART_RX_PIN=1   UART0 pins (TX 0/12/16/28, RX 1/13/17/29; default as a Debug Probe is wired)
#   BOOT2_CORRUPT_CRC=1     a test image whose boot2 CRC is wrong (the bootrom must refuse it)
MODEL_STORE ?= flash
UART_TX_PIN ?= 0
UART_RX_PIN ?= 1
BOOT2_CORRUPT_CRC ?= 0

BOARD_CFLAGS := -mcpu=cortex-m0plus -mthumb
BOARD_SRCS := boards/pico/board.c boards/pico/startup.c boards/pico/model_store_$(MODEL_STORE).c boards/pico/serial_number.c boards/pico/rom_functions.c
BOARD_LDSCRIPT := boards/pico/linker.ld
BOARD_DEFINES := -DUART_TX_PIN=$(UART_TX_PIN) -DUART_RX_PIN=$(UART_RX_PIN)
ifeq ($(MODEL_STORE),ram)
BOARD_DEFINES += -DARENA_BYTES=163840u -DMODEL_SLOT_BYTES=24576u
else ifneq ($(MODEL_STORE),flash)
$(error MODEL_STORE must be flash or ram, not '$(MODEL_STORE)')
endif
# Built by boards/pico/rules.mk: boot2 with its CRC, and the UF2.
BOARD_EXTRA_OBJS = $(BUILD)/boot2/boot2_image.o
BOARD_OUTPUTS = $(BUILD)/firmware.uf2
BOARD_RULES := boards/pico/rules.mk
BOARD_SOURCES_EXTRA := boards/pico/boot2.c boards/pico/boot2.ld tools/boot2_image.py tools/uf2.py
