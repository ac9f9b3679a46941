/* SPDX-License-Identifier: MIT */
/* The console device under printk: one output driver (the UART of the
 * platform) and an input ring it feeds from its interrupt handler. */
#ifndef KERN_CONSOLE_H
#define KERN_CONSOLE_H

#include <kern/compiler.h>

struct console_ops {
	const char *name;
	void (*putc)(char c);
	int (*getc)(void);      /* polled: a byte, or -1 when none is waiting */
	/* Optional: n bytes at once, '\n' not yet expanded (a console that
	 * sends buffers, not bytes: the virtio console). Any context. */
	void (*write)(const char *s, size_t n);
	/* Optional: wait (bounded) until what was written has left. */
	void (*flush)(void);
};

/* Make ops the console (the early UART registers itself first). */
void console_register(const struct console_ops *ops);
/* The console's name, or NULL while there is none (no UART). */
const char *console_name(void);
/* Push out what the console holds (before the VM exits). */
void console_flush(void);
/* From the driver's receive interrupt: queue one input byte. */
void console_rx(char c);
/* Has the driver got receive interrupts going? Else readers poll. */
void console_set_irq_driven(bool on);

struct thread;
/* While t is set (the shell sets itself while a command runs), a Ctrl-C
 * typed on the console interrupts t (thread_interrupt) instead of being
 * queued as input. NULL: Ctrl-C is an ordinary byte (the line editor
 * uses it to drop the line). */
void console_set_intr_target(struct thread *t);

#endif
