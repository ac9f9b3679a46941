// SPDX-License-Identifier: MIT
/* Fuzz the command-line parser (kern/cmdline_parse.c): the input is a
 * command line as a loader hands it over (cut at its first NUL). It is
 * split into options, checked against a table of declared keys (plain,
 * families "a.b.*", multi-valued) and every value goes through the number
 * and boolean conversions the kernel's getters use. */
#include "fuzz.h"
#include "../../kern/cmdline_parse.h"
#include <kern/errno.h>

static const struct cmdline_opt opts[] = {
	{ "loglevel", "", 0 },
	{ "run", "", 0 },
	{ "test", "", 0 },
	{ "virtio.mode.*", "", 0 },
	{ "virtio.legacy.*", "", 0 },
	{ "net.*", "", 0 },
	{ "virtio_mmio.device", "", CMDLINE_F_MULTI },
};

static struct cmdline_table t;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_dup(data, size, true);
	unsigned warns = 0;
	int n = cmdline_table_parse(&t, s, fz_warn, &warns);

	if (n < 0 || n > CMDLINE_MAX_OPTS || n != t.n)
		abort();
	fz_sink += (uint64_t)cmdline_table_check(&t, opts, sizeof(opts) / sizeof(opts[0]),
						 fz_warn, &warns);
	for (int i = 0; i < t.n; i++) {
		long long v;
		bool b;
		const char *val = cmdline_table_get(&t, t.kv[i].key);

		/* The last value given for a key is the one found. */
		if (val != t.kv[i].val)
			abort();
		fz_sink += strlen(t.kv[i].key) + strlen(val) + t.kv[i].count;
		if (cmdline_str_to_ll(val, &v) == 0)
			fz_sink += (uint64_t)v;
		if (cmdline_str_to_bool(val, &b) == 0)
			fz_sink += b;
	}
	fz_sink += (uintptr_t)cmdline_table_get(&t, "run");
	free(s);
	return 0;
}
