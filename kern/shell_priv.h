/* SPDX-License-Identifier: MIT */
/* The shell's pure parts, shared by kern/shell.c and the host unit tests:
 * splitting a line into commands and words (kern/shell_split.c), and the
 * line editor that turns console bytes into a line (kern/shell_edit.c).
 * Neither does I/O of its own. */
#ifndef KERN_SHELL_PRIV_H
#define KERN_SHELL_PRIV_H

#include <kern/compiler.h>
#include <kern/shell.h>

#define SHELL_LINE_MAX 256      /* bytes in a line, NUL included */
#define SHELL_MAX_ARGS 32       /* words in a command, argv's NULL included */
#define SHELL_HIST     8        /* lines of history */

/* The registered commands (SHELL_CMD; the linker script gathers them). */
extern const struct shell_cmd __shellcmds_start[], __shellcmds_end[];

/* Split the command at *linep, up to an unquoted ';' or the end, into
 * words: blanks separate them, "..." and '...' group (and are dropped),
 * a backslash outside '...' takes the next byte literally. The words are
 * written to buf, argv[0..argc-1] point at them and argv[argc] is NULL.
 * *linep is left after the ';' (or at the end), so a caller loops while
 * **linep. @return argc (0 for an empty command), -EINVAL for a quote left
 * open (the rest of the line is consumed), -E2BIG when the words do not fit
 * buf or argv (the command is skipped). */
int shell_split(const char **linep, char *buf, size_t bufsz,
		char **argv, int maxargv);

enum shell_edit_result {
	SHELL_EDIT_MORE,        /* keep feeding */
	SHELL_EDIT_DONE,        /* a line is ready in e->line */
	SHELL_EDIT_CANCEL,      /* Ctrl-C: the line was dropped */
	SHELL_EDIT_REFUSED,     /* Enter on a line that lost bytes: not run */
};

struct shell_edit {
	char line[SHELL_LINE_MAX];
	size_t len, cur;                /* length, cursor position */
	int esc;                        /* escape-sequence parser state */
	unsigned esc_num;               /* its numeric parameter */
	int prev;                       /* last byte, to fold CR LF */
	/* Bytes typed into this line that it could not take (it was full, or
	 * they were not printable ASCII): such a line is refused at Enter,
	 * never run as something other than what was typed. */
	unsigned lost_full, lost_nonascii;
	char hist[SHELL_HIST][SHELL_LINE_MAX];
	int hist_n, hist_newest, hist_pos; /* hist_pos -1: not browsing */
	char scratch[SHELL_LINE_MAX];   /* the new line while browsing */
	const char *prompt;
	void (*out)(void *ctx, const char *s, size_t n);
	void *ctx;
};

void shell_edit_init(struct shell_edit *e, const char *prompt,
		     void (*out)(void *ctx, const char *s, size_t n), void *ctx);
/* Start a new, empty line and print the prompt. */
void shell_edit_begin(struct shell_edit *e);
/* Feed one input byte (0..255). @return an enum shell_edit_result. */
int shell_edit_feed(struct shell_edit *e, int c);

#endif
