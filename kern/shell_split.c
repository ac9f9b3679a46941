/* SPDX-License-Identifier: MIT */
/* Splitting a shell line into commands and words (see shell_priv.h). The
 * quoting is a small subset of the POSIX shell's (XCU 2.2): enough to pass
 * a blank or a ';' inside an argument, nothing that expands. */
#include "shell_priv.h"
#include <kern/errno.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Skip to just past the next unquoted ';', for a command we gave up on. */
static const char *skip_command(const char *p)
{
	char q = 0;

	for (; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
			else if (*p == '\\' && q == '"' && p[1])
				p++;
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == ';') {
			return p + 1;
		}
	}
	return p;
}

int shell_split(const char **linep, char *buf, size_t bufsz,
		char **argv, int maxargv)
{
	const char *p = *linep, *cmd = *linep;
	size_t o = 0;
	int argc = 0;
	bool inword = false;
	char q = 0;

	if (maxargv < 1 || bufsz < 1) {
		*linep = skip_command(cmd);
		return -E2BIG;
	}
	for (;; p++) {
		char c = *p;

		if (c == '\0' || (!q && (is_blank(c) || c == ';'))) {
			if (c == '\0' && q) {
				*linep = p;
				return -EINVAL;
			}
			if (inword) {
				if (o >= bufsz)
					goto too_big;
				buf[o++] = '\0';
				inword = false;
			}
			if (c == '\0' || c == ';') {
				*linep = c ? p + 1 : p;
				argv[argc] = NULL;
				return argc;
			}
			continue;
		}
		if (!inword) {
			/* Room for this word's pointer and the final NULL. */
			if (argc + 1 >= maxargv)
				goto too_big;
			argv[argc++] = &buf[o];
			inword = true;
		}
		if (q && c == q) {
			q = 0;
			continue;
		}
		if (!q && (c == '"' || c == '\'')) {
			q = c;
			continue;
		}
		/* In "..." a backslash only protects '"' and itself. */
		if (c == '\\' && q != '\'' && p[1] &&
		    (!q || p[1] == '"' || p[1] == '\\'))
			c = *++p;
		if (o + 1 >= bufsz)     /* and keep one byte for the NUL */
			goto too_big;
		buf[o++] = c;
	}
too_big:
	*linep = skip_command(cmd);
	argv[0] = NULL;
	return -E2BIG;
}
