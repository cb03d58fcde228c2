/* Cortex-M startup for mps2-an385: vector table, reset handler (copies .data, zeroes .bss), default
 * handlers, and a HardFault handler that reports the faulting PC over UART0 and halts until the watchdog
 * (armed by the core at boot; its NMI preempts HardFault) reboots the board. */
#include <stdint.h>

#include "board.h"
#include "firmware.h"
#include "registers.h"

extern uint32_t __data_load_start[], __data_start[], __data_end[], __bss_start[], __bss_end[], __stack_top[];

void Reset_Handler(void) __attribute__((noreturn));
void Default_Handler(void);
void HardFault_Handler(void) __attribute__((naked));
void hard_fault_report(const uint32_t *frame, uint32_t exc_return) __attribute__((noreturn, used));

void NMI_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SVC_Handler(void) __attribute__((weak, alias("Default_Handler")));
void PendSV_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SysTick_Handler(void) __attribute__((weak, alias("Default_Handler")));

typedef void (*vector)(void);

/* 16 system vectors (ARMv6-M uses NMI, HardFault, SVCall, PendSV, SysTick) + 32 AN385 interrupts. */
__attribute__((section(".vectors"), used)) static const vector vector_table[16 + 32] = {
    (vector)(uintptr_t)__stack_top,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    [4 ... 10] = Default_Handler,
    SVC_Handler,
    [12 ... 13] = Default_Handler,
    PendSV_Handler,
    SysTick_Handler,
    [16 ... 47] = Default_Handler,
};

void Reset_Handler(void) {
    uint32_t *src = __data_load_start;
    for (uint32_t *dst = __data_start; dst < __data_end; dst++, src++) {
        *dst = *src;
    }
    for (uint32_t *dst = __bss_start; dst < __bss_end; dst++) {
        *dst = 0;
    }
    board_init();
    fw_run();
}

/* ---- fault reporting: plain text between two 0x00 bytes, which a protocol host drops as a bad frame
 * (and counts), while a person watching the serial line reads it. ---- */

static void put_text(const char *text) {
    while (*text != '\0') {
        board_uart_write((const uint8_t *)text, 1);
        text++;
    }
}

static void put_hex(uint32_t value) {
    char digits[11] = "0x";
    for (int i = 0; i < 8; i++) {
        uint32_t nibble = (value >> (28 - 4 * i)) & 0xFu;
        digits[2 + i] = (char)(nibble < 10u ? '0' + nibble : 'a' + nibble - 10u);
    }
    digits[10] = '\0';
    put_text(digits);
}

/* Exception frame: r0 r1 r2 r3 r12 lr pc xpsr. */
void hard_fault_report(const uint32_t *frame, uint32_t exc_return) {
    static const uint8_t delimiter = 0;
    board_uart_write(&delimiter, 1);
    put_text("\r\nHARDFAULT pc=");
    put_hex(frame[6]);
    put_text(" lr=");
    put_hex(frame[5]);
    put_text(" xpsr=");
    put_hex(frame[7]);
    put_text(" sp=");
    put_hex((uint32_t)(uintptr_t)frame);
    put_text(" exc_return=");
    put_hex(exc_return);
    put_text(" (halted until the watchdog reboots the board)\r\n");
    board_uart_write(&delimiter, 1);
    board_uart_flush();
    __asm__ volatile("cpsid i" ::: "memory");
    for (;;) {
        __asm__ volatile("wfi");
    }
}

void HardFault_Handler(void) {
    __asm__ volatile(
        ".syntax unified\n"
        "mov r1, lr\n"
        "movs r0, #4\n"
        "tst r0, r1\n"
        "bne 1f\n"
        "mrs r0, msp\n"
        "b 2f\n"
        "1:\n"
        "mrs r0, psp\n"
        "2:\n"
        "ldr r2, =hard_fault_report\n"
        "bx r2\n"
        ".ltorg\n");
}

void Default_Handler(void) {
    static const uint8_t delimiter = 0;
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    board_uart_write(&delimiter, 1);
    put_text("\r\nUNEXPECTED EXCEPTION ");
    put_hex(ipsr);
    put_text(" (halted until the watchdog reboots the board)\r\n");
    board_uart_write(&delimiter, 1);
    board_uart_flush();
    __asm__ volatile("cpsid i" ::: "memory");
    for (;;) {
        __asm__ volatile("wfi");
    }
}
