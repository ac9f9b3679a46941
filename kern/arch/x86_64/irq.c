// SPDX-License-Identifier: MIT
/* Interrupt vectors on x86_64: the vector table behind include/kern/irq.h,
 * the dispatcher the trap code calls, and the set-up of the interrupt
 * controllers (8259 masked, LAPIC, IOAPICs from the MADT).
 *
 * A vector has a short chain of handlers so that PCI INTx lines, which are
 * shared and level-triggered, can carry several devices: attaching a
 * second handler to a GSI already routed with the same trigger reuses its
 * vector. irq_free(vector) detaches every handler on the vector. */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/irq.h>
#include <kern/acpi.h>
#include <kern/boot.h>
#include <kern/errno.h>
#include <kern/init.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <kern/shell.h>

#define HANDLERS_PER_VECTOR 4
#define NO_GSI UINT32_MAX

struct vec {
	bool used;
	bool level;
	uint32_t gsi;                   /* NO_GSI unless routed by the IOAPIC */
	unsigned nhandlers;
	struct {
		irq_handler_t fn;
		void *arg;
	} h[HANDLERS_PER_VECTOR];
};

static struct vec vecs[256];
static uint64_t counts[256];
static bool setup_done;
static int setup_rc;
/* No LAPIC: the 8259s are the only interrupt controller, and only the
 * PIT's IRQ 0 is wired through them (x86_irq_attach_pic). MSIs and IOAPIC
 * lines need a LAPIC; their users fall back to polling. */
static bool pic_only;

void irq_enable(void)
{
	sti();
}

void irq_disable(void)
{
	cli();
}

bool irq_enabled(void)
{
	return (read_rflags() & RFLAGS_IF) != 0;
}

uint64_t irq_count(int vector)
{
	if (vector < 0 || vector > 255)
		return 0;
	return READ_ONCE(counts[vector]);
}

void x86_irq_dispatch(unsigned vector)
{
	if (vector > 255)
		return;
	counts[vector]++;
	/* The LAPIC's spurious vector needs no EOI (SDM §10.9). */
	if (vector == IRQ_VEC_SPURIOUS)
		return;
	/* The 8259s are masked, so only their spurious IRQ 7/15 can come
	 * here; those are not in service and get no EOI from us either,
	 * except that a spurious IRQ 15 was a real IRQ 2 at the master
	 * (8259A datasheet, "interrupt sequence"). */
	if (vector < IRQ_VEC_FIRST) {
		struct vec *v = &vecs[vector];

		if (pic_only && v->nhandlers && vector >= IRQ_VEC_PIC_BASE) {
			for (unsigned i = 0; i < v->nhandlers; i++)
				v->h[i].fn(v->h[i].arg);
			pic_eoi(vector - IRQ_VEC_PIC_BASE);
			return;
		}
		if (vector == IRQ_VEC_PIC_BASE + 15)
			outb(0x20, 0x20);
		return;
	}
	struct vec *v = &vecs[vector];

	if (!v->nhandlers) {
		if (counts[vector] <= 3)
			pr_warn("irq: vector %u with no handler\n", vector);
	}
	for (unsigned i = 0; i < v->nhandlers; i++)
		v->h[i].fn(v->h[i].arg);
	lapic_eoi();
}

/* Vectors are handed out from the top of the range down: the LAPIC
 * prioritises by vector >> 4 (SDM §10.8.3.1), so early users (the timer)
 * get the highest class. */
static int vec_alloc(irq_handler_t fn, void *arg, uint32_t gsi, bool level)
{
	for (int v = IRQ_VEC_LAST; v >= IRQ_VEC_FIRST; v--) {
		if (vecs[v].used)
			continue;
		vecs[v] = (struct vec){ .used = true, .gsi = gsi, .level = level,
					.nhandlers = 1 };
		vecs[v].h[0].fn = fn;
		vecs[v].h[0].arg = arg;
		return v;
	}
	return -ENOSPC;
}

int x86_irq_alloc_vector(irq_handler_t fn, void *arg)
{
	if (!fn)
		return -EINVAL;
	unsigned long flags = irq_save();
	int v = vec_alloc(fn, arg, NO_GSI, false);

	irq_restore(flags);
	return v;
}

int x86_irq_attach_pic(unsigned line, irq_handler_t fn, void *arg)
{
	if (!fn || line >= 16)
		return -EINVAL;
	if (!pic_only)
		return -ENODEV;
	unsigned long flags = irq_save();
	int v = IRQ_VEC_PIC_BASE + (int)line;

	if (vecs[v].used) {
		irq_restore(flags);
		return -EBUSY;
	}
	vecs[v] = (struct vec){ .used = true, .gsi = NO_GSI, .nhandlers = 1 };
	vecs[v].h[0].fn = fn;
	vecs[v].h[0].arg = arg;
	pic_unmask(line);
	irq_restore(flags);
	return v;
}

uint32_t x86_irq_dest_apic_id(void)
{
	return lapic_id();
}

/* Intel SDM §10.11: MSI address 0xFEE00000 | destination APIC id << 12
 * (physical mode, no redirection hint); data = vector, fixed delivery,
 * edge. */
int irq_alloc_msi(irq_handler_t fn, void *arg, struct msi_msg *msg)
{
	if (!fn || !msg)
		return -EINVAL;
	int v = x86_irq_setup();

	if (v)
		return v;
	if (pic_only)
		return -ENODEV;
	v = x86_irq_alloc_vector(fn, arg);

	if (v < 0)
		return v;
	msg->addr = 0xfee00000ull | ((uint64_t)(x86_irq_dest_apic_id() & 0xff) << 12);
	msg->data = (uint32_t)v;
	return v;
}

/* The local APIC takes MSIs from any device: the requester ID is unused. */
int irq_alloc_msi_dev(uint32_t requester_id, irq_handler_t fn, void *arg,
		      struct msi_msg *msg)
{
	(void)requester_id;
	return irq_alloc_msi(fn, arg, msg);
}

/* An ISA IRQ (0..15) goes through the MADT's interrupt source overrides;
 * where an override states polarity or trigger, the firmware knows the
 * wiring better than the caller. Lines >= 16 are GSIs as they are. */
static uint32_t line_to_gsi(unsigned line, bool *level, bool *active_low)
{
	if (line >= 16)
		return line;
	const struct acpi_irq_override *o = acpi_isa_override(acpi_madt(), line);

	if (!o)
		return line;
	if (ACPI_INTI_TRIGGER(o->flags) == ACPI_INTI_LEVEL)
		*level = true;
	else if (ACPI_INTI_TRIGGER(o->flags) == ACPI_INTI_EDGE)
		*level = false;
	if (ACPI_INTI_POLARITY(o->flags) == ACPI_INTI_LOW)
		*active_low = true;
	else if (ACPI_INTI_POLARITY(o->flags) == ACPI_INTI_HIGH)
		*active_low = false;
	return o->gsi;
}

int irq_attach_line(unsigned line, bool level, bool active_low,
		    irq_handler_t fn, void *arg)
{
	if (!fn)
		return -EINVAL;
	int rc = x86_irq_setup();

	if (rc)
		return rc;
	if (pic_only)
		return -ENODEV;
	uint32_t gsi = line_to_gsi(line, &level, &active_low);

	if (!ioapic_has_gsi(gsi))
		return -EINVAL;
	unsigned long flags = irq_save();

	/* Share a vector already routed for this GSI. */
	for (int v = IRQ_VEC_FIRST; v <= IRQ_VEC_LAST; v++) {
		struct vec *e = &vecs[v];

		if (!e->used || e->gsi != gsi)
			continue;
		if (e->level != level || !level || e->nhandlers >= HANDLERS_PER_VECTOR) {
			irq_restore(flags);
			return -EBUSY;  /* edge lines can't be shared reliably */
		}
		e->h[e->nhandlers].fn = fn;
		e->h[e->nhandlers].arg = arg;
		e->nhandlers++;
		irq_restore(flags);
		return v;
	}
	int v = vec_alloc(fn, arg, gsi, level);

	if (v >= 0) {
		rc = ioapic_route(gsi, (uint8_t)v, level, active_low,
				  x86_irq_dest_apic_id(), false);
		if (rc) {
			vecs[v] = (struct vec){ 0 };
			v = rc;
		}
	}
	irq_restore(flags);
	return v;
}

void irq_free(int vector)
{
	if (vector < IRQ_VEC_FIRST || vector > IRQ_VEC_LAST)
		return;
	unsigned long flags = irq_save();
	struct vec *e = &vecs[vector];

	if (e->used && e->gsi != NO_GSI)
		ioapic_mask(e->gsi, true);
	*e = (struct vec){ 0 };
	irq_restore(flags);
}

void irq_mask_line(unsigned line, bool masked)
{
	bool level = false, active_low = false;

	ioapic_mask(line_to_gsi(line, &level, &active_low), masked);
}

int x86_irq_setup(void)
{
	if (setup_done)
		return setup_rc;
	setup_done = true;
	acpi_init();

	const struct acpi_madt_info *m = acpi_madt();

	/* MADT flag PCAT_COMPAT (ACPI 6.5 Table 5.20): 8259s present. The
	 * defaults assume they are; masking absent ones is harmless. */
	if (m->flags & 1)
		pic_disable();
	setup_rc = lapic_init(m);
	if (setup_rc == -ENODEV) {
		/* The 8259 then delivers straight to the CPU (SDM vol. 3A
		 * §10.4.3: without an APIC, INTR is the 8259's). */
		pic_disable();
		pic_only = true;
		setup_rc = 0;
		return 0;
	}
	if (setup_rc)
		return setup_rc;
	if (ioapic_init(m) < 0)
		pr_warn("irq: no usable IOAPIC; wired interrupts unavailable\n");
	return 0;
}

static int x86_irq_init(void)
{
	int rc = x86_irq_setup();
	const struct acpi_madt_info *m = acpi_madt();

	/* One line at boot: every console byte is a VM exit. */
	if (!rc && pic_only)
		pr_warn("irq: no local APIC: the 8259 carries the timer only; device interrupts unavailable (drivers poll)\n");
	else if (!rc)
		pr_info("irq: %s id %u; %u IOAPIC(s), %u GSIs; %s: %u CPU(s), %u override(s)\n",
			lapic_is_x2apic() ? "x2APIC" : "xAPIC", lapic_id(), ioapic_count(),
			ioapic_gsi_count(), m->from_firmware ? "ACPI MADT" : "no MADT, PC defaults",
			m->ncpus, m->noverrides);

	boot_stamp("irq");
	return rc;
}
INITCALL(INIT_ARCH, x86_irq_init);

static int cmd_irq(int argc, char **argv)
{
	kprintf("LAPIC %s id %u\n", lapic_is_x2apic() ? "x2APIC" : "xAPIC", lapic_id());
	for (int v = IRQ_VEC_PIC_BASE; v < 256; v++) {
		if (!counts[v] && !vecs[v].used)
			continue;
		kprintf("vector %3d  %10llu", v, (unsigned long long)counts[v]);
		if (vecs[v].gsi != NO_GSI && vecs[v].used)
			kprintf("  GSI %u %s", vecs[v].gsi, vecs[v].level ? "level" : "edge");
		else if (v == IRQ_VEC_SPURIOUS)
			kprintf("  spurious");
		kprintf("\n");
	}
	return 0;
}
SHELL_CMD("irq", "irq - interrupt vectors in use and their counts", cmd_irq);
