# mps2-an385 (QEMU): Cortex-M0+ code on QEMU's Cortex-M3 machine.
BOARD_CFLAGS := -mcpu=cortex-m0plus -mthumb
BOARD_SRCS := boards/mps2-an385/board.c boards/mps2-an385/startup.c
BOARD_LDSCRIPT := boards/mps2-an385/linker.ld
