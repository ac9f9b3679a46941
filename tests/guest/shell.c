/* SPDX-License-Identifier: MIT */
/* In-guest tests of the shell: shell_exec on known, unknown and malformed
 * lines, and the run= path. */
#include <kern/test.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <kern/errno.h>
#include <string.h>
#include "../../kern/shell_priv.h"

TEST(shell_exec_known)
{
	T_EQ(shell_exec("echo hello from shell_exec"), 0);
	T_EQ(shell_exec("help"), 0);
	T_EQ(shell_exec("uptime"), 0);
	T_EQ(shell_exec("threads"), 0);
	T_EQ(shell_exec("mem"), 0);
	T_EQ(shell_exec("echo \"quoted; words\" 'and;more'; echo second"), 0);
	T_EQ(shell_exec(""), 0);
	T_EQ(shell_exec(" ; ;; "), 0);
}

TEST(shell_exec_unknown)
{
	T_EQ(shell_exec("nosuchcommand"), -ENOENT);
	T_EQ(shell_exec("echo before; nosuch; echo after"), -ENOENT);
	T_EQ(shell_exec("HELP"), -ENOENT);
	T_EQ(shell_exec("\x1b[2J\x01"), -ENOENT);       /* printed as '?' */
	T_EQ(shell_exec(NULL), -EINVAL);
}

TEST(shell_exec_malformed)
{
	static char line[1024];

	T_EQ(shell_exec("echo \"unbalanced"), -EINVAL);
	T_EQ(shell_exec("echo 'unbalanced; help"), -EINVAL);
	memset(line, 'x', sizeof(line) - 1);
	memcpy(line, "echo ", 5);
	T_EQ(shell_exec(line), -E2BIG);
	/* Too many words; the next command still runs. */
	strcpy(line, "echo");
	for (int i = 0; i < SHELL_MAX_ARGS + 5; i++)
		strcat(line, " w");
	strcat(line, "; echo next");
	T_EQ(shell_exec(line), -E2BIG);
	T_EQ(shell_exec("sleep"), -EINVAL);
	T_EQ(shell_exec("sleep abc"), -EINVAL);
	T_EQ(shell_exec("sleep -1"), -EINVAL);
	T_EQ(shell_exec("sleep 99999999999999999999"), -EINVAL);
}

TEST(shell_split_words)
{
	char buf[64];
	char *argv[8];
	const char *p = "echo \"a b\" c\\;d; next";

	T_EQ(shell_split(&p, buf, sizeof(buf), argv, 8), 3);
	T_CHECK(strcmp(argv[0], "echo") == 0);
	T_CHECK(strcmp(argv[1], "a b") == 0);
	T_CHECK(strcmp(argv[2], "c;d") == 0);
	T_CHECK(argv[3] == NULL);
	T_EQ(shell_split(&p, buf, sizeof(buf), argv, 8), 1);
	T_CHECK(strcmp(argv[0], "next") == 0);
	T_CHECK(*p == '\0');
}

TEST(shell_sleep)
{
	uint64_t t0 = time_ns();

	T_EQ(shell_exec("sleep 20"), 0);
	T_CHECK(time_ns() - t0 >= 20 * NSEC_PER_MSEC);
	T_EQ(shell_exec("sleep 0"), 0);
}

TEST(shell_boot_commands)
{
	T_EQ(shell_run_boot_commands("echo one;echo two"), 0);
	T_EQ(shell_run_boot_commands("echo a; nosuch; echo b; sleep x"), 2);
	T_EQ(shell_run_boot_commands(""), 0);
	T_EQ(shell_run_boot_commands(";;"), 0);
	T_EQ(shell_run_boot_commands("echo \"open"), 1);
	T_EQ(shell_run_boot_commands(NULL), 0);
}
