/* SPDX-License-Identifier: MIT */
/* The local APIC (xAPIC over MMIO or x2APIC over MSRs, SDM Vol. 3A ch. 10)
 * and the I/O APICs (82093AA datasheet). Used by the irq and timer code
 * and by tests; drivers use <kern/irq.h>. */
#ifndef ARCH_APIC_H
#define ARCH_APIC_H

#include <kern/compiler.h>

struct acpi_madt_info;

/* --- local APIC --- */

/* Enable the boot CPU's LAPIC: x2APIC mode when CPUID.1:ECX[21] says it
 * exists, else xAPIC at the MADT's address; spurious vector 255, TPR 0,
 * LINT0 masked, LINT1 NMI. @return 0 or -ENODEV (no APIC). */
int lapic_init(const struct acpi_madt_info *m);
/* Did lapic_init find and enable a LAPIC? Without one (QEMU -cpu ...,-apic)
 * the 8259 delivers to the CPU directly, and the other lapic_ calls must
 * not be made (lapic_eoi alone is then a no-op). */
bool lapic_present(void);
bool lapic_is_x2apic(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
/* Fixed-delivery IPI to one APIC id, or to this CPU (self IPI). */
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
void lapic_self_ipi(uint8_t vector);
/* Error status register (written then read, SDM §10.5.3). */
uint32_t lapic_esr(void);

/* LAPIC timer (SDM §10.5.4). tsc_deadline selects TSC-deadline mode, else
 * one-shot with divide-by-1; masked keeps the LVT entry masked (for
 * calibration). The timer is stopped on return. */
void lapic_timer_setup(uint8_t vector, bool tsc_deadline, bool masked);
/* One-shot: start counting down from count (0 stops the timer). */
void lapic_timer_oneshot(uint32_t count);
uint32_t lapic_timer_current(void);
/* TSC-deadline: fire when the TSC reaches tsc (0 disarms). */
void lapic_timer_deadline(uint64_t tsc);

/* --- I/O APIC --- */

/* Map every IOAPIC in m and mask all its entries. @return the number of
 * IOAPICs usable, or -ENODEV. */
int ioapic_init(const struct acpi_madt_info *m);
/* Program GSI gsi to deliver vector (fixed, physical) to apic_id, left
 * masked or not. @return 0, or -EINVAL when no IOAPIC serves gsi. */
int ioapic_route(uint32_t gsi, uint8_t vector, bool level, bool active_low,
		 uint32_t apic_id, bool masked);
/* Mask or unmask a routed GSI. @return 0 or -EINVAL. */
int ioapic_mask(uint32_t gsi, bool masked);
/* IOAPICs in use and the GSIs (pins) they serve in all. */
unsigned ioapic_count(void);
unsigned ioapic_gsi_count(void);
/* Is gsi served by an IOAPIC? */
bool ioapic_has_gsi(uint32_t gsi);
/* The raw 64-bit redirection entry of gsi (tests), or 0. */
uint64_t ioapic_read_entry(uint32_t gsi);

/* --- 8259 --- */

/* Remap the 8259 pair to vectors 32..47 and mask every line. */
void pic_disable(void);
/* Without a LAPIC the 8259 pair is the interrupt controller: unmask one
 * line (0..15; the cascade IR2 too for 8..15), and end its interrupt
 * (non-specific EOI, OCW2; the slave first for 8..15). */
void pic_unmask(unsigned line);
void pic_eoi(unsigned line);

#endif
