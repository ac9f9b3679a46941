/* SPDX-License-Identifier: MIT */
/* The shell's line editor (see shell_priv.h): a byte-at-a-time state
 * machine, so it is the same on a serial console and in a host test.
 *
 * The terminal is assumed to speak ECMA-48 (every serial terminal emulator
 * does): cursor keys arrive as CSI or SS3 sequences (ESC [ C, ESC O H,
 * ESC [ 3 ~ ...), and we redraw with CR, EL (ESC [ K) and CUB (ESC [ n D).
 * Typing at the end of the line, the common case, echoes just the byte, so
 * a log of a scripted session stays readable. */
#include "shell_priv.h"
#include <string.h>

enum { ESC_NONE, ESC_SEEN, ESC_CSI, ESC_SS3 };

#define CTRL(c) ((c) & 0x1f)

static void out_str(struct shell_edit *e, const char *s)
{
	e->out(e->ctx, s, strlen(s));
}

/* Move the cursor left n columns: "ESC [ n D". */
static void out_left(struct shell_edit *e, size_t n)
{
	char b[24];
	size_t i = sizeof(b);

	if (n == 0)
		return;
	b[--i] = 'D';
	do {
		b[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	b[--i] = '[';
	b[--i] = '\x1b';
	e->out(e->ctx, b + i, sizeof(b) - i);
}

/* Rewrite the whole line and put the cursor back where it belongs. */
static void redraw(struct shell_edit *e)
{
	out_str(e, "\r");
	out_str(e, e->prompt);
	e->out(e->ctx, e->line, e->len);
	out_str(e, "\x1b[K");
	out_left(e, e->len - e->cur);
}

static void set_line(struct shell_edit *e, const char *s)
{
	size_t n = strlen(s);

	if (n >= SHELL_LINE_MAX)
		n = SHELL_LINE_MAX - 1;
	memcpy(e->line, s, n);
	e->line[n] = '\0';
	e->len = e->cur = n;
	redraw(e);
}

static void insert(struct shell_edit *e, char c)
{
	if (e->len + 1 >= SHELL_LINE_MAX) {
		out_str(e, "\a");       /* full: ring the bell */
		e->lost_full++;
		return;
	}
	memmove(e->line + e->cur + 1, e->line + e->cur, e->len - e->cur);
	e->line[e->cur++] = c;
	e->line[++e->len] = '\0';
	if (e->cur == e->len)
		e->out(e->ctx, &c, 1);
	else
		redraw(e);
}

static void delete_at(struct shell_edit *e, size_t at)
{
	bool at_end = at + 1 == e->len && e->cur == e->len;

	memmove(e->line + at, e->line + at + 1, e->len - at - 1);
	e->line[--e->len] = '\0';
	if (e->cur > at)
		e->cur--;
	if (at_end)
		out_str(e, "\b \b");
	else
		redraw(e);
}

static void move_to(struct shell_edit *e, size_t pos)
{
	if (pos == e->cur)
		return;
	e->cur = pos;
	redraw(e);
}

static const char *hist_entry(struct shell_edit *e, int back)
{
	return e->hist[(e->hist_newest - back + SHELL_HIST) % SHELL_HIST];
}

static void hist_older(struct shell_edit *e)
{
	if (e->hist_pos + 1 >= e->hist_n)
		return;
	if (e->hist_pos < 0)
		memcpy(e->scratch, e->line, e->len + 1);
	e->hist_pos++;
	set_line(e, hist_entry(e, e->hist_pos));
}

static void hist_newer(struct shell_edit *e)
{
	if (e->hist_pos < 0)
		return;
	e->hist_pos--;
	set_line(e, e->hist_pos < 0 ? e->scratch : hist_entry(e, e->hist_pos));
}

static void hist_add(struct shell_edit *e)
{
	if (e->len == 0)
		return;
	if (e->hist_n && strcmp(hist_entry(e, 0), e->line) == 0)
		return;
	e->hist_newest = (e->hist_newest + 1) % SHELL_HIST;
	memcpy(e->hist[e->hist_newest], e->line, e->len + 1);
	if (e->hist_n < SHELL_HIST)
		e->hist_n++;
}

void shell_edit_init(struct shell_edit *e, const char *prompt,
		     void (*out)(void *ctx, const char *s, size_t n), void *ctx)
{
	memset(e, 0, sizeof(*e));
	e->prompt = prompt;
	e->out = out;
	e->ctx = ctx;
	e->hist_newest = SHELL_HIST - 1;
	e->hist_pos = -1;
}

void shell_edit_begin(struct shell_edit *e)
{
	e->line[0] = '\0';
	e->len = e->cur = 0;
	e->esc = ESC_NONE;
	e->hist_pos = -1;
	e->lost_full = e->lost_nonascii = 0;
	out_str(e, e->prompt);
}

/* A cursor key, from either CSI or SS3 form. */
static void key(struct shell_edit *e, int final, unsigned num)
{
	switch (final) {
	case 'A': hist_older(e); break;
	case 'B': hist_newer(e); break;
	case 'C': if (e->cur < e->len) move_to(e, e->cur + 1); break;
	case 'D': if (e->cur > 0) move_to(e, e->cur - 1); break;
	case 'H': move_to(e, 0); break;
	case 'F': move_to(e, e->len); break;
	case '~':
		/* VT220 editing keypad: 1/7 Home, 4/8 End, 3 Delete. */
		if (num == 1 || num == 7)
			move_to(e, 0);
		else if (num == 4 || num == 8)
			move_to(e, e->len);
		else if (num == 3 && e->cur < e->len)
			delete_at(e, e->cur);
		break;
	}
}

int shell_edit_feed(struct shell_edit *e, int c)
{
	int prev = e->prev;

	c &= 0xff;
	e->prev = c;

	switch (e->esc) {
	case ESC_SEEN:
		e->esc_num = 0;
		e->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		return SHELL_EDIT_MORE;
	case ESC_SS3:
		e->esc = ESC_NONE;
		key(e, c, 0);
		return SHELL_EDIT_MORE;
	case ESC_CSI:
		if (c >= '0' && c <= '9') {
			if (e->esc_num < 1000)
				e->esc_num = e->esc_num * 10 + (unsigned)(c - '0');
			return SHELL_EDIT_MORE;
		}
		if (c >= 0x20 && c < 0x40)      /* parameters, intermediates */
			return SHELL_EDIT_MORE;
		e->esc = ESC_NONE;
		if (c >= 0x40 && c <= 0x7e) {
			key(e, c, e->esc_num);
			return SHELL_EDIT_MORE;
		}
		break;  /* a control byte cut the sequence short: act on it */
	}

	switch (c) {
	case '\x1b':
		e->esc = ESC_SEEN;
		return SHELL_EDIT_MORE;
	case '\n':
		if (prev == '\r')       /* CR LF is one Enter */
			return SHELL_EDIT_MORE;
		/* fall through */
	case '\r':
		out_str(e, "\r\n");
		e->hist_pos = -1;
		if (e->lost_full || e->lost_nonascii)
			return SHELL_EDIT_REFUSED;
		hist_add(e);
		return SHELL_EDIT_DONE;
	case CTRL('C'):
		out_str(e, "^C\r\n");
		e->line[0] = '\0';
		e->len = e->cur = 0;
		e->hist_pos = -1;
		return SHELL_EDIT_CANCEL;
	case '\b':
	case 0x7f:
		if (e->cur > 0)
			delete_at(e, e->cur - 1);
		return SHELL_EDIT_MORE;
	case CTRL('D'):
		if (e->cur < e->len)
			delete_at(e, e->cur);
		return SHELL_EDIT_MORE;
	case CTRL('U'):
		e->line[0] = '\0';
		e->len = e->cur = 0;
		e->lost_full = e->lost_nonascii = 0;
		redraw(e);
		return SHELL_EDIT_MORE;
	case CTRL('K'):
		e->line[e->cur] = '\0';
		e->len = e->cur;
		redraw(e);
		return SHELL_EDIT_MORE;
	case CTRL('A'):
		move_to(e, 0);
		return SHELL_EDIT_MORE;
	case CTRL('E'):
		move_to(e, e->len);
		return SHELL_EDIT_MORE;
	case CTRL('L'):
		redraw(e);
		return SHELL_EDIT_MORE;
	}
	/* Printable ASCII only: the line ends up in argv and in the log.
	 * Other bytes (UTF-8 and the like) ring the bell and spoil the line
	 * (see lost_*); control bytes without a meaning here are ignored. */
	if (c >= 0x20 && c < 0x7f) {
		insert(e, (char)c);
	} else if (c >= 0x80) {
		out_str(e, "\a");
		e->lost_nonascii++;
	}
	return SHELL_EDIT_MORE;
}
