/* Registers of QEMU's mps2-an385 machine used by this board (addresses from QEMU hw/arm/mps2.c,
 * hw/char/cmsdk-apb-uart.c, hw/misc/mps2-scc.c, and the ARMv6-M/ARMv7-M system control space). */
#ifndef TINYHIL_MPS2_AN385_REGISTERS_H
#define TINYHIL_MPS2_AN385_REGISTERS_H

#include <stdint.h>

#define REG32(address) (*(volatile uint32_t *)(address))

/* CMSDK APB UART0 */
#define UART0_BASE 0x40004000u
#define UART0_DATA REG32(UART0_BASE + 0x00u)
#define UART0_STATE REG32(UART0_BASE + 0x04u)     /* bit 0 TX full, bit 1 RX full, bits 2/3 overrun (W1C) */
#define UART0_CTRL REG32(UART0_BASE + 0x08u)      /* bit 0 TX enable, bit 1 RX enable, bit 3 RX interrupt */
#define UART0_INTSTATUS REG32(UART0_BASE + 0x0Cu) /* write 1 to clear */
#define UART0_BAUDDIV REG32(UART0_BASE + 0x10u)   /* >= 16; QEMU ignores the rate itself */
#define UART_STATE_TX_FULL 0x1u
#define UART_STATE_RX_FULL 0x2u
#define UART_CTRL_TX_ENABLE 0x1u
#define UART_CTRL_RX_ENABLE 0x2u
#define UART_CTRL_RX_INTERRUPT 0x8u
#define UART_INT_RX 0x2u
#define UART0_RX_IRQ 0u /* UART0 RX is IRQ 0, TX is IRQ 1 */

/* CMSDK APB watchdog (DDI0479C): interrupt -> NMI, clocked by SYSCLK */
#define WDOG_BASE 0x40008000u
#define WDOG_LOAD REG32(WDOG_BASE + 0x000u)
#define WDOG_CONTROL REG32(WDOG_BASE + 0x008u) /* bit 0 INTEN, bit 1 RESEN */
#define WDOG_INTCLR REG32(WDOG_BASE + 0x00Cu)  /* any write: clear interrupt, reload counter */
#define WDOG_LOCK REG32(WDOG_BASE + 0xC00u)    /* 0x1ACCE551 unlocks writes, anything else locks */
#define WDOG_CONTROL_INTEN 0x1u
#define WDOG_CONTROL_RESEN 0x2u
#define WDOG_UNLOCK_KEY 0x1ACCE551u

/* MPS2 SCC: CFG_REG1 drives the board LEDs; LED0 is the measurement marker. */
#define SCC_CFG1 REG32(0x4002F004u)

/* System control space */
#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)
#define SYST_CSR_ENABLE 0x1u
#define SYST_CSR_TICKINT 0x2u
#define SYST_CSR_CPU_CLOCK 0x4u
#define NVIC_ISER REG32(0xE000E100u)
#define NVIC_ICER REG32(0xE000E180u)
#define NVIC_ICPR REG32(0xE000E280u)
#define SCB_ICSR REG32(0xE000ED04u)
#define SCB_ICSR_PENDSTCLR (1u << 25)
#define SCB_AIRCR REG32(0xE000ED0Cu)
#define SCB_CCR REG32(0xE000ED14u)
#define SCB_CCR_UNALIGN_TRP (1u << 3) /* ARMv7-M: fault on unaligned LDR/STR, as an ARMv6-M core always does */
#define SCB_AIRCR_SYSRESETREQ 0x05FA0004u

#endif
