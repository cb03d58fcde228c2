/* The Raspberry Pi Pico (RP2040, Cortex-M0+), bare metal: clocks 12 MHz crystal -> PLL_SYS 125 MHz, UART0,
 * the measurement marker on GP22, SysTick as a CPU-cycle stopwatch, the watchdog, the boot counter.
 * The model store is in model_store_flash.c (XIP flash) or model_store_ram.c. See README.md here. */
#include "board.h"

#include "board_pico.h"
#include "registers.h"
#include "rom_functions.h"

#define CPU_HZ 125000000u
#define XOSC_HZ 12000000u
#define PICO_RAM_BYTES (264u * 1024u)

#ifndef UART_TX_PIN
#define UART_TX_PIN 0u
#endif
#ifndef UART_RX_PIN
#define UART_RX_PIN 1u
#endif
#ifndef MARKER_PIN
#define MARKER_PIN 22u
#endif
#ifndef UART_BAUD
#define UART_BAUD 115200u
#endif
#ifndef ARENA_BYTES
#define ARENA_BYTES (200u * 1024u)
#endif

/* UART0 can only reach these pins (function 2). */
#if UART_TX_PIN != 0 && UART_TX_PIN != 12 && UART_TX_PIN != 16 && UART_TX_PIN != 28
#error "UART_TX_PIN must be one of UART0's TX pins: 0, 12, 16, 28"
#endif
#if UART_RX_PIN != 1 && UART_RX_PIN != 13 && UART_RX_PIN != 17 && UART_RX_PIN != 29
#error "UART_RX_PIN must be one of UART0's RX pins: 1, 13, 17, 29"
#endif

/* ---- facts ---- */

static board_facts facts = {
    .name = "rp2040-pico",
    .cpu_hz = CPU_HZ,
    .counter_unit = BOARD_COUNTER_CPU_CYCLES,
    .flags = BOARD_FLAG_MARKER_GPIO | BOARD_FLAG_USB_BOOTLOADER,
    .ram_bytes = PICO_RAM_BYTES,
};

const board_facts *board_get_facts(void) { return &facts; }

/* ---- boot counter and boot reason: a record in .noinit (start of SRAM, which neither the reset handler nor
 * the bootrom's flash boot path writes), valid while its magic and check word agree. ---- */

typedef struct boot_record {
    uint32_t magic;
    uint32_t count;
    uint32_t check; /* ~count */
} boot_record;

static boot_record record __attribute__((section(".noinit")));
#define BOOT_MAGIC 0x7448424Fu
static uint32_t boot_count;
static uint8_t boot_reason;

static void count_boot(void) {
    uint32_t reason = REG32(WATCHDOG_REASON);
    if ((reason & WATCHDOG_REASON_TIMER) != 0u) {
        boot_reason = BOARD_BOOT_WATCHDOG;
    } else if ((reason & WATCHDOG_REASON_FORCE) != 0u) {
        boot_reason = BOARD_BOOT_REQUESTED;
    } else {
        boot_reason = BOARD_BOOT_POWER_ON;
    }
    if (boot_reason == BOARD_BOOT_POWER_ON || record.magic != BOOT_MAGIC || record.check != ~record.count) {
        record.count = 0;
    }
    record.count++;
    record.check = ~record.count;
    record.magic = BOOT_MAGIC;
    boot_count = record.count;
}

uint32_t board_boot_count(void) { return boot_count; }
uint8_t board_boot_reason(void) { return boot_reason; }

/* ---- resets and clocks ---- */

static void unreset(uint32_t bits) {
    REG32(RESETS_RESET + CLR_ALIAS) = bits;
    while ((REG32(RESETS_RESET_DONE) & bits) != bits) {
    }
}

static void clocks_init(void) {
    REG32(CLK_SYS_RESUS_CTRL) = 0;

    REG32(XOSC_CTRL) = XOSC_CTRL_RANGE_1_15MHZ;
    REG32(XOSC_STARTUP) = 47; /* ~1 ms at 12 MHz: (47 * 256) / 12 MHz */
    REG32(XOSC_CTRL + SET_ALIAS) = XOSC_CTRL_ENABLE;
    while ((REG32(XOSC_STATUS) & XOSC_STATUS_STABLE) == 0u) {
    }

    /* Run clk_sys and clk_ref from their glitchless non-PLL sources while the PLL is reprogrammed. */
    REG32(CLK_SYS_CTRL + CLR_ALIAS) = 0x3u;
    while (REG32(CLK_SYS_SELECTED) != 0x1u) {
    }
    REG32(CLK_REF_CTRL + CLR_ALIAS) = 0x3u;
    while (REG32(CLK_REF_SELECTED) != 0x1u) {
    }

    /* PLL_SYS: 12 MHz / 1 * 125 = 1500 MHz VCO, / 6 / 2 = 125 MHz. */
    REG32(RESETS_RESET + SET_ALIAS) = RESET_PLL_SYS;
    unreset(RESET_PLL_SYS);
    REG32(PLL_CS) = 1;
    REG32(PLL_FBDIV_INT) = 125;
    REG32(PLL_PWR + CLR_ALIAS) = PLL_PWR_PD | PLL_PWR_VCOPD;
    while ((REG32(PLL_CS) & PLL_CS_LOCK) == 0u) {
    }
    REG32(PLL_PRIM) = (6u << 16) | (2u << 12);
    REG32(PLL_PWR + CLR_ALIAS) = PLL_PWR_POSTDIVPD;

    REG32(CLK_REF_CTRL) = CLK_REF_SRC_XOSC;
    while (REG32(CLK_REF_SELECTED) != (1u << CLK_REF_SRC_XOSC)) {
    }
    REG32(CLK_SYS_CTRL) = 0; /* aux source 0 = PLL_SYS, still selecting clk_ref */
    REG32(CLK_SYS_CTRL) = CLK_SYS_SRC_AUX;
    while (REG32(CLK_SYS_SELECTED) != (1u << CLK_SYS_SRC_AUX)) {
    }
    REG32(CLK_PERI_CTRL) = CLK_PERI_ENABLE; /* clk_peri = clk_sys */

    /* 1 us watchdog/timer ticks from the 12 MHz clk_ref. */
    REG32(WATCHDOG_TICK) = (XOSC_HZ / 1000000u) | WATCHDOG_TICK_ENABLE;
}

/* ---- UART0 ---- */

/* PL011 divisor in 1/64ths: 64 * clk_peri / (16 * baud), rounded. */
static uint32_t uart_divisor_64ths(uint32_t baud) { return (uint32_t)((8ull * CPU_HZ / baud + 1u) / 2u); }

static int uart_program_baud(uint32_t baud) {
    if (baud == 0u) {
        return -1;
    }
    uint32_t divisor = uart_divisor_64ths(baud);
    uint32_t ibrd = divisor >> 6;
    uint32_t fbrd = divisor & 0x3Fu;
    if (ibrd == 0u || ibrd > 0xFFFFu) {
        return -1;
    }
    /* Achieved rate 4 * clk / divisor must lie within 1 % of the request. */
    uint64_t achieved = (4ull * CPU_HZ) / divisor;
    uint64_t error = achieved > baud ? achieved - baud : baud - achieved;
    if (error * 100u > baud) {
        return -1;
    }
    REG32(UART0_IBRD) = ibrd;
    REG32(UART0_FBRD) = fbrd;
    REG32(UART0_LCR_H) = UART_LCR_H_8N1_FIFO; /* latches the divisor */
    return 0;
}

static void uart_init(void) {
    unreset(RESET_IO_BANK0 | RESET_PADS_BANK0 | RESET_UART0);
    (void)uart_program_baud(UART_BAUD);
    REG32(UART0_CR) = UART_CR_ENABLE_TX_RX;
    REG32(IO_BANK0_GPIO_CTRL(UART_TX_PIN)) = GPIO_FUNC_UART;
    REG32(IO_BANK0_GPIO_CTRL(UART_RX_PIN)) = GPIO_FUNC_UART;
}

int board_uart_read(void) {
    if ((REG32(UART0_FR) & UART_FR_RXFE) != 0u) {
        return -1;
    }
    return (int)(REG32(UART0_DR) & 0xFFu);
}

void board_uart_write(const uint8_t *bytes, size_t count) {
    for (size_t i = 0; i < count; i++) {
        while ((REG32(UART0_FR) & UART_FR_TXFF) != 0u) {
        }
        REG32(UART0_DR) = bytes[i];
    }
}

void board_uart_flush(void) {
    while ((REG32(UART0_FR) & (UART_FR_TXFE | UART_FR_BUSY)) != UART_FR_TXFE) {
    }
}

int board_uart_set_baud(uint32_t baud) {
    board_uart_flush();
    return uart_program_baud(baud);
}

/* ---- SysTick: counts CPU cycles down from 2^24 - 1; its interrupt counts wraps (every 2^24 cycles, 134 ms
 * at 125 MHz), which extends the count to 64 bits. ---- */

static volatile uint32_t systick_wraps;
/* What an empty start(); read(); pair reads, measured once at boot and subtracted from every reading. */
static uint32_t stopwatch_overhead;

void SysTick_Handler(void);
void SysTick_Handler(void) { systick_wraps++; }

static void systick_init(void) {
    REG32(SYST_RVR) = 0x00FFFFFFu;
    REG32(SYST_CVR) = 0;
    REG32(SYST_CSR) = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CPU_CLOCK;
}

__attribute__((noinline)) void board_stopwatch_start(void) {
    REG32(SYST_CVR) = 0;
    REG32(SCB_ICSR) = SCB_ICSR_PENDSTCLR;
    systick_wraps = 0;
}

__attribute__((noinline)) uint64_t board_stopwatch_read(void) {
    uint32_t wraps;
    uint32_t value;
    do {
        wraps = systick_wraps;
        value = REG32(SYST_CVR);
    } while (wraps != systick_wraps); /* a wrap's interrupt ran in between: read again */
    uint64_t cycles = ((uint64_t)wraps << 24) + ((0x01000000u - value) & 0x00FFFFFFu);
    return cycles > stopwatch_overhead ? cycles - stopwatch_overhead : 0u;
}

uint32_t board_counter_to_micros(uint64_t counter) {
    uint64_t micros = counter / (CPU_HZ / 1000000u);
    return micros > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)micros;
}

/* ---- marker: GP22 through SIO (one cycle per write) ---- */

static void marker_init(void) {
    REG32(SIO_GPIO_OUT_CLR) = 1u << MARKER_PIN;
    REG32(SIO_GPIO_OE_SET) = 1u << MARKER_PIN;
    REG32(IO_BANK0_GPIO_CTRL(MARKER_PIN)) = GPIO_FUNC_SIO;
}

void board_marker_set(int level) {
    if (level) {
        REG32(SIO_GPIO_OUT_SET) = 1u << MARKER_PIN;
    } else {
        REG32(SIO_GPIO_OUT_CLR) = 1u << MARKER_PIN;
    }
}

/* ---- arena ---- */

static uint8_t arena[ARENA_BYTES] __attribute__((aligned(16)));

uint8_t *board_arena(uint32_t *capacity_bytes) {
    *capacity_bytes = ARENA_BYTES;
    return arena;
}

/* ---- watchdog and reboot ---- */

/* The RP2040's watchdog counts down twice per 1 us tick (datasheet erratum RP2040-E1), its LOAD has 24 bits. */
#define WATCHDOG_MAX_MS (0x00FFFFFFu / 2000u)
static uint32_t watchdog_load;

void board_watchdog_arm(uint32_t timeout_ms) {
    if (timeout_ms == 0u) {
        timeout_ms = 1u;
    }
    if (timeout_ms > WATCHDOG_MAX_MS) {
        timeout_ms = WATCHDOG_MAX_MS;
    }
    watchdog_load = timeout_ms * 2000u;
    REG32(WATCHDOG_CTRL + CLR_ALIAS) = WATCHDOG_CTRL_ENABLE;
    REG32(WATCHDOG_LOAD) = watchdog_load;
    REG32(WATCHDOG_CTRL + SET_ALIAS) = WATCHDOG_CTRL_ENABLE | WATCHDOG_CTRL_PAUSE_DEBUG;
}

void board_watchdog_feed(void) {
    if (watchdog_load != 0u) {
        REG32(WATCHDOG_LOAD) = watchdog_load;
    }
}

void board_reboot(void) {
    board_uart_flush();
    REG32(WATCHDOG_CTRL + SET_ALIAS) = WATCHDOG_CTRL_TRIGGER;
    for (;;) {
    }
}

/* The bootrom's reset_usb_boot ('U', 'B') with no activity LED and both interfaces (mass storage and PICOBOOT)
 * enabled: the Pico comes back as the RPI-RP2 drive, as if BOOTSEL had been held at power-on. */
void board_reboot_to_bootloader(void) {
    typedef void (*rom_reset_usb_boot_fn)(uint32_t gpio_activity_pin_mask, uint32_t disable_interface_mask);
    board_uart_flush();
    rom_reset_usb_boot_fn reset_usb_boot = (rom_reset_usb_boot_fn)pico_rom_function('U', 'B');
    if (reset_usb_boot != 0) {
        reset_usb_boot(0u, 0u);
    }
    board_reboot(); /* a bootrom without the function: an ordinary reboot rather than a hang */
}

void pico_reboot_by_watchdog_timeout(void) {
    __asm__ volatile("cpsid i" ::: "memory");
    if (watchdog_load == 0u) {
        board_watchdog_arm(50u);
    }
    for (;;) {
    }
}

void board_init(void) {
    count_boot();
    /* A watchdog reset resets everything but the oscillators (the default would leave the peripherals up). */
    REG32(PSM_WDSEL) = PSM_WDSEL_ALL_BUT_OSCILLATORS;
    REG32(WATCHDOG_CTRL + CLR_ALIAS) = WATCHDOG_CTRL_ENABLE; /* a watchdog left running by the last boot */
    clocks_init();
    uart_init();
    marker_init();
    pico_model_store_init();
    if (pico_model_store_in_flash()) {
        facts.flags |= BOARD_FLAG_MODEL_IN_FLASH;
    }
    systick_init();
    stopwatch_overhead = 0;
    board_stopwatch_start();
    stopwatch_overhead = (uint32_t)board_stopwatch_read();
}
