// SPDX-License-Identifier: MIT
/* The one-shot event device behind kern/time.c: the LAPIC timer, in
 * TSC-deadline mode when CPUID.1:ECX[24] offers it (the deadline is a TSC
 * value, so no calibration is needed: SDM Vol. 3A §10.5.4.1), else in
 * one-shot mode with its rate calibrated against the TSC. A CPU without a
 * LAPIC (QEMU -cpu ...,-apic) gets the 8254 PIT's channel 0 in one-shot
 * mode through the 8259's IRQ 0 instead: never a clock without events. */
#include <arch/apic.h>
#include <arch/barrier.h>
#include <arch/clock.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <kern/boot.h>
#include <kern/errno.h>
#include <kern/init.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <kern/time.h>

static bool ready, tsc_deadline, pit_events;
static uint64_t lapic_hz;
static int vector = -1;
static const char *event_name = "none";

const char *arch_event_name(void)
{
	return event_name;
}

static void timer_irq(void *arg)
{
	time_interrupt();
}

void arch_timer_program(uint64_t deadline_ns)
{
	if (!ready)
		return;
	if (pit_events) {
		if (deadline_ns == TIME_NO_DEADLINE) {
			pit_oneshot(0);
			return;
		}
		uint64_t now = time_ns();
		uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
		/* Rounded up, as below; past 16 bits (55 ms) it fires early
		 * and time_interrupt programs the rest. */
		uint64_t ticks = mul_div_u64(delta, PIT_HZ, NSEC_PER_SEC) + 1;

		pit_oneshot(ticks > 0xffff ? 0xffff : (uint32_t)ticks);
		return;
	}
	if (tsc_deadline) {
		/* 0 disarms; any past value fires at once. */
		lapic_timer_deadline(deadline_ns == TIME_NO_DEADLINE ? 0 : tsc_at_ns(deadline_ns));
		return;
	}
	if (deadline_ns == TIME_NO_DEADLINE) {
		lapic_timer_oneshot(0);
		return;
	}
	uint64_t now = time_ns();
	uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
	/* Round up so that the interrupt comes no earlier than asked; a
	 * deadline beyond the 32-bit count fires early and time_interrupt
	 * simply programs the rest. */
	uint64_t ticks = mul_div_u64(delta, lapic_hz, NSEC_PER_SEC) + 1;

	lapic_timer_oneshot(ticks > UINT32_MAX ? UINT32_MAX : (uint32_t)ticks);
}

/* One reading of the LAPIC timer's current count between two TSC reads;
 * the narrowest of three brackets is kept. Under TCG a LAPIC register
 * read waits for QEMU's big lock, which a loaded host can keep from the
 * vCPU for milliseconds: the bracket's width is how unsure we are of when
 * the count was read. */
struct lapic_sample {
	uint64_t tsc, width;
	uint32_t count;
};

static struct lapic_sample lapic_sample(void)
{
	struct lapic_sample best = { 0, UINT64_MAX, 0 };

	for (int i = 0; i < 3; i++) {
		uint64_t a = rdtsc_ordered();
		uint32_t c = lapic_timer_current();
		uint64_t b = rdtsc_ordered();

		if (b - a < best.width)
			best = (struct lapic_sample){ a + (b - a) / 2, b - a, c };
	}
	return best;
}

/* A window's error is at most its two brackets' widths over its span: a
 * window is trusted when that is at most 1/LAPIC_CAL_PRECISION. */
#define LAPIC_CAL_PRECISION 100
#define LAPIC_CAL_TRIES     8
#define LAPIC_CAL_MAX_NS    (20 * NSEC_PER_MSEC)

/* Measure the LAPIC timer's count rate against the TSC, with the LVT
 * masked. A rate estimated a little high only makes the timer fire
 * slightly early, which time_interrupt absorbs; far off, timers fire that
 * much early (an interrupt storm until the deadline) or late. At load 17
 * one boot in six read the 1 GHz timer as anything from 2.4 MHz to 2 GHz
 * from one window with one read at each end. Now each end is bracketed
 * (lapic_sample), the window is long enough for the first bracket to be
 * under half the error allowed (so a KVM guest whose reads each exit pays
 * a few hundred microseconds, not more), and a window whose second read
 * was held up is measured again. After LAPIC_CAL_TRIES windows the one
 * with the narrowest brackets is used, with a warning. */
static int lapic_calibrate(void)
{
	uint64_t base = ns_to_tsc((kvm_detected() ? 100 : 500) * NSEC_PER_USEC);
	uint64_t max = ns_to_tsc(LAPIC_CAL_MAX_NS);
	uint64_t best_err = UINT64_MAX, best_span = 1, hz = 0;

	lapic_timer_setup((uint8_t)vector, false, true);
	for (int i = 0; i < LAPIC_CAL_TRIES; i++) {
		lapic_timer_oneshot(UINT32_MAX);
		struct lapic_sample s0 = lapic_sample(), s1;
		uint64_t window = MIN(MAX(base, 2 * LAPIC_CAL_PRECISION * s0.width), max);

		while (rdtsc_ordered() - s0.tsc < window)
			cpu_relax();
		s1 = lapic_sample();
		uint64_t span = s1.tsc - s0.tsc, err = s0.width + s1.width, dt = tsc_to_ns(span);

		if (s1.count >= s0.count || !dt)
			continue;
		/* Keep the window with the smallest relative error. */
		if ((unsigned __int128)err * best_span < (unsigned __int128)best_err * span) {
			best_err = err;
			best_span = span;
			hz = mul_div_u64(s0.count - s1.count, NSEC_PER_SEC, dt);
		}
		if (err * LAPIC_CAL_PRECISION <= span)
			break;
	}
	lapic_timer_oneshot(0);
	if (!hz)
		return -EIO;
	if (best_err * LAPIC_CAL_PRECISION > best_span)
		pr_warn("timer: LAPIC timer reads were slow in every calibration window; "
			"its rate (%llu kHz) may be off by up to %llu%%\n",
			(unsigned long long)(hz / 1000),
			(unsigned long long)(best_err * 100 / best_span));
	lapic_hz = hz;
	return 0;
}

static int x86_time_init(void)
{
	int rc = x86_irq_setup();

	if (rc)
		return rc;
	tsc_init();
	if (!lapic_present()) {
		/* After tsc_init: its calibration may use channel 0 as a
		 * counter, which the events now take over. */
		vector = x86_irq_attach_pic(0, timer_irq, NULL);
		if (vector < 0) {
			pr_err("timer: no LAPIC and IRQ 0 unavailable (%d)\n", vector);
			return vector;
		}
		pit_events = true;
		event_name = "pit-oneshot";
		ready = true;
		uint64_t hz = tsc_hz();

		pr_info("time: TSC %llu.%03llu MHz from %s; events: PIT one-shot via 8259 IRQ 0 (no LAPIC)\n",
			(unsigned long long)(hz / 1000000), (unsigned long long)(hz / 1000 % 1000),
			tsc_freq_source());
		time_interrupt();
		boot_stamp("time");
		return 0;
	}
	vector = x86_irq_alloc_vector(timer_irq, NULL);
	if (vector < 0)
		return vector;
	tsc_deadline = cpuid(1).ecx & CPUID1_ECX_TSC_DEADLINE;
	if (tsc_deadline) {
		event_name = "tsc-deadline";
	} else {
		rc = lapic_calibrate();
		if (rc) {
			pr_err("timer: LAPIC timer calibration failed (%d)\n", rc);
			return rc;
		}
		event_name = "lapic-oneshot";
	}
	lapic_timer_setup((uint8_t)vector, tsc_deadline, false);
	ready = true;
	/* One line at boot: every console byte is a VM exit. */
	uint64_t hz = tsc_hz();

	if (tsc_deadline)
		pr_info("time: TSC %llu.%03llu MHz from %s; events: TSC-deadline (vector %d)\n",
			(unsigned long long)(hz / 1000000), (unsigned long long)(hz / 1000 % 1000),
			tsc_freq_source(), vector);
	else
		pr_info("time: TSC %llu.%03llu MHz from %s; events: LAPIC one-shot at %llu kHz (vector %d)\n",
			(unsigned long long)(hz / 1000000), (unsigned long long)(hz / 1000 % 1000),
			tsc_freq_source(), (unsigned long long)(lapic_hz / 1000), vector);
	/* Timers armed before now are waiting: let the list program them. */
	time_interrupt();
	boot_stamp("time");
	return 0;
}
INITCALL(INIT_ARCH, x86_time_init);

static int cmd_clock(int argc, char **argv)
{
	kprintf("clock %s (%llu Hz, %sinvariant), event %s, now %llu ns\n",
		time_clock_name(), (unsigned long long)tsc_hz(),
		tsc_invariant() ? "" : "not ", time_event_name(),
		(unsigned long long)time_ns());
	return 0;
}
SHELL_CMD("clock", "clock - clock source, event device and time_ns()", cmd_clock);
