// SPDX-License-Identifier: MIT
/* Fuzz the network options (net/netcfg.c): the input is lines of
 * key=value, applied in order to one configuration as the command line or
 * fw_cfg would; every value also goes through the IPv4 and IPv6 text
 * parsers (inet_pton's) on its own. */
#include "fuzz.h"
#include <kern/errno.h>
#include "../../net/netcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_dup(data, size, true);
	struct netcfg cfg;
	struct netcfg_if ifc;
	uint8_t a[16];
	char *line = s, *nl, *eq;

	memset(&cfg, 0, sizeof(cfg));
	for (; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		fz_sink += (uint64_t)netcfg_set(&cfg, line, eq + 1);
		if (cfg.nifs < 0 || cfg.nifs > NETCFG_MAX_IFS ||
		    cfg.ndns < 0 || cfg.ndns > NETCFG_MAX_DNS)
			abort();
		fz_sink += (uint64_t)netcfg_parse_ip4(eq + 1, a);
		fz_sink += (uint64_t)netcfg_parse_ip6(eq + 1, a);
		netcfg_if_get(&cfg, line, &ifc);
		fz_sink += ifc.plen4 + ifc.plen6 + strnlen(ifc.name, sizeof(ifc.name));
	}
	free(s);
	return 0;
}
