/* SPDX-License-Identifier: MIT */
/* Host tests for the shell's pure parts: command/word splitting
 * (kern/shell_split.c) and the line editor (kern/shell_edit.c). */
#include "unit.h"
#include "../../kern/shell_priv.h"
#include <kern/errno.h>

static char buf[64];
static char *argv[8];

/* Split every command of line; record "argc:w1|w2;" per command. */
static const char *split_all(const char *line)
{
	static char res[512];
	size_t n = 0;

	res[0] = '\0';
	while (*line) {
		const char *before = line;
		int argc = shell_split(&line, buf, sizeof(buf), argv, 8);

		if (line <= before && *line) {
			strcpy(res, "NO PROGRESS");
			break;
		}
		n += (size_t)snprintf(res + n, sizeof(res) - n, "%d:", argc);
		for (int i = 0; i < argc; i++)
			n += (size_t)snprintf(res + n, sizeof(res) - n, "%s%s",
					      i ? "|" : "", argv[i]);
		if (argc >= 0 && argv[argc] != NULL)
			n += (size_t)snprintf(res + n, sizeof(res) - n, "!NULL");
		n += (size_t)snprintf(res + n, sizeof(res) - n, ";");
	}
	return res;
}

UNIT(split_words)
{
	CHECK_STR(split_all(""), "");
	CHECK_STR(split_all("help"), "1:help;");
	CHECK_STR(split_all("  echo   a\tb  "), "3:echo|a|b;");
	CHECK_STR(split_all("   "), "0:;");
}

UNIT(split_commands)
{
	CHECK_STR(split_all("help;mem;uptime"), "1:help;1:mem;1:uptime;");
	CHECK_STR(split_all("help; mem ;"), "1:help;1:mem;");
	CHECK_STR(split_all(";;a"), "0:;0:;1:a;");
}

UNIT(split_quotes)
{
	CHECK_STR(split_all("echo \"a b\" 'c;d' e\"f g\"h"), "4:echo|a b|c;d|ef gh;");
	CHECK_STR(split_all("echo \"\" ''"), "3:echo||;");
	CHECK_STR(split_all("echo a\\;b \\\"x"), "3:echo|a;b|\"x;");
	CHECK_STR(split_all("echo \"q\\\"q\" 'a\\b'"), "3:echo|q\"q|a\\b;");
	CHECK_STR(split_all("echo \\"), "2:echo|\\;");
}

UNIT(split_errors)
{
	CHECK_STR(split_all("echo \"open; help"), "-22:;");
	CHECK_STR(split_all("help; echo 'x"), "1:help;-22:;");
	/* 8 argv slots: 7 words fit, 8 do not; the next command still runs. */
	CHECK_STR(split_all("a b c d e f g"), "7:a|b|c|d|e|f|g;");
	CHECK_STR(split_all("a b c d e f g h; ok"), "-7:;1:ok;");
	/* 64 bytes of buffer. */
	char line[200];
	memset(line, 'x', 100);
	strcpy(line + 100, " \";\"; ok");
	CHECK_STR(split_all(line), "-7:;1:ok;");
	memset(line, 'y', 63);
	line[63] = '\0';
	CHECK_STR(split_all(line), "1:yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy;");
	line[63] = 'y';
	line[64] = '\0';
	CHECK_STR(split_all(line), "-7:;");
}

UNIT(split_every_byte)
{
	char line[4];

	for (int a = 1; a < 256; a++)
		for (int b = 1; b < 256; b++) {
			line[0] = (char)a;
			line[1] = (char)b;
			line[2] = (char)a;
			line[3] = '\0';
			split_all(line);
		}
}

/* --- the line editor ---------------------------------------------------- */

static char outbuf[8192];
static size_t outlen;

static void out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (outlen + n < sizeof(outbuf)) {
		memcpy(outbuf + outlen, s, n);
		outlen += n;
		outbuf[outlen] = '\0';
	}
}

static struct shell_edit ed;

/* Feed s; return the result of the last byte. */
static int feed(const char *s)
{
	int r = SHELL_EDIT_MORE;

	for (; *s; s++)
		r = shell_edit_feed(&ed, (unsigned char)*s);
	return r;
}

static void begin(void)
{
	outlen = 0;
	outbuf[0] = '\0';
	shell_edit_begin(&ed);
}

UNIT(edit_plain)
{
	shell_edit_init(&ed, "> ", out, NULL);
	begin();
	CHECK_EQ(feed("help"), SHELL_EDIT_MORE);
	CHECK_EQ(feed("\r"), SHELL_EDIT_DONE);
	CHECK_STR(ed.line, "help");
	CHECK_STR(outbuf, "> help\r\n");
	/* CR LF is a single Enter; LF alone is one too. */
	begin();
	CHECK_EQ(feed("\n"), SHELL_EDIT_MORE);
	begin();
	CHECK_EQ(feed("x\n"), SHELL_EDIT_DONE);
	CHECK_STR(ed.line, "x");
}

UNIT(edit_backspace_and_kill)
{
	shell_edit_init(&ed, "> ", out, NULL);
	begin();
	feed("helo\x7f\x7f" "lo\b");
	CHECK_STR(ed.line, "hel");
	feed("\b\b\b\b\b");             /* more than there is */
	CHECK_STR(ed.line, "");
	feed("abc\x15" "def");
	CHECK_STR(ed.line, "def");
	CHECK_EQ(feed("\x03"), SHELL_EDIT_CANCEL);
	CHECK_STR(ed.line, "");
}

UNIT(edit_cursor_keys)
{
	shell_edit_init(&ed, "> ", out, NULL);
	begin();
	feed("ac\x1b[Db");              /* left, insert */
	CHECK_STR(ed.line, "abc");
	CHECK_EQ(ed.cur, 2);
	feed("\x1b[H" "<" "\x1b[F" ">");
	CHECK_STR(ed.line, "<abc>");
	feed("\x1bOH\x1b[C\x1b[3~");     /* SS3 Home, right, Delete */
	CHECK_STR(ed.line, "<bc>");
	feed("\x1b[1~" "1" "\x1b[4~" "4" "\x01" "A" "\x05" "E");
	CHECK_STR(ed.line, "A1<bc>4E");
	feed("\x1b[D\x1b[D\x0b");       /* Ctrl-K kills to the end */
	CHECK_STR(ed.line, "A1<bc>");
	/* Unknown and malformed sequences are swallowed. */
	feed("\x1b[99;5Z\x1b[12345678~\x1bx");
	CHECK_STR(ed.line, "A1<bc>");
	feed("\x1b[\r");                /* cut short by Enter */
	CHECK_STR(ed.line, "A1<bc>");
	/* Left at column 0 and right at the end do nothing. */
	begin();
	feed("\x1b[D\x1b[Cz\x1b[C");
	CHECK_STR(ed.line, "z");
	CHECK_EQ(ed.cur, 1);
}

UNIT(edit_history)
{
	shell_edit_init(&ed, "> ", out, NULL);
	const char *cmds[] = { "one\r", "two\r", "two\r", "three\r" };
	for (size_t i = 0; i < 4; i++) {
		begin();
		CHECK_EQ(feed(cmds[i]), SHELL_EDIT_DONE);
	}
	begin();
	feed("new");
	feed("\x1b[A");
	CHECK_STR(ed.line, "three");
	feed("\x1b[A");
	CHECK_STR(ed.line, "two");      /* the repeat was stored once */
	feed("\x1b[A\x1b[A\x1b[A");
	CHECK_STR(ed.line, "one");
	feed("\x1b[B\x1b[B");
	CHECK_STR(ed.line, "three");
	feed("\x1b[B");
	CHECK_STR(ed.line, "new");
	feed("\x1b[B");
	CHECK_STR(ed.line, "new");
	/* More lines than the history holds: the oldest go. */
	for (int i = 0; i < SHELL_HIST + 3; i++) {
		char l[16];
		snprintf(l, sizeof(l), "c%d\r", i);
		begin();
		feed(l);
	}
	begin();
	for (int i = 0; i < SHELL_HIST + 5; i++)
		feed("\x1b[A");
	char want[16];
	snprintf(want, sizeof(want), "c%d", 3);
	CHECK_STR(ed.line, want);
}

UNIT(edit_limits)
{
	shell_edit_init(&ed, "> ", out, NULL);
	begin();
	for (int i = 0; i < SHELL_LINE_MAX + 50; i++)
		feed("x");
	CHECK_EQ(strlen(ed.line), SHELL_LINE_MAX - 1);
	CHECK(strchr(outbuf, '\a') != NULL);
	/* Control and high bytes never reach the line. */
	begin();
	for (int c = 0; c < 256; c++) {
		if (c == '\r' || c == '\n' || c == 3 || c == 0x1b)
			continue;
		shell_edit_feed(&ed, c);
	}
	for (size_t i = 0; i < ed.len; i++)
		CHECK(ed.line[i] >= 0x20 && ed.line[i] < 0x7f);
	CHECK_EQ(strlen(ed.line), ed.len);
	/* Random bytes: the line stays consistent. */
	unsigned x = 12345;
	begin();
	for (int i = 0; i < 200000; i++) {
		x = x * 1103515245u + 12345u;
		int r = shell_edit_feed(&ed, (int)(x >> 16) & 0xff);
		CHECK(ed.cur <= ed.len && ed.len < SHELL_LINE_MAX);
		CHECK_EQ(strlen(ed.line), ed.len);
		if (r != SHELL_EDIT_MORE)
			begin();
		if (outlen > 4096)
			outlen = 0;
	}
}

UNIT_MAIN()

/* A line that could not take every byte typed is refused at Enter, never
 * run cut or with bytes missing; the next line starts clean. */
UNIT(edit_refuses_lossy_lines)
{
	char big[SHELL_LINE_MAX + 20];

	shell_edit_init(&ed, "> ", out, NULL);
	begin();
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ(feed(big), SHELL_EDIT_MORE);
	CHECK_EQ(ed.len, (size_t)SHELL_LINE_MAX - 1);
	CHECK(strchr(outbuf, '\a') != NULL);
	CHECK_EQ(feed("\r"), SHELL_EDIT_REFUSED);
	CHECK(ed.lost_full == 20);

	begin();
	CHECK_EQ(feed("echo caf\xc3\xa9"), SHELL_EDIT_MORE);
	CHECK_STR(ed.line, "echo caf");
	CHECK_EQ(feed("\r"), SHELL_EDIT_REFUSED);
	CHECK(ed.lost_nonascii == 2);

	/* Ctrl-U clears the line and the loss with it. */
	begin();
	CHECK_EQ(feed("\xff" "abc\x15" "help"), SHELL_EDIT_MORE);
	CHECK_EQ(feed("\r"), SHELL_EDIT_DONE);
	CHECK_STR(ed.line, "help");

	begin();
	CHECK_EQ(feed("uptime\r"), SHELL_EDIT_DONE);
	CHECK(ed.lost_full == 0 && ed.lost_nonascii == 0);
}
