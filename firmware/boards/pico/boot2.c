/* Second-stage bootloader for the Pico's Winbond W25Q080-family flash, our own (no SDK).
 * The bootrom copies these 256 bytes to SRAM (0x20041F00), checks their CRC-32/MPEG-2 and calls them with
 * lr = 0. They set up the QSPI pads and the SSI for continuous quad-I/O fast read (0xEB), which makes flash
 * executable in place at 0x10000000, then enter the firmware through its vector table at 0x10000100.
 * Called again with lr != 0 (after the firmware programmed flash, from a RAM copy) they only restore XIP and
 * return. Built position-independent and free-standing (tools/boot2_image.py appends the CRC). */
#include <stdint.h>

#include "registers.h"

#define VECTOR_TABLE (XIP_BASE + 0x100u)
#define CMD_READ_STATUS_2 0x35u
#define CMD_READ_STATUS_1 0x05u
#define CMD_WRITE_ENABLE 0x06u
#define CMD_WRITE_STATUS 0x01u
#define CMD_QUAD_IO_FAST_READ 0xEBu
#define STATUS2_QE 0x02u
#define STATUS1_BUSY 0x01u
#define MODE_CONTINUOUS_READ 0xA0u

/* SSI frame formats (CTRLR0): 8-bit standard SPI, transmit and receive. */
#define CTRLR0_SPI_8BIT_TXRX (7u << 16)
/* 32-bit frames, quad format, EEPROM-read mode: command then address then data. */
#define CTRLR0_QUAD_EEPROM_READ 0x005F0300u
/* SPI_CTRLR0 for the first 0xEB: 8-bit instruction sent in standard SPI, 32 address+mode bits, 4 wait cycles. */
#define SPI_CTRLR0_EB_WITH_COMMAND 0x00002221u
/* SPI_CTRLR0 for XIP: no instruction (continuous read, 0xA0 as XIP command appended as mode bits). */
#define SPI_CTRLR0_XIP_CONTINUOUS 0xA0002022u

void boot2_entry(void) __attribute__((section(".boot2_entry"), naked, used));
static void boot2_main(uint32_t return_address) __attribute__((used, noinline));

/* SSI registers as word indices from SSI_BASE: one base register and short offsets keep boot2 small. */
#define SSI_WORD(address) ((address - SSI_BASE) / 4u)

/* Sends the `count` bytes packed little-endian in `bytes` (first byte lowest) and returns the last byte
 * received. Bytes are passed in a register, not an array: an array's address would come from a literal pool,
 * which is not position independent. */
static uint32_t spi_transfer(volatile uint32_t *ssi, uint32_t bytes, uint32_t count) {
    uint32_t last = 0;
    for (; count != 0u; count--, bytes >>= 8) {
        ssi[SSI_WORD(SSI_DR0)] = bytes & 0xFFu;
        while ((ssi[SSI_WORD(SSI_SR)] & SSI_SR_RFNE) == 0u) {
        }
        last = ssi[SSI_WORD(SSI_DR0)];
    }
    return last;
}

static void boot2_main(uint32_t return_address) {
    volatile uint32_t *ssi = (volatile uint32_t *)SSI_BASE;
    volatile uint32_t *pads = (volatile uint32_t *)PADS_QSPI_SCLK;
    /* Opaque to the compiler from here on, so registers are reached as base + offset instead of one literal
     * per address (boot2 has 252 bytes). */
    __asm__("" : "+l"(ssi), "+l"(pads));
    /* QSPI pads: SCLK 8 mA with fast slew, no Schmitt trigger on SD0-SD3 (datasheet: better timing). */
    pads[0] = PADS_DRIVE_8MA | PADS_SLEWFAST;
#pragma GCC unroll 1
    for (uint32_t pad = 1; pad <= 4u; pad++) {
        pads[pad] &= ~PADS_SCHMITT;
    }

    ssi[SSI_WORD(SSI_SSIENR)] = 0;
    ssi[SSI_WORD(SSI_BAUDR)] = 4; /* SCK = clk_sys / 4 */
    ssi[SSI_WORD(SSI_RX_SAMPLE_DLY)] = 1;

    /* Quad enable (QE, status register 2 bit 1): written only when clear, the flash's status is non-volatile. */
    ssi[SSI_WORD(SSI_CTRLR0)] = CTRLR0_SPI_8BIT_TXRX;
    ssi[SSI_WORD(SSI_SSIENR)] = 1;
    if ((spi_transfer(ssi, CMD_READ_STATUS_2, 2) & STATUS2_QE) == 0u) {
        (void)spi_transfer(ssi, CMD_WRITE_ENABLE, 1);
        (void)spi_transfer(ssi, CMD_WRITE_STATUS | (STATUS2_QE << 16), 3); /* status 1 = 0, status 2 = QE */
        while ((spi_transfer(ssi, CMD_READ_STATUS_1, 2) & STATUS1_BUSY) != 0u) {
        }
    }

    /* One quad-I/O fast read with the command, leaving the flash in continuous-read mode (mode bits 0xA0). */
    ssi[SSI_WORD(SSI_SSIENR)] = 0;
    ssi[SSI_WORD(SSI_CTRLR0)] = CTRLR0_QUAD_EEPROM_READ;
    ssi[SSI_WORD(SSI_CTRLR1)] = 0; /* one data frame */
    ssi[SSI_WORD(SSI_SPI_CTRLR0)] = SPI_CTRLR0_EB_WITH_COMMAND;
    ssi[SSI_WORD(SSI_SSIENR)] = 1;
    ssi[SSI_WORD(SSI_DR0)] = CMD_QUAD_IO_FAST_READ;
    ssi[SSI_WORD(SSI_DR0)] = MODE_CONTINUOUS_READ; /* address 0, mode bits 0xA0 */
    while ((ssi[SSI_WORD(SSI_SR)] & SSI_SR_RFNE) == 0u) {
    }
    (void)ssi[SSI_WORD(SSI_DR0)];

    /* From now on the XIP block issues reads itself, without the command byte. */
    ssi[SSI_WORD(SSI_SSIENR)] = 0;
    ssi[SSI_WORD(SSI_SPI_CTRLR0)] = SPI_CTRLR0_XIP_CONTINUOUS;
    ssi[SSI_WORD(SSI_SSIENR)] = 1;

    if (return_address != 0u) {
        return; /* called again by the firmware after flash programming */
    }
    const volatile uint32_t *vectors = (const volatile uint32_t *)VECTOR_TABLE;
    REG32(SCB_VTOR) = VECTOR_TABLE;
    __asm__ volatile("msr msp, %0\n"
                     "bx %1\n"
                     :
                     : "r"(vectors[0]), "r"(vectors[1])
                     : "memory");
    for (;;) {
    }
}

/* The bootrom enters at the first byte with lr = 0; the firmware calls it with its own return address. */
void boot2_entry(void) {
    __asm__ volatile(".syntax unified\n"
                     "mov r0, lr\n"
                     "b boot2_main\n"); /* boot2_main returns straight to the caller's lr */
}
