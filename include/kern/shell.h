/* SPDX-License-Identifier: MIT */
/* Serial shell commands. SHELL_CMD registers a command in the .shellcmds
 * section; `help` lists them. A command returns 0 or -errno; it prints
 * with kprintf. argv[0] is the command name. */
#ifndef KERN_SHELL_H
#define KERN_SHELL_H

#include <kern/compiler.h>

struct shell_cmd {
	const char *name;
	const char *help;   /* one line: "usage - what it does" */
	int (*fn)(int argc, char **argv);
};

#define SHELL_CMD(cname, chelp, cfn)                                          \
	static const struct shell_cmd shell_cmd_##cfn                         \
		__used __section(".shellcmds") __aligned(8) =                 \
		{ (cname), (chelp), (cfn) }

/* Run one command line (split on blanks, quotes honoured); returns its result. */
int shell_exec(const char *line);
/* The interactive loop on the console; returns on `exit`. */
void shell_run(void);
/* Run ;-separated commands (the run= boot option); nonzero if any failed. */
int shell_run_boot_commands(const char *cmds);

#endif
