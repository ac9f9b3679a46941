/* SPDX-License-Identifier: MIT */
/* Interrupts, arch-neutral. Handlers run with interrupts disabled on the
 * interrupt stack; they may wake threads (waitq_wake_*) but must not block
 * or allocate. The core sends the EOI after the handler returns. */
#ifndef KERN_IRQ_H
#define KERN_IRQ_H

#include <kern/compiler.h>

typedef void (*irq_handler_t)(void *arg);

/* An MSI/MSI-X message: what the device writes, and where. */
struct msi_msg {
	uint64_t addr;
	uint32_t data;
};

/* Allocate a free vector for a message-signalled source and attach fn.
 * @return the vector (>= 0) or -ENOSPC. */
int irq_alloc_msi(irq_handler_t fn, void *arg, struct msi_msg *msg);
/* The same for a message written by a known device: requester_id is its
 * PCI requester ID (bus << 8 | dev << 3 | fn), which an interrupt
 * translator (the GICv3 ITS) needs; where none is needed it is ignored.
 * @return the vector (>= 0) or -ENOSPC, -ENODEV (no MSIs for it). */
int irq_alloc_msi_dev(uint32_t requester_id, irq_handler_t fn, void *arg,
		      struct msi_msg *msg);
/* Route a wired interrupt (ISA IRQ or GSI on x86 through the IOAPIC, SPI on
 * the GIC) to fn. level/active_low describe the line.
 * @return the vector/intid used, or -errno. */
int irq_attach_line(unsigned line, bool level, bool active_low,
		    irq_handler_t fn, void *arg);
/* Detach a vector from irq_alloc_msi or irq_attach_line. */
void irq_free(int vector);
/* Mask/unmask a wired line (needed for level-triggered INTx). */
void irq_mask_line(unsigned line, bool masked);

/* Local interrupt-enable state. irq_save disables and returns the previous
 * state, irq_restore puts it back. Inline: every lock and lwIP's
 * SYS_ARCH_PROTECT take them, and under TCG a call and its return are two
 * jumps that are never chained (see linker.ld). Host unit tests link their
 * own. */
#ifndef UNIT_TEST
#include <arch/cpu.h>
static inline unsigned long irq_save(void)
{
	return arch_irq_save();
}

static inline void irq_restore(unsigned long flags)
{
	arch_irq_restore(flags);
}
#else
unsigned long irq_save(void);
void irq_restore(unsigned long flags);
#endif
void irq_enable(void);
void irq_disable(void);
bool irq_enabled(void);
/* Count of interrupts taken per vector, for tests and the shell. */
uint64_t irq_count(int vector);

#endif
