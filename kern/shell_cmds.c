/* SPDX-License-Identifier: MIT */
/* The shell's built-in commands. Other subsystems add theirs with
 * SHELL_CMD in their own files; `help` finds them all in .shellcmds. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/heap.h>
#include <kern/pmm.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/time.h>
#include <string.h>
#include "cmdline_parse.h"
#include "shell_priv.h"

static int cmd_help(int argc, char **argv)
{
	enum { MAX = 128 };
	const struct shell_cmd *list[MAX];
	size_t n = 0;

	(void)argc;
	(void)argv;
	/* Link order is arbitrary; sort by name (insertion, n is small). */
	for (const struct shell_cmd *c = __shellcmds_start;
	     c < __shellcmds_end && n < MAX; c++) {
		size_t i = n;

		if (!c->name)
			continue;
		n++;
		while (i > 0 && strcmp(list[i - 1]->name, c->name) > 0) {
			list[i] = list[i - 1];
			i--;
		}
		list[i] = c;
	}
	for (size_t i = 0; i < n; i++)
		kprintf("  %-10s %s\n", list[i]->name,
			list[i]->help ? list[i]->help : "");
	return 0;
}
SHELL_CMD("help", "help - list the commands", cmd_help);

static int cmd_mem(int argc, char **argv)
{
	struct pmm_stats p;
	struct heap_stats h;

	(void)argc;
	(void)argv;
	pmm_stats(&p);
	heap_stats(&h);
	kprintf("pages: %llu total, %llu free (%llu KiB), %llu for bookkeeping, "
		"%u regions\n",
		(unsigned long long)p.total_pages, (unsigned long long)p.free_pages,
		(unsigned long long)(p.free_pages * (PAGE_SIZE / 1024)),
		(unsigned long long)p.meta_pages, p.regions);
	kprintf("heap: %zu bytes in use (peak %zu), %zu pages held (%zu slab), "
		"%llu allocs, %llu frees\n",
		h.bytes_in_use, h.peak_bytes, h.pages_held, h.slab_pages,
		(unsigned long long)h.allocs, (unsigned long long)h.frees);
	if (p.bad_frees || h.bad_frees)
		kprintf("bad frees: %llu pages, %llu heap\n",
			(unsigned long long)p.bad_frees,
			(unsigned long long)h.bad_frees);
	return 0;
}
SHELL_CMD("mem", "mem - page and heap usage", cmd_mem);

static int cmd_uptime(int argc, char **argv)
{
	uint64_t ns = time_ns();

	(void)argc;
	(void)argv;
	kprintf("up %llu.%06llu s (clock %s)\n",
		(unsigned long long)(ns / NSEC_PER_SEC),
		(unsigned long long)(ns % NSEC_PER_SEC / NSEC_PER_USEC),
		time_clock_name());
	return 0;
}
SHELL_CMD("uptime", "uptime - time since boot", cmd_uptime);

static int cmd_threads(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	sched_dump();
	return 0;
}
SHELL_CMD("threads", "threads - list the threads", cmd_threads);

static int cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		kprintf("%s%s", i > 1 ? " " : "", argv[i]);
	kprintf("\n");
	return 0;
}
SHELL_CMD("echo", "echo [WORD...] - print the words", cmd_echo);

/* An hour: longer is more likely a typo than a wish (Ctrl-C ends it). */
#define SLEEP_MAX_MS (3600LL * 1000)

static int cmd_sleep(int argc, char **argv)
{
	long long ms;

	if (argc != 2 || cmdline_str_to_ll(argv[1], &ms) < 0 || ms < 0 ||
	    ms > SLEEP_MAX_MS) {
		kprintf("usage: sleep MS (0 to %lld)\n", SLEEP_MAX_MS);
		return -EINVAL;
	}
	return thread_sleep_ns((uint64_t)ms * NSEC_PER_MSEC);
}
SHELL_CMD("sleep", "sleep MS - wait MS milliseconds", cmd_sleep);

static int cmd_reboot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("rebooting\n");
	arch_reboot();
}
SHELL_CMD("reboot", "reboot - reset the machine", cmd_reboot);

static int cmd_poweroff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("powering off\n");
	arch_poweroff();
}
SHELL_CMD("poweroff", "poweroff - turn the machine off", cmd_poweroff);
