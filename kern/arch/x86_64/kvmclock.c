// SPDX-License-Identifier: MIT
/* kvmclock: KVM publishes, per vCPU, the scale from TSC ticks to
 * nanoseconds in a pvclock structure that the guest registers with an MSR
 * (Linux Documentation/virt/kvm/x86/msr.rst, MSR_KVM_SYSTEM_TIME_NEW;
 * Documentation/virt/kvm/x86/cpuid.rst for the feature bits). We read the
 * scale once, turn it into the TSC frequency, and unregister: time_ns()
 * then runs on the raw TSC with no hypervisor-written memory. */
#include <arch/clock.h>
#include <arch/cpu.h>
#include <arch/barrier.h>
#include <kern/dma.h>
#include <kern/errno.h>
#include <string.h>

#define KVM_CPUID_SIGNATURE     0x40000000
#define KVM_CPUID_FEATURES      0x40000001
#define KVM_FEATURE_CLOCKSOURCE  (1u << 0)
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)
#define MSR_KVM_SYSTEM_TIME      0x12
#define MSR_KVM_SYSTEM_TIME_NEW  0x4b564d01
#define PVCLOCK_TSC_STABLE_BIT   (1u << 0)

/* struct pvclock_vcpu_time_info: 32 bytes, must not cross a page. */
struct pvclock {
	uint32_t version;           /* odd while the host updates it */
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul; /* ns = ((tsc delta << shift) * mul) >> 32 */
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
} __attribute__((packed, aligned(32)));
_Static_assert(sizeof(struct pvclock) == 32, "pvclock layout");

static struct pvclock pv;

/* CPUID traps to the hypervisor: look once. */
bool kvm_detected(void)
{
	static int known = -1;

	if (known >= 0)
		return known;
	known = 0;
	if (!(cpuid(1).ecx & CPUID1_ECX_HYPERVISOR))
		return false;
	struct cpuid_regs r = cpuid(KVM_CPUID_SIGNATURE);
	char sig[12];

	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	known = memcmp(sig, "KVMKVMKVM\0\0\0", 12) == 0 && r.eax >= KVM_CPUID_FEATURES;
	return known;
}

int kvmclock_tsc_hz(uint64_t *hz, bool *stable)
{
	if (!kvm_detected())
		return -ENODEV;
	uint32_t feat = cpuid(KVM_CPUID_FEATURES).eax;
	uint32_t msr;

	if (feat & KVM_FEATURE_CLOCKSOURCE2)
		msr = MSR_KVM_SYSTEM_TIME_NEW;
	else if (feat & KVM_FEATURE_CLOCKSOURCE)
		msr = MSR_KVM_SYSTEM_TIME;
	else
		return -ENODEV;

	/* Bit 0 of the MSR value enables the updates; KVM fills the
	 * structure before the WRMSR returns. */
	memset(&pv, 0, sizeof(pv));
	wrmsr(msr, virt_to_phys(&pv) | 1);
	uint32_t v, mul;
	int8_t shift;
	uint8_t flags;
	int tries = 0;

	do {
		v = READ_ONCE(pv.version);
		rmb();
		mul = READ_ONCE(pv.tsc_to_system_mul);
		shift = READ_ONCE(pv.tsc_shift);
		flags = READ_ONCE(pv.flags);
		rmb();
	} while (((v & 1) || v != READ_ONCE(pv.version)) && ++tries < 1000);
	wrmsr(msr, 0);
	if (!mul || !v || tries >= 1000)
		return -EIO;

	/* ns per tick = mul / 2^32 * 2^shift, so
	 * hz = 10^9 * 2^32 / mul / 2^shift (10^9 << 32 fits in 64 bits). */
	uint64_t f = (1000000000ull << 32) / mul;

	if (shift >= 0)
		f >>= shift;
	else
		f <<= -shift;
	*hz = f;
	*stable = flags & PVCLOCK_TSC_STABLE_BIT;
	return 0;
}
