// SPDX-License-Identifier: MIT
/*
 * Time on aarch64: the Generic Timer (ARM ARM D11). The clock is the
 * virtual counter CNTVCT_EL0 at CNTFRQ_EL0 Hz (at EL2 entry, entry.S set
 * CNTVOFF_EL2 = 0, so it equals the physical count); the one-shot event
 * device is the EL1 virtual timer, an absolute compare value in
 * CNTV_CVAL_EL0 whose interrupt is a level-sensitive PPI named by the
 * device tree's arm,armv8-timer node (its third interrupt, DT binding
 * arm,arch_timer.yaml). No calibration is needed: the frequency register
 * is programmed by firmware (booting.rst requires it).
 */
#include <kern/boot.h>
#include <kern/errno.h>
#include <kern/init.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <drivers/fdt.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include "a64.h"

/* CNTV_CTL_EL0 (D17.11.17). */
#define CTL_ENABLE      (1u << 0)
#define CTL_IMASK       (1u << 1)
#define CTL_ISTATUS     (1u << 2)

/* The counter's epoch is the first instruction of the kernel. */
extern uint64_t boot_cycles0;

static uint64_t freq;           /* Hz */
static uint64_t ns_mult;        /* ns = ticks * ns_mult >> 32 */
static uint64_t tick_mult;      /* ticks = ns * tick_mult >> 32 */
static bool ready;
static int intid = -1;

/* ISB first so the read is not hoisted above earlier instructions
 * (D11.2.2: reads of the counter may be speculated). */
static uint64_t counter(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static void clock_init(void)
{
	if (freq)
		return;
	freq = read_sysreg(cntfrq_el0) & 0xffffffff;
	if (!freq) {
		/* Firmware broke the boot protocol. Guess QEMU's 62.5 MHz
		 * and say so: times will be wrong, but nothing divides by 0. */
		pr_err("time: CNTFRQ_EL0 is 0; assuming 62.5 MHz\n");
		freq = 62500000;
	}
	ns_mult = (NSEC_PER_SEC << 32) / freq;
	tick_mult = (freq << 32) / NSEC_PER_SEC;
}

uint64_t time_cycles_to_ns(uint64_t cycles)
{
	clock_init();
	return (uint64_t)(((unsigned __int128)cycles * ns_mult) >> 32);
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	/* Rounded up, and one more, so the compare value is never before
	 * the deadline however ns_mult was truncated. */
	return (uint64_t)(((unsigned __int128)ns * tick_mult) >> 32) + 2;
}

uint64_t arch_time_ns(void)
{
	return time_cycles_to_ns(counter() - boot_cycles0);
}

uint64_t arch_cycles(void)
{
	return counter();
}

const char *arch_clock_name(void)
{
	return "cntvct";
}

const char *arch_event_name(void)
{
	return ready ? "cntv" : "none";
}

void arch_timer_program(uint64_t deadline_ns)
{
	if (!ready)
		return;
	if (deadline_ns == TIME_NO_DEADLINE) {
		write_sysreg(cntv_ctl_el0, 0);
		isb();
		return;
	}
	clock_init();
	uint64_t ticks = ns_to_ticks(deadline_ns);
	uint64_t cval = boot_cycles0 + ticks;

	if (cval < ticks)
		cval = UINT64_MAX;
	/* A compare value in the past asserts the interrupt at once. */
	write_sysreg(cntv_cval_el0, cval);
	write_sysreg(cntv_ctl_el0, CTL_ENABLE);
	isb();
}

/* The timer's output is a level: it stays asserted while the counter is
 * past the compare value. Turn it off, then let the timer list program
 * the next deadline (which turns it on again). */
static void timer_irq(void *arg)
{
	write_sysreg(cntv_ctl_el0, 0);
	isb();
	time_interrupt();
}

static int a64_time_init(void)
{
	const void *fdt = (const void *)(uintptr_t)boot_info.dtb;
	struct fdt_irq spec;
	bool level = true, active_low = false;
	int node, rc;

	clock_init();
	write_sysreg(cntv_ctl_el0, 0);
	rc = gic_setup();
	if (rc)
		return rc;
	node = fdt ? fdt_next_compatible(fdt, -1, "arm,armv8-timer") : -ENOENT;
	if (node < 0 && fdt)
		node = fdt_next_compatible(fdt, -1, "arm,armv7-timer");
	/* Interrupt 2 is the virtual timer (secure phys, phys, virt, hyp). */
	rc = node < 0 ? node : fdt_interrupts(fdt, node, 2, &spec);
	if (!rc)
		rc = gic_fdt_line(fdt, &spec, &level, &active_low);
	if (rc < 0) {
		/* Every Armv8 system wires the EL1 virtual timer to PPI 11
		 * (Arm Server Base System Architecture; QEMU virt does). */
		pr_warn("time: no virtual timer interrupt in the device tree (%d); using PPI 11\n",
			rc);
		rc = GIC_PPI_BASE + 11;
	}
	intid = irq_attach_line((unsigned)rc, level, false, timer_irq, NULL);
	if (intid < 0) {
		pr_err("time: cannot attach the virtual timer interrupt (%d)\n", intid);
		return intid;
	}
	ready = true;
	pr_info("timer: generic timer at %llu kHz, virtual timer on INTID %d\n",
		(unsigned long long)(freq / 1000), intid);
	/* Timers armed before now are waiting: let the list program them. */
	time_interrupt();
	boot_stamp("time");
	return 0;
}
INITCALL(INIT_ARCH, a64_time_init);

bool a64_timer_ready(void)
{
	return ready;
}

uint64_t a64_timer_hz(void);
uint64_t a64_timer_hz(void)
{
	clock_init();
	return freq;
}

static int cmd_clock(int argc, char **argv)
{
	kprintf("clock %s (%llu Hz), event %s on INTID %d, now %llu ns\n",
		time_clock_name(), (unsigned long long)a64_timer_hz(), time_event_name(),
		intid, (unsigned long long)time_ns());
	return 0;
}
SHELL_CMD("clock", "clock - clock source, event device and time_ns()", cmd_clock);
