/* The mps2-an385 board under QEMU (-icount shift=0): CMSDK UART0, SysTick as an instruction stopwatch,
 * the SCC LED register as the marker, the model store and arena in RAM. See README.md in this folder. */
#include "board.h"

#include "registers.h"

/* ---- facts ---- */

/* With -icount shift=0 QEMU's virtual clock advances 1 ns per guest instruction: the counter is in
 * instructions and a "clock" of 1e9 instructions per second converts it to virtual time. */
#define INSTRUCTIONS_PER_SECOND 1000000000u
/* QEMU clocks SysTick (CLKSOURCE = CPU) from the machine's 25 MHz SYSCLK: 40 ns = 40 instructions per tick. */
#define INSTRUCTIONS_PER_TICK 40u
/* Announced RAM: a Raspberry Pi Pico's 264 KiB, the size the linker script holds this firmware's RAM to. */
#define PICO_RAM_BYTES (264u * 1024u)

#ifndef MODEL_STORE_BYTES
#define MODEL_STORE_BYTES (1024u * 1024u)
#endif
#ifndef ARENA_BYTES
#define ARENA_BYTES (200u * 1024u)
#endif

static const board_facts facts = {
    .name = "mps2-an385",
    .cpu_hz = INSTRUCTIONS_PER_SECOND,
    .counter_unit = BOARD_COUNTER_INSTRUCTIONS,
    .flags = 0, /* model in RAM; the marker is an LED register the power meter cannot see */
    .ram_bytes = PICO_RAM_BYTES,
};

const board_facts *board_get_facts(void) { return &facts; }

/* QEMU's mps2-an385 has no unique ID (its SCC and CPU ID registers read the same on every instance): every virtual
 * board reports this fixed value (README.md); the host tells virtual boards apart by their UART socket. */
const char *board_serial_number(void) { return "qemu-mps2-an385"; }

/* ---- boot counter: a record outside every loaded section (the linker script places it at the top of
 * RAM), so neither the reset handler nor QEMU's reset-time reload of the image touches it. ---- */

typedef struct boot_record {
    uint32_t magic;
    uint32_t count;
    uint32_t check;       /* ~count */
    uint32_t next_reason; /* BOARD_BOOT_* the next boot reports */
} boot_record;

extern boot_record __boot_record;
#define BOOT_MAGIC 0x7448424Fu
static uint32_t boot_count;
static uint8_t boot_reason;

/* The next boot's reason is recorded before every reset this firmware starts (board_reboot: REQUESTED, the
 * watchdog's NMI: WATCHDOG). It defaults to WATCHDOG, so a reset the firmware did not start (QEMU's own
 * watchdog reset, should it come first) reads as one; an invalid record is a power-on (QEMU started). */
static void count_boot(void) {
    boot_record *r = &__boot_record;
    if (r->magic != BOOT_MAGIC || r->check != ~r->count || r->next_reason > BOARD_BOOT_REQUESTED) {
        r->count = 0;
        boot_reason = BOARD_BOOT_POWER_ON;
    } else {
        boot_reason = (uint8_t)r->next_reason;
    }
    r->count++;
    r->check = ~r->count;
    r->magic = BOOT_MAGIC;
    r->next_reason = BOARD_BOOT_WATCHDOG;
    boot_count = r->count;
}

uint32_t board_boot_count(void) { return boot_count; }
uint8_t board_boot_reason(void) { return boot_reason; }

/* ---- UART0 ---- */

static void uart_init(void) {
    UART0_BAUDDIV = 217u; /* 25 MHz / 115200; QEMU only needs a value >= 16 */
    UART0_CTRL = UART_CTRL_TX_ENABLE | UART_CTRL_RX_ENABLE | UART_CTRL_RX_INTERRUPT;
    UART0_INTSTATUS = 0xFu;
}

/* Timer 0 wakes the idle loop every IDLE_WAKE_MS, so the core's main loop feeds the watchdog while it waits for
 * the host (QEMU's virtual clock runs in real time while the core sleeps). */
#define IDLE_WAKE_MS 10u

static void idle_timer_init(void) {
    TIMER0_RELOAD = IDLE_WAKE_MS * 25000u; /* 25 MHz PCLK */
    TIMER0_CTRL = TIMER_CTRL_ENABLE | TIMER_CTRL_IRQ_ENABLE;
    TIMER0_INTCLEAR = 1u;
}

/* Sleeps until a byte may be waiting or the idle timer ticks. The RX and timer interrupts are enabled in the NVIC
 * only around WFI, with PRIMASK set, so they wake the core but never run a handler: nothing can interrupt an
 * inference. */
static void wait_for_rx(void) {
    const uint32_t wake = (1u << UART0_RX_IRQ) | (1u << TIMER0_IRQ);
    UART0_INTSTATUS = UART_INT_RX;
    TIMER0_INTCLEAR = 1u;
    NVIC_ICPR = wake;
    __asm__ volatile("cpsid i" ::: "memory");
    NVIC_ISER = wake;
    if ((UART0_STATE & UART_STATE_RX_FULL) == 0u) {
        __asm__ volatile("wfi" ::: "memory");
    }
    NVIC_ICER = wake;
    UART0_INTSTATUS = UART_INT_RX;
    TIMER0_INTCLEAR = 1u;
    NVIC_ICPR = wake;
    __asm__ volatile("cpsie i" ::: "memory");
}

/* While the marker is high (a measurement window runs) board_uart_read never sleeps: the core polls the line
 * between inferences of a window to stop it early, and a sleep would stall the measured work. */
static int marker_high;

int board_uart_read(void) {
    if ((UART0_STATE & UART_STATE_RX_FULL) == 0u) {
        if (marker_high) {
            return -1;
        }
        wait_for_rx();
        if ((UART0_STATE & UART_STATE_RX_FULL) == 0u) {
            return -1;
        }
    }
    return (int)(UART0_DATA & 0xFFu);
}

void board_uart_write(const uint8_t *bytes, size_t count) {
    for (size_t i = 0; i < count; i++) {
        while ((UART0_STATE & UART_STATE_TX_FULL) != 0u) {
        }
        UART0_DATA = bytes[i];
    }
}

void board_uart_flush(void) {
    while ((UART0_STATE & UART_STATE_TX_FULL) != 0u) {
    }
}

/* QEMU's CMSDK UART moves bytes at the speed of its chardev backend whatever BAUDDIV says: every rate "works". */
int board_uart_set_baud(uint32_t baud) {
    (void)baud;
    board_uart_flush();
    return 0;
}

/* ---- SysTick stopwatch ----
 * SysTick counts down at 25 MHz = one tick per 40 instructions. start() writes SYST_CVR, which restarts
 * QEMU's tick phase at that very instruction, so tick edges fall at fixed instruction offsets after
 * start(): a deterministic instruction stream reads the same value every time. read() then spins until
 * the next tick edge, counting 4-instruction loop turns, which refines the 40-instruction tick to a
 * resolution of 4 instructions. Wraps of the 24-bit counter (every 2^24 ticks = 671 M instructions)
 * are counted by the SysTick handler. */

static volatile uint32_t systick_wraps;
/* What an empty start(); read(); pair reads, measured once at boot and subtracted from every reading. */
static uint32_t stopwatch_overhead;
#define SPIN_LOOP_INSTRUCTIONS 4u

void SysTick_Handler(void);
void SysTick_Handler(void) { systick_wraps++; }

static void systick_init(void) {
    SYST_RVR = 0x00FFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CPU_CLOCK;
}

__attribute__((noinline)) void board_stopwatch_start(void) {
    SYST_CVR = 0;
    SCB_ICSR = SCB_ICSR_PENDSTCLR;
    systick_wraps = 0;
}

__attribute__((noinline)) uint64_t board_stopwatch_read(void) {
    uint32_t spins = 0;
    uint32_t value;
    const volatile uint32_t *cvr = &SYST_CVR;
    /* Wait for the next tick edge: 4 instructions per turn (ldr, adds, cmp, beq). */
    __asm__ volatile(
        ".syntax unified\n"
        "ldr %[value], [%[cvr]]\n"
        "mov r3, %[value]\n"
        "1:\n"
        "ldr %[value], [%[cvr]]\n"
        "adds %[spins], %[spins], #1\n"
        "cmp %[value], r3\n"
        "beq 1b\n"
        : [value] "=&l"(value), [spins] "+l"(spins)
        : [cvr] "l"(cvr)
        : "r3", "cc", "memory");
    uint32_t wraps = systick_wraps;
    uint64_t ticks = ((uint64_t)wraps << 24) + ((0x01000000u - value) & 0x00FFFFFFu);
    uint64_t instructions = ticks * INSTRUCTIONS_PER_TICK;
    uint64_t spent = (uint64_t)spins * SPIN_LOOP_INSTRUCTIONS + stopwatch_overhead;
    return instructions > spent ? instructions - spent : 0u;
}

uint32_t board_counter_to_micros(uint64_t counter) {
    uint64_t micros = counter / (INSTRUCTIONS_PER_SECOND / 1000000u);
    return micros > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)micros;
}

/* ---- marker: SCC LED0 ---- */

void board_marker_set(int level) {
    marker_high = level != 0;
    SCC_CFG1 = level ? 1u : 0u;
}

/* ---- model slots and arena ---- */

/* The slots play the Pico's flash: they sit in the code SSRAM next to the program (linker script section
 * .model_store), outside the 264 KiB of RAM. */
#define SLOT_COUNT 2u
static uint8_t model_store[SLOT_COUNT][MODEL_STORE_BYTES] __attribute__((section(".model_store"), aligned(16)));
static uint8_t arena[ARENA_BYTES] __attribute__((aligned(16)));

uint32_t board_slot_count(void) { return SLOT_COUNT; }
uint32_t board_slot_capacity_bytes(void) { return MODEL_STORE_BYTES; }
const uint8_t *board_slot_bytes(uint32_t slot) { return slot < SLOT_COUNT ? model_store[slot] : 0; }
int board_slot_begin(uint32_t slot, uint32_t model_bytes) {
    return slot < SLOT_COUNT && model_bytes <= MODEL_STORE_BYTES ? 0 : -1;
}

int board_slot_write(uint32_t slot, uint32_t offset, const uint8_t *bytes, uint32_t count) {
    if (slot >= SLOT_COUNT || offset > MODEL_STORE_BYTES || count > MODEL_STORE_BYTES - offset) {
        return -1;
    }
    for (uint32_t i = 0; i < count; i++) {
        model_store[slot][offset + i] = bytes[i];
    }
    return 0;
}

int board_slot_finish(uint32_t slot) { return slot < SLOT_COUNT ? 0 : -1; }

uint8_t *board_arena(uint32_t *capacity_bytes) {
    *capacity_bytes = ARENA_BYTES;
    return arena;
}

/* ---- reboot and watchdog ---- */

static void reset_now(uint32_t next_reason) __attribute__((noreturn));
static void reset_now(uint32_t next_reason) {
    __boot_record.next_reason = next_reason;
    __asm__ volatile("dsb" ::: "memory");
    SCB_AIRCR = SCB_AIRCR_SYSRESETREQ;
    __asm__ volatile("dsb" ::: "memory");
    for (;;) {
    }
}

/* QEMU's mps2-an385 has no USB bootloader (BOARD_FLAG_USB_BOOTLOADER is clear, so the core never calls this):
 * an ordinary reboot keeps the board interface complete. */
void board_reboot_to_bootloader(void) { board_reboot(); }

void board_reboot(void) {
    board_uart_flush();
    reset_now(BOARD_BOOT_REQUESTED);
}

/* The CMSDK APB watchdog (0x40008000, clocked by the 25 MHz SYSCLK = 40 ns per tick in QEMU's virtual time)
 * raises its interrupt, wired to NMI, when its counter first reaches zero; it would reset the machine at the
 * second zero. The NMI handler resets at the first one, through the same SYSRESETREQ path as board_reboot, with
 * the boot reason WATCHDOG recorded: one path, whether or not QEMU's model resets by itself. */
#define WATCHDOG_TICKS_PER_MS 25000u

void board_watchdog_arm(uint32_t timeout_ms) {
    uint32_t max_ms = 0xFFFFFFFFu / WATCHDOG_TICKS_PER_MS;
    uint32_t ms = timeout_ms == 0u ? 1u : (timeout_ms > max_ms ? max_ms : timeout_ms);
    WDOG_LOCK = WDOG_UNLOCK_KEY;
    WDOG_LOAD = ms * WATCHDOG_TICKS_PER_MS;
    WDOG_INTCLR = 1u;
    WDOG_CONTROL = WDOG_CONTROL_INTEN | WDOG_CONTROL_RESEN;
    WDOG_LOCK = 0u;
}

void board_watchdog_feed(void) {
    WDOG_LOCK = WDOG_UNLOCK_KEY;
    WDOG_INTCLR = 1u; /* clears the interrupt and reloads the counter from WDOG_LOAD */
    WDOG_LOCK = 0u;
}

void NMI_Handler(void);
void NMI_Handler(void) {
    static const uint8_t notice[] = "\0\r\nWATCHDOG: rebooting\r\n";
    board_uart_write(notice, sizeof notice); /* between two 0x00: a host drops it as a bad frame */
    board_uart_flush();
    reset_now(BOARD_BOOT_WATCHDOG);
}

void board_init(void) {
    /* QEMU emulates a Cortex-M3, which would quietly allow unaligned word and halfword accesses; a Cortex-M0+
     * faults on them. Trap them here too, so code that would crash on a Pico crashes on the virtual board. */
    SCB_CCR |= SCB_CCR_UNALIGN_TRP;
    count_boot();
    uart_init();
    idle_timer_init();
    systick_init();
    board_marker_set(0);
    stopwatch_overhead = 0;
    board_stopwatch_start();
    stopwatch_overhead = (uint32_t)board_stopwatch_read();
}
