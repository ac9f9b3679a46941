/* SPDX-License-Identifier: MIT */
/* Host tests for net/netcfg.c: the network options (net.IF.ip=, gw=,
 * ip6=, net.dns=) and the strict address parsers behind inet_pton. */
#include "unit.h"
#include <kern/errno.h>
#include "../../net/netcfg.h"

static const uint8_t *ip4(const char *s)
{
	static uint8_t a[4];

	return netcfg_parse_ip4(s, a) == 0 ? a : NULL;
}

UNIT(ip4_good)
{
	const uint8_t *a = ip4("10.0.2.15");

	CHECK(a && a[0] == 10 && a[1] == 0 && a[2] == 2 && a[3] == 15);
	a = ip4("255.255.255.255");
	CHECK(a && a[3] == 255);
	CHECK(ip4("0.0.0.0") != NULL);
}

UNIT(ip4_bad)
{
	static const char *const bad[] = {
		"", "10.0.2", "10.0.2.15.1", "256.0.0.1", "10.0.2.015",
		"10..2.15", "10.0.2.15 ", " 10.0.2.15", "+1.2.3.4", "1.2.3.-4",
		"1.2.3.4/24", "0x1.2.3.4", "1.2.3.", ".1.2.3", "99999999999.1.1.1",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ip4(bad[i]))
			printf("#   accepted '%s'\n", bad[i]);
		CHECK(ip4(bad[i]) == NULL);
	}
}

static int ip6_is(const char *s, const char *hex)
{
	uint8_t a[16];
	char got[33];

	if (netcfg_parse_ip6(s, a) < 0)
		return 0;
	for (int i = 0; i < 16; i++)
		sprintf(got + 2 * i, "%02x", a[i]);
	if (strcmp(got, hex) != 0)
		printf("#   %s -> %s\n", s, got);
	return strcmp(got, hex) == 0;
}

UNIT(ip6_good)
{
	CHECK(ip6_is("::", "00000000000000000000000000000000"));
	CHECK(ip6_is("::1", "00000000000000000000000000000001"));
	CHECK(ip6_is("fe80::1:2", "fe800000000000000000000000010002"));
	CHECK(ip6_is("2001:DB8:0:0:8:800:200C:417A",
		     "20010db80000000000080800200c417a"));
	CHECK(ip6_is("1:2:3:4:5:6:7::", "00010002000300040005000600070000"));
	CHECK(ip6_is("::2:3:4:5:6:7:8", "00000002000300040005000600070008"));
	CHECK(ip6_is("::ffff:10.0.2.15", "00000000000000000000ffff0a00020f"));
	CHECK(ip6_is("fec0::", "fec00000000000000000000000000000"));
}

UNIT(ip6_bad)
{
	static const char *const bad[] = {
		"", ":", ":::", "fe80:::1", "1::2::3", "1:2:3:4:5:6:7:8:9",
		"1:2:3:4:5:6:7", "12345::", "1:", ":1", "g::", "1:2:3:4:5:6:7:8::",
		"::1.2.3", "::1.2.3.4:5", "::256.1.1.1", "fe80::1%eth0",
		"1:2:3:4:5:6:7:1.2.3.4",
	};
	uint8_t a[16];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = netcfg_parse_ip6(bad[i], a);

		if (rc == 0)
			printf("#   accepted '%s'\n", bad[i]);
		CHECK_EQ(rc, -EINVAL);
	}
}

UNIT(options)
{
	struct netcfg cfg = { 0 };
	struct netcfg_if f;

	CHECK_EQ(netcfg_set(&cfg, "net.vioif0.ip", "10.0.2.15/24"), 0);
	CHECK_EQ(netcfg_set(&cfg, "net.vioif0.gw", "10.0.2.2"), 0);
	CHECK_EQ(netcfg_set(&cfg, "net.vioif0.ip6", "fec0::15/64"), 0);
	CHECK_EQ(netcfg_set(&cfg, "net.vioif1.ip6", "off"), 0);
	CHECK_EQ(netcfg_set(&cfg, "net.dns", "10.0.2.3,fec0::3"), 0);
	CHECK_EQ(cfg.nifs, 2);

	netcfg_if_get(&cfg, "vioif0", &f);
	CHECK_EQ(f.v4, NETCFG_STATIC);
	CHECK(f.ip4[0] == 10 && f.ip4[3] == 15);
	CHECK_EQ(f.plen4, 24);
	CHECK(f.has_gw4 && f.gw4[3] == 2);
	CHECK_EQ(f.v6, NETCFG_STATIC);
	CHECK_EQ(f.plen6, 64);
	CHECK(f.ip6[0] == 0xfe && f.ip6[1] == 0xc0 && f.ip6[15] == 0x15);

	netcfg_if_get(&cfg, "vioif1", &f);
	CHECK_EQ(f.v4, NETCFG_AUTO);
	CHECK_EQ(f.v6, NETCFG_OFF);
	netcfg_if_get(&cfg, "vioif7", &f);     /* never mentioned: defaults */
	CHECK_EQ(f.v4, NETCFG_AUTO);
	CHECK_EQ(f.v6, NETCFG_AUTO);
	CHECK_STR(f.name, "vioif7");

	CHECK_EQ(cfg.ndns, 2);
	CHECK_EQ(cfg.dns[0].family, 4);
	CHECK_EQ(cfg.dns[0].addr[3], 3);
	CHECK_EQ(cfg.dns[1].family, 6);

	/* Later values win; dhcp and off switch back. */
	CHECK_EQ(netcfg_set(&cfg, "net.vioif0.ip", "dhcp"), 0);
	netcfg_if_get(&cfg, "vioif0", &f);
	CHECK_EQ(f.v4, NETCFG_AUTO);
	CHECK_EQ(netcfg_set(&cfg, "net.vioif0.ip", "0.0.0.0/0"), 0);
	netcfg_if_get(&cfg, "vioif0", &f);
	CHECK_EQ(f.plen4, 0);
}

UNIT(options_bad)
{
	static const char *const bad[][2] = {
		{ "net.vioif0.ip", "10.0.2.15" },       /* no prefix */
		{ "net.vioif0.ip", "10.0.2.15/33" },
		{ "net.vioif0.ip", "10.0.2.15/" },
		{ "net.vioif0.ip", "10.0.2.15/024" },
		{ "net.vioif0.ip", "10.0.2.15/24x" },
		{ "net.vioif0.ip", "/24" },
		{ "net.vioif0.ip", "" },
		{ "net.vioif0.ip", "fec0::1/64" },
		{ "net.vioif0.gw", "10.0.2.2/24" },
		{ "net.vioif0.gw", "" },
		{ "net.vioif0.ip6", "fec0::1/129" },
		{ "net.vioif0.ip6", "fec0::1" },
		{ "net.vioif0.ip6", "10.0.2.15/24" },
		{ "net.VIOIF0.ip", "dhcp" },
		{ "net..ip", "dhcp" },
		{ "net.averyveryverylongname0.ip", "dhcp" },
		{ "net.dns", "" },
		{ "net.dns", "10.0.2.3," },
		{ "net.dns", ",10.0.2.3" },
		{ "net.dns", "10.0.2.3,10.0.2.4,10.0.2.5" },
		{ "net.dns", "dns.example" },
	};
	struct netcfg cfg = { 0 };
	struct netcfg_if f;

	CHECK_EQ(netcfg_set(&cfg, "net.vioif0.ip", "192.168.1.2/16"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = netcfg_set(&cfg, bad[i][0], bad[i][1]);

		if (rc != -EINVAL)
			printf("#   %s=%s -> %d\n", bad[i][0], bad[i][1], rc);
		CHECK_EQ(rc, -EINVAL);
	}
	/* Nothing bad got through: the good value stands. */
	netcfg_if_get(&cfg, "vioif0", &f);
	CHECK_EQ(f.v4, NETCFG_STATIC);
	CHECK_EQ(f.ip4[0], 192);
	CHECK_EQ(f.plen4, 16);
	CHECK(!f.has_gw4);
	CHECK_EQ(cfg.ndns, 0);
	CHECK_EQ(cfg.nifs, 1);

	CHECK_EQ(netcfg_set(&cfg, "net.vioif0.mtu", "1500"), -ENOENT);
	CHECK_EQ(netcfg_set(&cfg, "virtio.mode", "poll"), -ENOENT);
	CHECK_EQ(netcfg_set(&cfg, "net.vioif0", "x"), -ENOENT);
}

UNIT(too_many_interfaces)
{
	struct netcfg cfg = { 0 };
	char key[32];

	for (int i = 0; i < NETCFG_MAX_IFS; i++) {
		snprintf(key, sizeof(key), "net.vioif%d.ip", i);
		CHECK_EQ(netcfg_set(&cfg, key, "off"), 0);
	}
	CHECK_EQ(netcfg_set(&cfg, "net.vioif9.ip", "off"), -ENOSPC);
	CHECK_EQ(netcfg_set(&cfg, "net.vioif0.ip", "dhcp"), 0);  /* existing: fine */
}

UNIT(keys_known)
{
	CHECK(netcfg_key_known("net.dns"));
	CHECK(netcfg_key_known("net.vioif0.ip"));
	CHECK(netcfg_key_known("net.vioif12.gw"));
	CHECK(netcfg_key_known("net.vioif0.ip6"));
	CHECK(!netcfg_key_known("net.vioif0.mtu"));
	CHECK(!netcfg_key_known("net.VIOIF0.ip"));
	CHECK(!netcfg_key_known("net..ip"));
	CHECK(!netcfg_key_known("net.dns.x"));
	CHECK(!netcfg_key_known("virtio.mode"));
	CHECK(!netcfg_key_known("net."));
}

/* Sources in order of precedence: the first good value wins, a malformed
 * one is reported and passed over. */
UNIT(set_first)
{
	struct netcfg cfg = { 0 };
	struct netcfg_if f;
	unsigned bad;
	const char *both[] = { "10.0.2.20/24", "10.0.2.30/24" };
	const char *store_only[] = { NULL, "10.0.2.30/24" };
	const char *bad_cmdline[] = { "10.0.2.300/24", "10.0.2.30/16" };
	const char *all_bad[] = { "x", "10.0.2.1" };
	const char *none[] = { NULL, NULL };

	CHECK_EQ(netcfg_set_first(&cfg, "net.vioif0.ip", both, 2, &bad), 0);
	CHECK_EQ(bad, 0u);
	netcfg_if_get(&cfg, "vioif0", &f);
	CHECK(f.v4 == NETCFG_STATIC && f.ip4[3] == 20 && f.plen4 == 24);

	CHECK_EQ(netcfg_set_first(&cfg, "net.vioif1.ip", store_only, 2, &bad), 1);
	netcfg_if_get(&cfg, "vioif1", &f);
	CHECK(f.v4 == NETCFG_STATIC && f.ip4[3] == 30);

	CHECK_EQ(netcfg_set_first(&cfg, "net.vioif2.ip", bad_cmdline, 2, &bad), 1);
	CHECK_EQ(bad, 1u);
	netcfg_if_get(&cfg, "vioif2", &f);
	CHECK(f.v4 == NETCFG_STATIC && f.plen4 == 16);

	CHECK_EQ(netcfg_set_first(&cfg, "net.vioif3.ip", all_bad, 2, &bad), -ENOENT);
	CHECK_EQ(bad, 3u);
	netcfg_if_get(&cfg, "vioif3", &f);
	CHECK(f.v4 == NETCFG_AUTO);
	CHECK_EQ(netcfg_set_first(&cfg, "net.vioif3.ip", none, 2, &bad), -ENOENT);
	CHECK_EQ(bad, 0u);
	CHECK_EQ(netcfg_set_first(&cfg, "net.dns", store_only, 2, &bad), -ENOENT);
	CHECK_EQ(bad, 2u);
}

UNIT(store_key)
{
	char b[32];

	CHECK_EQ(netcfg_store_key("net.vioif0.ip", b, sizeof(b)), 0);
	CHECK(strcmp(b, "opt/net/vioif0/ip") == 0);
	CHECK_EQ(netcfg_store_key("net.dns", b, sizeof(b)), 0);
	CHECK(strcmp(b, "opt/net/dns") == 0);
	CHECK_EQ(netcfg_store_key("net.vioif0.ip6", b, 18), -ENAMETOOLONG);
	CHECK_EQ(netcfg_store_key("net.vioif0.ip6", b, 19), 0);
	CHECK(strcmp(b, "opt/net/vioif0/ip6") == 0);
	CHECK_EQ(netcfg_store_key("net.vioif0.mac", b, sizeof(b)), -ENOENT);
}

UNIT(trim)
{
	char a[] = "10.0.2.15/24\n", b[] = " x \t\r\n", c[] = "", d[] = "\n\n";

	netcfg_trim(a);
	netcfg_trim(b);
	netcfg_trim(c);
	netcfg_trim(d);
	CHECK(strcmp(a, "10.0.2.15/24") == 0);
	CHECK(strcmp(b, " x") == 0);
	CHECK(strcmp(c, "") == 0);
	CHECK(strcmp(d, "") == 0);
}

UNIT_MAIN()
