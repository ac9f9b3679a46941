// SPDX-License-Identifier: MIT
/* The Arm PL011 UART (PrimeCell UART r1p5 TRM, DDI 0183): the console on
 * QEMU's virt machine. The boot code hands it the base address from
 * /chosen/stdout-path (or virt's 0x09000000); output polls the transmit
 * FIFO, input is interrupt-driven once the GIC is up, through the
 * `interrupts` of the same device-tree node. aarch64 only (the x86 build
 * leaves it out through its ARCH_EXCLUDE, or this guard). */
#ifdef __aarch64__
#include <kern/boot.h>
#include <kern/console.h>
#include <kern/init.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <kern/errno.h>
#include <kern/vm.h>
#include <drivers/fdt.h>
#include <arch/barrier.h>
#include <arch/io.h>
#include <arch/irq.h>

/* Register offsets and bits (TRM §3.2, §3.3). */
#define UARTDR          0x00
#define UARTFR          0x18
#define FR_RXFE         (1u << 4)       /* receive FIFO empty */
#define FR_TXFF         (1u << 5)       /* transmit FIFO full */
#define UARTLCR_H       0x2c
#define LCR_H_FEN       (1u << 4)       /* FIFOs on */
#define LCR_H_WLEN8     (3u << 5)
#define UARTCR          0x30
#define CR_UARTEN       (1u << 0)
#define CR_TXE          (1u << 8)
#define CR_RXE          (1u << 9)
#define UARTIMSC        0x38
#define UARTICR         0x44
#define INT_RX          (1u << 4)       /* receive */
#define INT_RT          (1u << 6)       /* receive timeout */
/* UARTPCellID0..3 (PL011 TRM, DDI 0183G, §3.3.16): the PrimeCell
 * identification, 0x0d 0xf0 0x05 0xb1 in the low bytes. */
#define UARTPCELLID0    0xff0

void pl011_early_init(uint64_t base);
int pl011_probe(uint64_t base);
uint64_t pl011_base(void);

static uint8_t *regs;

static uint32_t rd(unsigned off)
{
	return mmio_read32(regs + off);
}

static void wr(unsigned off, uint32_t v)
{
	mmio_write32(regs + off, v);
}

static void pl011_putc(char c)
{
	if (!regs)
		return;
	/* Bounded: a wedged UART must not hang the kernel. */
	for (int i = 0; i < 100000 && (rd(UARTFR) & FR_TXFF); i++)
		cpu_relax();
	wr(UARTDR, (uint8_t)c);
}

static int pl011_getc(void)
{
	if (regs && !(rd(UARTFR) & FR_RXFE))
		return (int)(rd(UARTDR) & 0xff);
	return -1;
}

static const struct console_ops pl011_ops = {
	.name = "pl011",
	.putc = pl011_putc,
	.getc = pl011_getc,
};

/* Take over the UART at base (identity-mapped by the caller) as the
 * console. The baud rate is left as firmware set it (QEMU ignores it);
 * the UART is enabled with FIFOs, 8N1, and its interrupts masked. */
int pl011_probe(uint64_t base)
{
	static const uint8_t cell_id[4] = { 0x0d, 0xf0, 0x05, 0xb1 };
	const uint8_t *p = (const uint8_t *)(uintptr_t)base;

	for (unsigned i = 0; i < 4; i++) {
		uint32_t v;
		if (probe_read32(p + UARTPCELLID0 + 4 * i, &v))
			return -EIO;
		if ((v & 0xff) != cell_id[i])
			return -ENODEV;
	}
	return 0;
}

void pl011_early_init(uint64_t base)
{
	regs = (uint8_t *)(uintptr_t)base;
	wr(UARTIMSC, 0);
	wr(UARTLCR_H, LCR_H_FEN | LCR_H_WLEN8);
	wr(UARTCR, CR_UARTEN | CR_TXE | CR_RXE);
	console_register(&pl011_ops);
}

uint64_t pl011_base(void)
{
	return (uint64_t)(uintptr_t)regs;
}

/* The receive interrupt clears itself as the FIFO is read empty (PL011
 * TRM: RXINTR falls below the trigger level), so it is not cleared by
 * hand: clearing it after the drain lost a byte that came in between (QEMU
 * raises RX only when a byte arrives), and clearing it when the bound of
 * 64 left bytes in a full FIFO left them there with nothing to raise it
 * again; an echo waiting for them never ended. Left alone, the interrupt
 * stays up while bytes remain and the handler comes back for them. The
 * timeout interrupt is cleared first, so one raised by a byte that lands
 * during the drain is kept. */
static void pl011_irq(void *arg)
{
	wr(UARTICR, INT_RT);
	for (int i = 0; i < 64 && !(rd(UARTFR) & FR_RXFE); i++)
		console_rx((char)(rd(UARTDR) & 0xff));
}

/* The console's node: stdout-path, else the first enabled PL011 at our
 * base address. */
static int console_node(const void *fdt)
{
	int node = fdt_stdout_path(fdt, NULL);
	if (node >= 0 && fdt_compatible(fdt, node, "arm,pl011"))
		return node;
	fdt_for_each_compatible(fdt, node, "arm,pl011") {
		uint64_t a, s;
		if (fdt_node_enabled(fdt, node) && !fdt_reg(fdt, node, 0, &a, &s) &&
		    a == pl011_base())
			return node;
	}
	return -ENOENT;
}

static int pl011_irq_init(void)
{
	const void *fdt = (const void *)(uintptr_t)boot_info.dtb;
	struct fdt_irq spec;
	bool level, active_low;
	int node, line, v;

	if (!regs)
		return -ENODEV;
	if (!fdt || (node = console_node(fdt)) < 0) {
		pr_warn("uart: no device-tree node for the console, input is polled\n");
		return -ENODEV;
	}
	line = fdt_interrupts(fdt, node, 0, &spec);
	if (line == 0)
		line = gic_fdt_line(fdt, &spec, &level, &active_low);
	if (line < 0) {
		pr_warn("uart: no usable interrupt in the device tree (%d), console input is polled\n",
			line);
		return line;
	}
	v = irq_attach_line((unsigned)line, level, active_low, pl011_irq, NULL);
	if (v < 0) {
		pr_warn("uart: no IRQ %d (%d), console input is polled\n", line, v);
		return v;
	}
	console_set_irq_driven(true);
	wr(UARTICR, 0x7ff);
	wr(UARTIMSC, INT_RX | INT_RT);
	return 0;
}
INITCALL(INIT_DRIVER, pl011_irq_init);
#endif
