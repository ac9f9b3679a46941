// SPDX-License-Identifier: MIT
/* The local APIC of the boot CPU (Intel SDM Vol. 3A, chapter 10).
 *
 * x2APIC mode is used whenever CPUID.1:ECX[21] reports it: its registers
 * are MSRs (0x800 + offset/16, SDM §10.12.1.2), so an EOI or a timer write
 * is one WRMSR with no MMIO mapping. Otherwise the xAPIC register page is
 * mapped uncached at the base IA32_APIC_BASE reports. */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include <kern/acpi.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/vm.h>

/* Register offsets in the xAPIC page (SDM Table 10-1). */
#define LAPIC_ID        0x020
#define LAPIC_VERSION   0x030
#define LAPIC_TPR       0x080
#define LAPIC_EOI       0x0b0
#define LAPIC_SVR       0x0f0
#define LAPIC_ESR       0x280
#define LAPIC_ICR_LO    0x300
#define LAPIC_ICR_HI    0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_ICR 0x380
#define LAPIC_TIMER_CCR 0x390
#define LAPIC_TIMER_DCR 0x3e0

#define X2APIC_MSR_BASE 0x800
#define X2APIC_SELF_IPI 0x83f

#define APIC_BASE_EN    (1ull << 11)
#define APIC_BASE_EXTD  (1ull << 10)   /* x2APIC mode */
#define SVR_ENABLE      (1u << 8)
#define LVT_MASKED      (1u << 16)
#define LVT_NMI         (4u << 8)      /* delivery mode NMI */
#define LVT_TIMER_TSCDL (2u << 17)     /* TSC-deadline mode, §10.5.4.1 */
#define ICR_PENDING     (1u << 12)     /* xAPIC delivery status */
#define ICR_SELF        (1u << 18)     /* destination shorthand "self" */

static volatile uint8_t *xapic;
static bool x2apic;
static uint32_t my_id;

static uint32_t lapic_read(unsigned reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
	return mmio_read32(xapic + reg);
}

static void lapic_write(unsigned reg, uint32_t v)
{
	if (x2apic)
		wrmsr(X2APIC_MSR_BASE + (reg >> 4), v);
	else
		mmio_write32(xapic + reg, v);
}

int lapic_init(const struct acpi_madt_info *m)
{
	struct cpuid_regs r = cpuid(1);

	if (!(r.edx & CPUID1_EDX_APIC) || !(r.edx & CPUID1_EDX_MSR)) {
		pr_err("apic: this CPU has no local APIC\n");
		return -ENODEV;
	}
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

	/* An APIC disabled in IA32_APIC_BASE must be enabled (EN) before it
	 * can enter x2APIC mode: disabled -> x2APIC is an illegal transition
	 * (SDM §10.12.5, Figure 10-27). */
	if (!(base & APIC_BASE_EN)) {
		base |= APIC_BASE_EN;
		wrmsr(MSR_IA32_APIC_BASE, base);
	}
	if (r.ecx & CPUID1_ECX_X2APIC) {
		if (!(base & APIC_BASE_EXTD))
			wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD);
		x2apic = true;
	} else {
		uint64_t pa = base & 0xffffffffff000ull;

		if (m && m->from_firmware && m->lapic_addr != pa)
			pr_warn("apic: MADT says LAPIC at %#llx, IA32_APIC_BASE says %#llx; using the MSR\n",
				(unsigned long long)m->lapic_addr, (unsigned long long)pa);
		xapic = vm_map_mmio(pa, 4096);
		if (!xapic) {
			pr_err("apic: cannot map the LAPIC at %#llx\n", (unsigned long long)pa);
			return -ENOMEM;
		}
	}
	/* In x2APIC mode the ID register is the full 32-bit id; in xAPIC
	 * mode it is bits 31:24 (SDM §10.4.6, §10.12.5.1). */
	my_id = x2apic ? lapic_read(LAPIC_ID) : lapic_read(LAPIC_ID) >> 24;

	/* Accept every priority, mask LINT0 (the 8259's ExtINT, unused) and
	 * keep LINT1 as NMI as the MP spec wires it; mask the error LVT (we
	 * poll the ESR in tests) and the timer until it is set up. Then
	 * enable with spurious vector 255 (§10.9: its low 4 bits must be 1s
	 * on older parts; 0xff satisfies all). */
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_NMI);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_SVR, SVR_ENABLE | 0xff);
	/* Clear any error latched during the set-up: back-to-back writes to
	 * the ESR (§10.5.3). */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	/* Drop anything left in service by the firmware. */
	lapic_eoi();
	pr_debug("apic: %s mode, id %u, version %#x\n", x2apic ? "x2APIC" : "xAPIC",
		my_id, lapic_read(LAPIC_VERSION) & 0xff);
	return 0;
}

bool lapic_present(void)
{
	return x2apic || xapic;
}

bool lapic_is_x2apic(void)
{
	return x2apic;
}

uint32_t lapic_id(void)
{
	return my_id;
}

void lapic_eoi(void)
{
	if (!lapic_present())
		return;
	lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_esr(void)
{
	lapic_write(LAPIC_ESR, 0);
	return lapic_read(LAPIC_ESR);
}

/* ICR (SDM §10.6.1): vector, delivery mode fixed (0), physical destination,
 * edge, assert not needed for fixed. In x2APIC mode the whole ICR is one
 * 64-bit MSR with a 32-bit destination (§10.12.9). */
static void icr_send(uint32_t dest, uint32_t lo)
{
	if (x2apic) {
		wrmsr(X2APIC_MSR_BASE + (LAPIC_ICR_LO >> 4), ((uint64_t)dest << 32) | lo);
		return;
	}
	mmio_write32(xapic + LAPIC_ICR_HI, dest << 24);
	mmio_write32(xapic + LAPIC_ICR_LO, lo);
	for (int i = 0; i < 1000000 && (mmio_read32(xapic + LAPIC_ICR_LO) & ICR_PENDING); i++)
		__asm__ __volatile__("pause");
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	icr_send(apic_id, vector);
}

void lapic_self_ipi(uint8_t vector)
{
	/* x2APIC has a dedicated SELF IPI register (§10.12.11). */
	if (x2apic)
		wrmsr(X2APIC_SELF_IPI, vector);
	else
		icr_send(0, ICR_SELF | vector);
}

void lapic_timer_setup(uint8_t vector, bool tsc_deadline, bool masked)
{
	lapic_write(LAPIC_TIMER_ICR, 0);
	lapic_write(LAPIC_TIMER_DCR, 0xb);      /* divide by 1 (§10.5.4, Fig. 10-10) */
	lapic_write(LAPIC_LVT_TIMER, vector | (tsc_deadline ? LVT_TIMER_TSCDL : 0) |
				     (masked ? LVT_MASKED : 0));
	/* §10.5.4.1: a WRMSR to IA32_TSC_DEADLINE right after the LVT switch
	 * to TSC-deadline mode may be ignored unless they are serialized. */
	if (tsc_deadline)
		__asm__ __volatile__("mfence" ::: "memory");
}

void lapic_timer_oneshot(uint32_t count)
{
	lapic_write(LAPIC_TIMER_ICR, count);
}

uint32_t lapic_timer_current(void)
{
	return lapic_read(LAPIC_TIMER_CCR);
}

void lapic_timer_deadline(uint64_t tsc)
{
	wrmsr(MSR_IA32_TSC_DEADLINE, tsc);
}
