// SPDX-License-Identifier: MIT
/* Fuzz the shell's pure parts (kern/shell_split.c, kern/shell_edit.c):
 * the input is first split as a whole line (run= hands one over), then
 * typed byte by byte into the line editor (escape sequences, history,
 * Ctrl-C, over-long lines); every line it finishes is split too. */
#include "fuzz.h"
#include <kern/errno.h>
#include "../../kern/shell_priv.h"

/* shell_edit.c and shell_split.c reach no command table here. */
const struct shell_cmd __shellcmds_start[1], __shellcmds_end[1];

static size_t echoed;

static void out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (n && s[n - 1] == (char)0xa5)
		fz_sink++;      /* touches every byte ASan should see */
	echoed += n;
}

static void split_all(const char *line)
{
	char buf[SHELL_LINE_MAX];
	char *argv[SHELL_MAX_ARGS];
	const char *p = line;
	int guard = 0;

	while (*p && guard++ < 4 * SHELL_LINE_MAX) {
		const char *before = p;
		int argc = shell_split(&p, buf, sizeof(buf), argv, SHELL_MAX_ARGS);

		if (argc >= SHELL_MAX_ARGS || (argc >= 0 && argv[argc] != NULL))
			abort();
		for (int i = 0; i > -1 && i < argc; i++)
			fz_sink += strlen(argv[i]);
		if (p == before)
			abort();        /* no progress: the caller would spin */
	}
}

static struct shell_edit e;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_dup(data, size, true);

	split_all(s);
	shell_edit_init(&e, "> ", out, NULL);
	shell_edit_begin(&e);
	for (size_t i = 0; i < size; i++) {
		int r = shell_edit_feed(&e, data[i]);

		if (e.len >= SHELL_LINE_MAX || e.cur > e.len)
			abort();
		if (r == SHELL_EDIT_DONE) {
			if (strnlen(e.line, SHELL_LINE_MAX) == SHELL_LINE_MAX)
				abort();
			split_all(e.line);
		}
		if (r != SHELL_EDIT_MORE)
			shell_edit_begin(&e);
	}
	free(s);
	return 0;
}
