// SPDX-License-Identifier: MIT
/* Console: output goes straight to the registered driver (it works before
 * memory, interrupts or threads exist); input bytes arrive through a small
 * ring that the driver's interrupt handler fills, and a blocked reader
 * sleeps on a wait queue until then. */
#include <kern/console.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/irq.h>
#include <kern/time.h>
#include <kern/errno.h>
#include <string.h>

static const struct console_ops *con;
static char rx_ring[256];
static volatile unsigned rx_head, rx_tail;   /* head: producer (irq) */
static struct waitq rx_wq = WAITQ_INIT;
static bool rx_irq;
static struct thread *volatile intr_target;

/* Output from before any console (a machine without a UART, until its
 * virtio console port is found): kept, up to its size, and replayed to the
 * first console registered. */
static char early[4096];
static size_t early_n;

static void out(const char *s, size_t n)
{
	if (con->write) {
		con->write(s, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			con->putc('\r');
		con->putc(s[i]);
	}
}

void console_register(const struct console_ops *ops)
{
	unsigned long flags = irq_save();
	bool first = !con;

	con = ops;
	if (first && early_n) {
		out(early, early_n);
		early_n = 0;
	}
	irq_restore(flags);
}

void console_write(const char *s, size_t n)
{
	if (!con) {
		unsigned long flags = irq_save();
		size_t k = MIN(n, sizeof(early) - early_n);
		memcpy(early + early_n, s, k);
		early_n += k;
		irq_restore(flags);
		return;
	}
	out(s, n);
}

const char *console_name(void)
{
	return con ? con->name : NULL;
}

void console_flush(void)
{
	if (con && con->flush)
		con->flush();
}

void console_set_intr_target(struct thread *t)
{
	intr_target = t;
}

void console_rx(char c)
{
	struct thread *t = intr_target;

	if (c == '\x03' && t) {         /* Ctrl-C while a command runs */
		thread_interrupt(t);
		return;
	}
	unsigned next = (rx_head + 1) % sizeof(rx_ring);
	if (next != rx_tail) {          /* full: drop the byte */
		rx_ring[rx_head] = c;
		rx_head = next;
	}
	waitq_wake_one(&rx_wq);
}

void console_set_irq_driven(bool on)
{
	rx_irq = on;
}

int console_trygetc(void)
{
	if (rx_head != rx_tail) {
		char c = rx_ring[rx_tail];
		rx_tail = (rx_tail + 1) % sizeof(rx_ring);
		return (unsigned char)c;
	}
	if (!rx_irq && con && con->getc) {
		int c = con->getc();
		if (c >= 0)
			return c;
	}
	return -EAGAIN;
}

int console_getc(void)
{
	if (!con)
		return -EIO;
	for (;;) {
		int c = console_trygetc();
		if (c >= 0)
			return c;
		if (rx_irq) {
			WAIT_EVENT(&rx_wq, rx_head != rx_tail);
		} else {
			thread_sleep_ns(2 * NSEC_PER_MSEC);
		}
	}
}

int console_wait_input(uint64_t timeout_ns)
{
	if (!rx_irq) {
		/* A polled console's bytes arrive only through console_trygetc. */
		int rc = thread_sleep_ns(MIN(timeout_ns, (uint64_t)NSEC_PER_MSEC));
		return rc ? -EINTR : 0;
	}
	unsigned long flags = irq_save();
	int rc = rx_head != rx_tail ? 0 : waitq_sleep_intr_locked(&rx_wq, timeout_ns);
	irq_restore(flags);
	return rc;
}
