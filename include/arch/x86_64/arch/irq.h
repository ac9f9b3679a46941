/* SPDX-License-Identifier: MIT */
/* x86_64 interrupt vectors and the entry from the trap code.
 *
 * Vector map (SDM Vol. 3A §6.2): 0..31 exceptions (trap.c), 32..47 the
 * legacy 8259s' remapped range (masked; only their spurious IRQ 7/15 can
 * show up), 48..254 allocated to MSIs, IOAPIC lines and the LAPIC timer,
 * 255 the LAPIC spurious vector. */
#ifndef ARCH_IRQ_H
#define ARCH_IRQ_H

#include <kern/irq.h>

#define IRQ_VEC_PIC_BASE    32
#define IRQ_VEC_FIRST       48
#define IRQ_VEC_LAST        254
#define IRQ_VEC_SPURIOUS    255

/* Called by the trap code for every vector >= 32, interrupts disabled:
 * counts the interrupt, runs the handlers and sends the EOI. */
void x86_irq_dispatch(unsigned vector);

/* Bring up the 8259 (masked), the LAPIC and the IOAPICs from the ACPI MADT
 * (or defaults). Idempotent; INIT_ARCH runs it. @return 0 or -errno. */
int x86_irq_setup(void);

/* Allocate a vector for an arch-internal source (the LAPIC timer) and
 * attach fn. @return the vector, or -ENOSPC. */
int x86_irq_alloc_vector(irq_handler_t fn, void *arg);

/* Without a LAPIC only: attach fn to 8259 line (0..15), vector
 * IRQ_VEC_PIC_BASE + line, and unmask it. @return the vector, -ENODEV
 * when a LAPIC is there (use the IOAPIC), -EBUSY, -EINVAL. */
int x86_irq_attach_pic(unsigned line, irq_handler_t fn, void *arg);

/* The APIC id that MSIs and IOAPIC entries target (the boot CPU). */
uint32_t x86_irq_dest_apic_id(void);

#endif
