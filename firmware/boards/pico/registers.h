/* RP2040 register addresses and bits used by this board (RP2040 datasheet; ../shared/reference/rp2040.md). */
#ifndef PICO_REGISTERS_H
#define PICO_REGISTERS_H

#include <stdint.h>

#define REG32(address) (*(volatile uint32_t *)(uintptr_t)(address))
/* Atomic register aliases of APB/AHB peripherals: +0x1000 xor, +0x2000 set, +0x3000 clear. */
#define SET_ALIAS 0x2000u
#define CLR_ALIAS 0x3000u

/* Bootrom */
#define ROM_FUNC_TABLE_PTR 0x00000014u /* halfword */
#define ROM_TABLE_LOOKUP_PTR 0x00000018u /* halfword */

/* XIP and SSI */
#define XIP_BASE 0x10000000u
#define SSI_BASE 0x18000000u
#define SSI_CTRLR0 (SSI_BASE + 0x00u)
#define SSI_CTRLR1 (SSI_BASE + 0x04u)
#define SSI_SSIENR (SSI_BASE + 0x08u)
#define SSI_BAUDR (SSI_BASE + 0x14u)
#define SSI_SR (SSI_BASE + 0x28u)
#define SSI_DR0 (SSI_BASE + 0x60u)
#define SSI_RX_SAMPLE_DLY (SSI_BASE + 0xF0u)
#define SSI_SPI_CTRLR0 (SSI_BASE + 0xF4u)
#define SSI_SR_BUSY 0x01u
#define SSI_SR_TFE 0x04u
#define SSI_SR_RFNE 0x08u

/* Clocks */
#define CLOCKS_BASE 0x40008000u
#define CLK_REF_CTRL (CLOCKS_BASE + 0x30u)
#define CLK_REF_SELECTED (CLOCKS_BASE + 0x38u)
#define CLK_SYS_CTRL (CLOCKS_BASE + 0x3Cu)
#define CLK_SYS_SELECTED (CLOCKS_BASE + 0x44u)
#define CLK_PERI_CTRL (CLOCKS_BASE + 0x48u)
#define CLK_SYS_RESUS_CTRL (CLOCKS_BASE + 0x78u)
#define CLK_REF_SRC_XOSC 2u
#define CLK_SYS_SRC_AUX 1u
#define CLK_PERI_ENABLE 0x800u

/* Resets */
#define RESETS_BASE 0x4000C000u
#define RESETS_RESET (RESETS_BASE + 0x0u)
#define RESETS_RESET_DONE (RESETS_BASE + 0x8u)
#define RESET_IO_BANK0 (1u << 5)
#define RESET_PADS_BANK0 (1u << 8)
#define RESET_PLL_SYS (1u << 12)
#define RESET_TIMER (1u << 21)
#define RESET_UART0 (1u << 22)

/* Power-on state machine: what a watchdog reset resets */
#define PSM_WDSEL 0x40010008u
#define PSM_WDSEL_ALL_BUT_OSCILLATORS 0x0001FFFCu

/* GPIO */
#define IO_BANK0_GPIO_CTRL(pin) (0x40014004u + 8u * (pin))
#define PADS_BANK0_GPIO(pin) (0x4001C004u + 4u * (pin))
#define PADS_QSPI_BASE 0x40020000u
#define PADS_QSPI_SCLK (PADS_QSPI_BASE + 0x04u)
#define PADS_QSPI_SD0 (PADS_QSPI_BASE + 0x08u)
#define PADS_SCHMITT 0x02u
#define PADS_SLEWFAST 0x01u
#define PADS_DRIVE_8MA (2u << 4)
#define PADS_IE 0x40u
#define GPIO_FUNC_UART 2u
#define GPIO_FUNC_SIO 5u

/* Crystal oscillator and PLL */
#define XOSC_BASE 0x40024000u
#define XOSC_CTRL (XOSC_BASE + 0x00u)
#define XOSC_STATUS (XOSC_BASE + 0x04u)
#define XOSC_STARTUP (XOSC_BASE + 0x0Cu)
#define XOSC_CTRL_RANGE_1_15MHZ 0xAA0u
#define XOSC_CTRL_ENABLE (0xFABu << 12)
#define XOSC_STATUS_STABLE (1u << 31)
#define PLL_SYS_BASE 0x40028000u
#define PLL_CS (PLL_SYS_BASE + 0x0u)
#define PLL_PWR (PLL_SYS_BASE + 0x4u)
#define PLL_FBDIV_INT (PLL_SYS_BASE + 0x8u)
#define PLL_PRIM (PLL_SYS_BASE + 0xCu)
#define PLL_CS_LOCK (1u << 31)
#define PLL_PWR_PD (1u << 0)
#define PLL_PWR_POSTDIVPD (1u << 3)
#define PLL_PWR_VCOPD (1u << 5)

/* UART0 (ARM PL011) */
#define UART0_BASE 0x40034000u
#define UART0_DR (UART0_BASE + 0x00u)
#define UART0_FR (UART0_BASE + 0x18u)
#define UART0_IBRD (UART0_BASE + 0x24u)
#define UART0_FBRD (UART0_BASE + 0x28u)
#define UART0_LCR_H (UART0_BASE + 0x2Cu)
#define UART0_CR (UART0_BASE + 0x30u)
#define UART_FR_BUSY (1u << 3)
#define UART_FR_RXFE (1u << 4)
#define UART_FR_TXFF (1u << 5)
#define UART_FR_TXFE (1u << 7)
#define UART_LCR_H_8N1_FIFO 0x70u
#define UART_CR_ENABLE_TX_RX 0x301u

/* Watchdog (its tick also clocks TIMER) */
#define WATCHDOG_BASE 0x40058000u
#define WATCHDOG_CTRL (WATCHDOG_BASE + 0x00u)
#define WATCHDOG_LOAD (WATCHDOG_BASE + 0x04u)
#define WATCHDOG_REASON (WATCHDOG_BASE + 0x08u)
#define WATCHDOG_TICK (WATCHDOG_BASE + 0x2Cu)
#define WATCHDOG_CTRL_TRIGGER (1u << 31)
#define WATCHDOG_CTRL_ENABLE (1u << 30)
#define WATCHDOG_CTRL_PAUSE_DEBUG (7u << 24)
#define WATCHDOG_REASON_TIMER 0x1u
#define WATCHDOG_REASON_FORCE 0x2u
#define WATCHDOG_TICK_ENABLE 0x200u

/* SIO */
#define SIO_GPIO_OUT_SET 0xD0000014u
#define SIO_GPIO_OUT_CLR 0xD0000018u
#define SIO_GPIO_OE_SET 0xD0000024u

/* Cortex-M0+ private peripherals */
#define SYST_CSR 0xE000E010u
#define SYST_RVR 0xE000E014u
#define SYST_CVR 0xE000E018u
#define SYST_CSR_ENABLE 0x1u
#define SYST_CSR_TICKINT 0x2u
#define SYST_CSR_CPU_CLOCK 0x4u
#define SCB_ICSR 0xE000ED04u
#define SCB_VTOR 0xE000ED08u
#define SCB_ICSR_PENDSTCLR (1u << 25)

#endif
