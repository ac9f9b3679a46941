// SPDX-License-Identifier: MIT
/* The TSC as the clock source of time_ns().
 *
 * time_ns() = ns_base + ((tsc - tsc_base) * mult) >> 32, a 32.32
 * fixed-point multiply with a 128-bit product. Until the frequency is
 * known, mult assumes a 4 GHz TSC, so early udelay() waits at least as long
 * as asked on any slower TSC; when the real frequency arrives, ns_base and
 * tsc_base move to "now" so time never jumps backwards.
 *
 * The frequency comes from, in order of preference (fast first: the boot
 * budget under KVM is a few hundred microseconds):
 *  1. kvmclock's pvclock scale (KVM guests);
 *  2. CPUID leaf 0x15 (TSC/crystal ratio and crystal clock, SDM Vol. 2A
 *     CPUID; §18.7.3), with leaf 0x16's base frequency standing in for an
 *     unreported crystal;
 *  3. a ~1 ms calibration against the HPET;
 *  4. the median of five ~2 ms calibrations against PIT channel 0.
 * tsc.source=kvmclock|cpuid|hpet|pit on the command line forces one. */
#include <arch/clock.h>
#include <arch/cpu.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/time.h>
#include <string.h>
#include "x86.h"

CMDLINE_OPT(tsc_source, "tsc.source",
	    "TSC frequency from kvmclock, cpuid, hpet or pit (default: first that works)");

#define PROVISIONAL_HZ 4000000000ull
#define MIN_HZ         10000000ull      /* sanity bounds for any source */
#define MAX_HZ         20000000000ull

static uint64_t mult = (NSEC_PER_SEC << 32) / PROVISIONAL_HZ;
static uint64_t tsc_base, ns_base;
static uint64_t inv;            /* ns -> TSC ticks, 32.32 */
static uint64_t freq;
static const char *source = "none";
static char clock_name[24] = "tsc";
static bool invariant, done;

static uint64_t scale(uint64_t delta, uint64_t m)
{
	return (uint64_t)(((unsigned __int128)delta * m) >> 32);
}

uint64_t arch_time_ns(void)
{
	uint64_t t = rdtsc_ordered();
	uint64_t base = tsc_base ? tsc_base : boot_tsc0;

	if (t < base)
		t = base;
	return ns_base + scale(t - base, mult);
}

uint64_t time_cycles_to_ns(uint64_t cycles)
{
	return freq ? scale(cycles, mult) : 0;
}

uint64_t tsc_to_ns(uint64_t delta)
{
	return scale(delta, mult);
}

uint64_t ns_to_tsc(uint64_t ns)
{
	return scale(ns, inv) + 1;      /* round up: never early */
}

uint64_t tsc_at_ns(uint64_t ns)
{
	uint64_t base = tsc_base ? tsc_base : boot_tsc0;

	return ns <= ns_base ? base : base + ns_to_tsc(ns - ns_base);
}

uint64_t tsc_hz(void)
{
	return freq;
}

const char *tsc_freq_source(void)
{
	return source;
}

bool tsc_invariant(void)
{
	return invariant;
}

const char *arch_clock_name(void)
{
	return clock_name;
}

static int from_cpuid(uint64_t *hz)
{
	if (cpuid_max(0) < 0x15)
		return -ENODEV;
	struct cpuid_regs r = cpuid(0x15);
	uint64_t crystal = r.ecx;

	if (!r.eax || !r.ebx)
		return -ENODEV;
	/* No crystal frequency: leaf 0x16 gives the base frequency in MHz,
	 * which on these parts is the TSC frequency (SDM §18.7.3). */
	if (!crystal) {
		if (cpuid_max(0) < 0x16 || !(cpuid(0x16).eax & 0xffff))
			return -ENODEV;
		*hz = (uint64_t)(cpuid(0x16).eax & 0xffff) * 1000000;
		return 0;
	}
	*hz = crystal * r.ebx / r.eax;
	return 0;
}

/* One reading of the reference counter paired with the TSC: the read is
 * bracketed by two TSC reads and the narrowest of a few brackets is kept,
 * so a slow (trapping) counter read costs accuracy only through its
 * jitter, not its length. */
struct pair {
	uint64_t tsc, ref, width;
};

static struct pair sample(uint64_t (*read)(void))
{
	struct pair best = { 0, 0, UINT64_MAX };

	for (int i = 0; i < 3; i++) {
		uint64_t a = rdtsc_ordered(), r = read(), b = rdtsc_ordered();

		if (b - a < best.width)
			best = (struct pair){ a + (b - a) / 2, r, b - a };
	}
	return best;
}

/* Count TSC ticks across window_ns of a reference counter. */
static int calibrate(uint64_t (*read)(void), uint64_t ref_hz, uint64_t window_ns,
		     uint64_t *hz)
{
	uint64_t target = mul_div_u64(ref_hz, window_ns, NSEC_PER_SEC);
	struct pair p0 = sample(read), p1;
	unsigned long spins = 0;

	for (;;) {
		uint64_t r = read();

		if (r - p0.ref >= target)
			break;
		/* A counter that does not move is absent or broken. */
		if (++spins > 20000000 || (r == p0.ref && spins > 1000000))
			return -ETIMEDOUT;
	}
	p1 = sample(read);
	if (p1.ref <= p0.ref || p1.tsc <= p0.tsc)
		return -EIO;
	*hz = mul_div_u64(p1.tsc - p0.tsc, ref_hz, p1.ref - p0.ref);
	return 0;
}

static int from_hpet(uint64_t *hz)
{
	if (hpet_init())
		return -ENODEV;
	return calibrate(hpet_read, hpet_hz(), NSEC_PER_MSEC, hz);
}

/* The PIT's count is 16 bits, extended by polling: a guest stalled by its
 * host for longer than one wrap (55 ms) inside a window loses a wrap and
 * the window reads as a TSC twice as fast or more (4.26 GHz for a 2.1 GHz
 * TSC at load 17, and time_ns() then ran at half speed). One stall spoils
 * one window, so the frequency is the median of PIT_WINDOWS. */
#define PIT_WINDOWS 5

static int from_pit(uint64_t *hz)
{
	uint64_t w[PIT_WINDOWS];
	int rc;

	pit_counter_start();
	for (int i = 0; i < PIT_WINDOWS; i++) {
		if ((rc = calibrate(pit_counter_read, PIT_HZ, 2 * NSEC_PER_MSEC, &w[i])))
			return rc;
		for (int j = i; j > 0 && w[j - 1] > w[j]; j--) {
			uint64_t t = w[j];

			w[j] = w[j - 1];
			w[j - 1] = t;
		}
	}
	*hz = w[PIT_WINDOWS / 2];
	return 0;
}

static bool sane(uint64_t hz)
{
	return hz >= MIN_HZ && hz <= MAX_HZ;
}

/* Switch time_ns() to the new frequency at "now", continuing from the
 * value it has at this instant. */
static void set_freq(uint64_t hz)
{
	unsigned long flags = read_rflags();

	cli();
	uint64_t t = rdtsc_ordered();
	uint64_t base = tsc_base ? tsc_base : boot_tsc0;
	uint64_t now = ns_base + scale(t > base ? t - base : 0, mult);

	ns_base = now;
	tsc_base = t;
	mult = (NSEC_PER_SEC << 32) / hz;
	/* hz * 2^32 / 10^9 without a 128-bit division. */
	inv = ((hz / NSEC_PER_SEC) << 32) + (((hz % NSEC_PER_SEC) << 32) / NSEC_PER_SEC);
	freq = hz;
	if (flags & RFLAGS_IF)
		sti();
}

int tsc_init(void)
{
	if (done)
		return freq ? 0 : -ENODEV;
	done = true;

	const char *want = cmdline_get("tsc.source");
	uint64_t hz = 0;
	bool stable = false;
	int rc = -ENODEV;

	if (want && strcmp(want, "kvmclock") && strcmp(want, "cpuid") &&
	    strcmp(want, "hpet") && strcmp(want, "pit")) {
		pr_warn("tsc: unknown tsc.source=%s ignored\n", want);
		want = NULL;
	}
	static const struct {
		const char *name;
		int (*fn)(uint64_t *hz);
	} calibrators[] = {
		{ "cpuid", from_cpuid }, { "hpet", from_hpet }, { "pit", from_pit },
	};

	if (!want || !strcmp(want, "kvmclock")) {
		rc = kvmclock_tsc_hz(&hz, &stable);
		if (!rc && sane(hz))
			source = "kvmclock";
		else
			rc = -ENODEV;
	}
	for (unsigned i = 0; rc && i < ARRAY_SIZE(calibrators); i++) {
		if (want && strcmp(want, calibrators[i].name))
			continue;
		rc = calibrators[i].fn(&hz);
		if (!rc && !sane(hz)) {
			pr_warn("tsc: %s says %llu Hz; ignored\n", calibrators[i].name,
				(unsigned long long)hz);
			rc = -ERANGE;
		}
		if (!rc)
			source = calibrators[i].name;
	}
	if (rc) {
		pr_err("tsc: no way to learn the TSC frequency; assuming %llu MHz\n",
		       PROVISIONAL_HZ / 1000000);
		hz = PROVISIONAL_HZ;
		source = "guess";
	}
	set_freq(hz);
	strcpy(clock_name, "tsc/");
	strcat(clock_name, source);

	/* Invariant TSC (CPUID.80000007H:EDX[8], SDM §17.17.1): constant rate
	 * in every P-, C- and T-state. kvmclock's TSC_STABLE bit promises the
	 * same for a guest. */
	invariant = cpuid_max(0x80000000) >= 0x80000007 &&
		    (cpuid(0x80000007).edx & CPUID80000007_EDX_INVTSC);
	if (!invariant && !stable)
		pr_warn("tsc: not invariant (no CPUID invariant-TSC bit%s); time may drift with power states\n",
			kvm_detected() ? ", no kvmclock stable bit" : "");
	pr_debug("tsc: %llu.%03llu MHz from %s\n", (unsigned long long)(hz / 1000000),
		(unsigned long long)(hz / 1000 % 1000), source);
	return rc;
}
