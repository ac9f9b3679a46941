// SPDX-License-Identifier: MIT
/* The legacy 8259A pair. We route everything through the APICs, but the
 * 8259s are still there on PC machines (and are all there is on a CPU
 * without a local APIC, where they carry the PIT's IRQ 0 to the CPU's
 * INTR pin): remap them away from the exception
 * vectors (their BIOS setting, 8..15, collides with #DF..#GP) and mask
 * every line, so that a stray or spurious 8259 interrupt arrives on 32..47
 * where the dispatcher ignores it (8259A datasheet, ICW1-ICW4, OCW1). */
#include <arch/apic.h>
#include <arch/io.h>
#include <arch/irq.h>

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

void pic_disable(void)
{
	/* ICW1: edge, cascade, ICW4 needed. ICW2: vector base. ICW3: slave on
	 * master's IR2 / slave id 2. ICW4: 8086 mode. No io_wait() between
	 * writes: the chipset and hypervisor 8259s need none, and under KVM
	 * each port-0x80 write is a round trip to user space. */
	outb(PIC1_CMD, 0x11);
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, IRQ_VEC_PIC_BASE);
	outb(PIC2_DATA, IRQ_VEC_PIC_BASE + 8);
	outb(PIC1_DATA, 4);
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);
	outb(PIC2_DATA, 1);
	/* OCW1: mask all. */
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

void pic_unmask(unsigned line)
{
	if (line >= 16)
		return;
	if (line >= 8) {
		outb(PIC2_DATA, inb(PIC2_DATA) & ~(1u << (line - 8)));
		line = 2;       /* the slave's cascade input on the master */
	}
	outb(PIC1_DATA, inb(PIC1_DATA) & ~(1u << line));
}

void pic_eoi(unsigned line)
{
	if (line >= 8)
		outb(PIC2_CMD, 0x20);
	outb(PIC1_CMD, 0x20);
}
