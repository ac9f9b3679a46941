// SPDX-License-Identifier: MIT
/*
 * kmain: the arch-neutral half of boot. The arch code has set up the
 * console, traps, memory and page tables; here the command line is read,
 * the init calls run level by level, and the kernel does one of three
 * things: run tests (test=...), run shell commands and power off (run=...),
 * or give the serial shell.
 */
#include <kern/boot.h>
#include <kern/cmdline.h>
#include <kern/init.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <kern/test.h>
#include <drivers/virtio_conform.h>
#include <kern/app.h>
#include <kern/arch.h>
#include <string.h>

void boot_report(void);
void kmain(void);

void kmain(void)
{
	cmdline_parse(boot_info.cmdline);
	printk_loglevel = (int)cmdline_get_range("loglevel", 0, LOG_DEBUG, LOG_INFO);
	/* The command line is untrusted: escaped, so control bytes and
	 * escape sequences in it cannot drive the terminal. */
	kprintf("unikernel: booted via %s, command line \"", boot_info.protocol);
	kprint_escaped(boot_info.cmdline, strlen(boot_info.cmdline));
	kprintf("\"\n");

	initcalls_run(INIT_ARCH);
	initcalls_run(INIT_CORE);
	irq_enable();
	initcalls_run(INIT_BUS);
	initcalls_run(INIT_DRIVER);
	initcalls_run(INIT_LATE);
	boot_stamp("drivers");
	boot_report();

	/* Appliances serve beside whatever comes next (tests, run=, the
	 * shell). */
	app_start_boot();

	const char *spec = cmdline_get("test");
	if (spec)
		arch_exit(test_run(*spec ? spec : "all"));
	/* The virtio conformance suite (drivers/virtio/conform/). */
	spec = cmdline_get("conform");
	if (spec)
		arch_exit(conform_run(*spec ? spec : "all"));

	const char *cmds = cmdline_get("run");
	if (cmds) {
		int rc = shell_run_boot_commands(cmds);
		kprintf("run: done (status %d)\n", rc);
		arch_poweroff();
	}
	shell_run();
	arch_poweroff();
}
