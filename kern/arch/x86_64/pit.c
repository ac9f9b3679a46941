// SPDX-License-Identifier: MIT
/* The 8254 PIT's channel 0 as a free-running reference counter (8254
 * datasheet: control word at port 0x43, counter 0 at 0x40). Mode 0 with a
 * reload of 0 (65536) counts down at 1.193182 MHz and keeps wrapping after
 * the terminal count; its single output edge goes to IRQ 0, which is masked
 * at the 8259 and the IOAPIC unless a test routes it, or unless there is
 * no LAPIC: then channel 0 is the event timer (pit_oneshot). Channel 2 would need
 * its gate raised through port 0x61, which microvm does not have. */
#include <arch/clock.h>
#include <arch/io.h>
#include <kern/irq.h>

#define PIT_CH0  0x40
#define PIT_CMD  0x43

static uint16_t last;
static uint64_t total;
static bool event_timer;

/* Counter latch command for channel 0, then low and high byte. */
static uint16_t pit_latch(void)
{
	outb(PIT_CMD, 0x00);
	uint8_t lo = inb(PIT_CH0);
	uint8_t hi = inb(PIT_CH0);

	return (uint16_t)(lo | hi << 8);
}

void pit_counter_start(void)
{
	unsigned long flags = irq_save();

	/* Channel 0, access lobyte/hibyte, mode 0, binary. */
	outb(PIT_CMD, 0x30);
	outb(PIT_CH0, 0);
	outb(PIT_CH0, 0);
	last = pit_latch();
	total = 0;
	irq_restore(flags);
}

uint64_t pit_counter_read(void)
{
	unsigned long flags = irq_save();
	uint16_t now = pit_latch();

	total += (uint16_t)(last - now);    /* it counts down */
	last = now;
	uint64_t t = total;

	irq_restore(flags);
	return t;
}

/* 8254 mode 0: writing the control word drives OUT low and stops the
 * count until the count is written; OUT rises at terminal count, which
 * the 8259 (edge-triggered) takes as one IRQ 0. A count of 0 would mean
 * 65536; the caller's "stop" leaves the counter unloaded instead. */
void pit_oneshot(uint32_t count)
{
	event_timer = true;
	outb(PIT_CMD, 0x30);
	if (!count)
		return;
	if (count > 0xffff)
		count = 0xffff;
	outb(PIT_CH0, (uint8_t)count);
	outb(PIT_CH0, (uint8_t)(count >> 8));
}

bool pit_is_event_timer(void)
{
	return event_timer;
}
