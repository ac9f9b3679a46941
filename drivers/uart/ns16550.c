// SPDX-License-Identifier: MIT
/* The 16550 UART on COM1 (I/O port 0x3f8, ISA IRQ 4): the x86 console.
 * Register layout from the PC16550D datasheet. Output polls the transmit
 * holding register; input is interrupt-driven once interrupts are up. */
#include <kern/console.h>
#include <kern/init.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <arch/io.h>

#define COM1    0x3f8
#define RBR     0       /* receive buffer (read) / THR transmit (write) */
#define IER     1       /* interrupt enable */
#define FCR     2       /* FIFO control (write) */
#define LCR     3       /* line control */
#define MCR     4       /* modem control */
#define LSR     5       /* line status */
#define LSR_DR   0x01   /* data ready */
#define LSR_THRE 0x20   /* transmit holding register empty */

static bool present;

static void ns16550_putc(char c)
{
	if (!present)
		return;
	/* Bounded: a wedged UART must not hang the kernel. */
	for (int i = 0; i < 100000 && !(inb(COM1 + LSR) & LSR_THRE); i++)
		__asm__ __volatile__("pause");
	outb(COM1 + RBR, (uint8_t)c);
}

static int ns16550_getc(void)
{
	if (present && (inb(COM1 + LSR) & LSR_DR))
		return inb(COM1 + RBR);
	return -1;
}

static const struct console_ops ns16550_ops = {
	.name = "ns16550",
	.putc = ns16550_putc,
	.getc = ns16550_getc,
};

void uart_early_init(void);
void uart_early_init(void)
{
	/* A missing UART reads back 0xff from the scratch register path;
	 * check the line status register looks sane. */
	if (inb(COM1 + LSR) == 0xff)
		return;
	present = true;
	outb(COM1 + IER, 0);
	outb(COM1 + LCR, 0x80);         /* DLAB: divisor follows */
	outb(COM1 + 0, 1);              /* 115200 baud */
	outb(COM1 + 1, 0);
	outb(COM1 + LCR, 0x03);         /* 8N1 */
	outb(COM1 + FCR, 0x07);         /* FIFOs on and cleared */
	outb(COM1 + MCR, 0x0b);         /* DTR, RTS, OUT2 (IRQ gate) */
	console_register(&ns16550_ops);
}

static void ns16550_irq(void *arg)
{
	for (int i = 0; i < 64 && (inb(COM1 + LSR) & LSR_DR); i++)
		console_rx((char)inb(COM1 + RBR));
}

static int ns16550_irq_init(void)
{
	if (!present)
		return -19;
	int v = irq_attach_line(4, false, false, ns16550_irq, NULL);
	if (v < 0) {
		pr_warn("uart: no IRQ 4 (%d), console input is polled\n", v);
		return v;
	}
	console_set_irq_driven(true);
	outb(COM1 + IER, 0x01);         /* receive data available */
	return 0;
}
INITCALL(INIT_DRIVER, ns16550_irq_init);
