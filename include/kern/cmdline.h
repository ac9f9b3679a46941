/* SPDX-License-Identifier: MIT */
/* The kernel command line: blank-separated key=value options (a value may be
 * double-quoted to hold blanks). Every boot path hands its string to
 * cmdline_parse. A subsystem declares its options with CMDLINE_OPT so that an
 * unknown key can be warned about; malformed input warns, never crashes. */
#ifndef KERN_CMDLINE_H
#define KERN_CMDLINE_H

#include <kern/compiler.h>

/* key is a full key ("virtio.mode") or a family ending in ".*"
 * ("virtio.mode.*" declares virtio.mode.vda, virtio.mode.00.04.0, ...). */
struct cmdline_opt {
	const char *key;
	const char *help;
	unsigned flags;
};
/* The option may be given several times, each adding a value (its owner
 * reads them all from cmdline_raw); otherwise a repeat warns that the last
 * value wins. */
#define CMDLINE_F_MULTI  1u

#define CMDLINE_OPT_FLAGS(id, okey, ohelp, oflags)                            \
	static const struct cmdline_opt cmdline_opt_##id                      \
		__used __section(".cmdlineopts") __aligned(8) =               \
		{ (okey), (ohelp), (oflags) }
#define CMDLINE_OPT(id, okey, ohelp) CMDLINE_OPT_FLAGS(id, okey, ohelp, 0)

/* Parse and keep the boot command line (copied; at most 4095 bytes kept).
 * Warns on unknown keys and malformed words. @return number of options. */
int cmdline_parse(const char *s);
/* The value of key, "" for a bare key, NULL when absent (last one wins). */
const char *cmdline_get(const char *key);
/* Integer value of key, or def when absent or not a number (warns). */
long long cmdline_get_int(const char *key, long long def);
/* Integer value of key in [min, max]; def when absent. A value that is not
 * a number, or out of range, is warned about naming the value used instead:
 * def for garbage, the nearer bound for a number outside the range. */
long long cmdline_get_range(const char *key, long long min, long long max,
			    long long def);
bool cmdline_get_bool(const char *key, bool def);
/* The raw string as booted. */
const char *cmdline_raw(void);

#endif
