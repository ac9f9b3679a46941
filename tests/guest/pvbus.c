// SPDX-License-Identifier: MIT
/* In-guest tests of pvbus: hypervisor detection against what the case says
 * QEMU shows (pvbus.expect=TYPE@BASE,... or none; pvbus.absent=TYPE), the
 * fw_cfg items tests/cases/pvbus.cases passes with -fw_cfg (made by
 * tests/hooks/pvbus-fwcfg-files), read through both fw_cfg interfaces, the
 * pvbus(4) error contract, and QEMU's vmport (pvbus.expect_vmport=on|off). */
#include <kern/test.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/shell.h>
#include <drivers/fw_cfg.h>
#include <drivers/pvbus.h>
#include <stdlib.h>
#include <string.h>

CMDLINE_OPT(pvt_expect, "pvbus.expect",
	    "self-test: hypervisor interfaces expected, TYPE@BASE,... or none");
CMDLINE_OPT(pvt_absent, "pvbus.absent", "self-test: a hypervisor type that must not show");
CMDLINE_OPT(pvt_hvfull, "pvbus.hv_full", "self-test: the case passes hv-vapic,hv-time too");
CMDLINE_OPT(pvt_vmport, "pvbus.expect_vmport", "self-test: on|off, QEMU's vmport present");

#define GREETING "opt/org.example/greeting"
#define BIG      "opt/org.example/big"       /* 65535 bytes, the most a value holds */
#define HUGE     "opt/org.example/huge"      /* 70000 bytes: too big for any buffer */
#define LONG55   "opt/org.example/this-item-name-is-exactly-55-characters"

static char val[PVBUS_KV_MAX];

/* The bytes tests/hooks/pvbus-fwcfg-files writes. */
static uint8_t pattern_byte(size_t i)
{
	return (uint8_t)((i * 7 + (i >> 8)) & 0xff);
}

static bool is_pattern(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((uint8_t)p[i] != pattern_byte(i))
			return false;
	return true;
}

static const struct pvbus_hv *find(const char *name, uint32_t base)
{
	for (int i = 0; i < pvbus_hv_count(); i++) {
		const struct pvbus_hv *hv = pvbus_hv_get(i);
		const char *n = hv->type == PVBUS_HV_UNKNOWN ? hv->sig
							     : pvbus_hv_name(hv->type);

		if (strcmp(n, name) == 0 && (base == 0 || hv->base == base))
			return hv;
	}
	return NULL;
}

/* Does one alternative "TYPE@BASE,TYPE@BASE" (or "none") describe exactly
 * what was found? */
static bool matches(const char *alt, size_t len)
{
	char item[64];
	int want = 0;

	if (len == 4 && strncmp(alt, "none", 4) == 0)
		return pvbus_hv_count() == 0;
	for (const char *p = alt, *end = alt + len; p < end;) {
		size_t n = strcspn(p, ",/");
		char *at;
		uint32_t base = 0;

		if (n >= sizeof(item))
			return false;
		memcpy(item, p, n);
		item[n] = '\0';
		if ((at = strchr(item, '@')) != NULL) {
			*at = '\0';
			base = (uint32_t)strtoul(at + 1, NULL, 16);
		}
		if (!find(item, base))
			return false;
		want++;
		p += n + 1;
	}
	return pvbus_hv_count() == want;
}

/* pvbus.expect=ALT/ALT/...: one alternative must match (a case that runs
 * under TCG or KVM names both). pvbus.expect=fwcfg: the expectation is the
 * fw_cfg item opt/org.example/pvbus-expect, written by a pre hook that
 * knows what the host can show. */
TEST(pvbus_detect)
{
	const char *exp = cmdline_get("pvbus.expect");
	const char *absent = cmdline_get("pvbus.absent");
	static char from_host[256];
	char feat[512];
	bool ok = false;

	if (!exp && !absent) {
		test_skip("no pvbus.expect or pvbus.absent on the command line");
		return;
	}
	for (int i = 0; i < pvbus_hv_count(); i++) {
		const struct pvbus_hv *hv = pvbus_hv_get(i);

		pvbus_hv_features(hv, feat, sizeof(feat));
		test_diag("found %s at %#x: %s", hv->sig, hv->base, feat);
	}
	if (absent)
		T_CHECK(find(absent, 0) == NULL);
	if (!exp)
		return;
	if (strcmp(exp, "fwcfg") == 0) {
		T_CHECK(pvbus_kv_read("fw_cfg", "opt/org.example/pvbus-expect",
				      from_host, sizeof(from_host)) > 0);
		exp = from_host;
		/* The hook's reason, when it left one. */
		if (pvbus_kv_read("fw_cfg", "opt/org.example/pvbus-host", feat,
				  sizeof(feat)) > 0)
			test_diag("%s", feat);
	}
	test_diag("expecting %s", exp);
	for (const char *p = exp; *p;) {
		size_t n = strcspn(p, "/");

		ok |= matches(p, n);
		p += n;
		if (*p == '/')
			p++;
	}
	T_CHECK(ok);
}

TEST(pvbus_type_string)
{
	char buf[128];
	int n = pvbus_type(buf, sizeof(buf));

	if (pvbus_hv_count() == 0) {
		T_EQ(n, -ENXIO);
		return;
	}
	T_CHECK(n > 0);
	T_EQ(pvbus_type(buf, 2), -ERANGE);
}

/* KVM's feature leaf: QEMU's default KVM CPU flags include kvmclock,
 * kvmclock2 and PV EOI whenever the host has them, as every KVM since
 * Linux 3.x does. */
TEST(pvbus_kvm_features)
{
	const struct pvbus_hv *hv = pvbus_hv_find(PVBUS_HV_KVM);
	char feat[512];

	if (!hv) {
		test_skip("no KVM interface");
		return;
	}
	T_CHECK(pvbus_hv_features(hv, feat, sizeof(feat)) > 0);
	test_diag("KVM features: %s", feat);
	T_CHECK(hv->feat[0] & (1u << 3));       /* kvmclock2 */
	T_CHECK(strstr(feat, "kvmclock") != NULL);
}

/* Hyper-V as QEMU shows it with hv-relaxed: a version and the
 * relaxed-timing recommendation; with pvbus.hv_full (hv-vapic,hv-time too)
 * the reference counter, TSC page and APIC MSRs. */
TEST(pvbus_hyperv_features)
{
	const struct pvbus_hv *hv = pvbus_hv_find(PVBUS_HV_HYPERV);
	char feat[512];

	if (!hv) {
		test_skip("no Hyper-V interface");
		return;
	}
	pvbus_hv_features(hv, feat, sizeof(feat));
	test_diag("Hyper-V features: %s", feat);
	T_CHECK(hv->major != 0 || hv->build != 0);
	T_CHECK(hv->feat[2] & (1u << 5));       /* relaxed-timing (hv-relaxed) */
	/* With hv-time and hv-vapic as well (hosts whose KVM takes them). */
	if (cmdline_get_bool("pvbus.hv_full", false)) {
		T_CHECK(hv->feat[0] & (1u << 1));   /* time-ref-count */
		T_CHECK(hv->feat[0] & (1u << 9));   /* reference-tsc */
		T_CHECK(hv->feat[0] & (1u << 4));   /* apic-msrs */
	}
}

/* `hostctl -t` in the log, for the case's regex. */
TEST(pvbus_hostctl_types)
{
	T_EQ(shell_exec("hostctl -t"), 0);
}

static bool have_items(void)
{
	int r = pvbus_kv_read("fw_cfg", GREETING, val, sizeof(val));

	if (r == -ENXIO || r == -ENOENT) {
		test_skip("no -fw_cfg items (%d)", r);
		return false;
	}
	return true;
}

TEST(pvbus_fwcfg_string)
{
	if (!have_items())
		return;
	T_EQ(pvbus_kv_read(NULL, GREETING, val, sizeof(val)), 5);
	T_CHECK(strcmp(val, "hello") == 0);
	T_EQ(pvbus_kv_read("fw_cfg", GREETING, val, 6), 5);
	T_EQ(shell_exec("hostctl " GREETING), 0);
	T_EQ(shell_exec("hostctl -f fw_cfg " GREETING), 0);
}

TEST(pvbus_fwcfg_big_and_long_name)
{
	if (!have_items())
		return;
	memset(val, 0xaa, sizeof(val));
	T_EQ(pvbus_kv_read(NULL, BIG, val, sizeof(val)), 65535);
	T_CHECK(is_pattern(val, 65535));
	T_EQ(val[65535], 0);
	T_EQ(pvbus_kv_read(NULL, LONG55, val, sizeof(val)), 16);
	T_CHECK(strcmp(val, "fifty-five chars") == 0);
}

TEST(pvbus_fwcfg_errors)
{
	static char key[PVBUS_KV_MAX + 1];

	if (!have_items())
		return;
	T_EQ(pvbus_kv_read(NULL, "opt/org.example/missing", val, sizeof(val)), -ENOENT);
	T_EQ(pvbus_kv_read("fw_cfg", "opt/org.example/missing", val, sizeof(val)), -ENOENT);
	/* Exactly too small: the value fits, its NUL doesn't. */
	T_EQ(pvbus_kv_read(NULL, GREETING, val, 5), -ERANGE);
	T_EQ(pvbus_kv_read(NULL, BIG, val, 65535), -ERANGE);
	T_EQ(pvbus_kv_read(NULL, HUGE, val, sizeof(val)), -ERANGE);
	T_EQ(pvbus_kv_write(NULL, GREETING, "bye"), -EPERM);
	T_EQ(pvbus_kv_write("fw_cfg", "opt/org.example/new", "x"), -EPERM);
	T_EQ(pvbus_kv_read(NULL, "", val, sizeof(val)), -EINVAL);
	memset(key, 'k', PVBUS_KV_MAX);
	T_EQ(pvbus_kv_read(NULL, key, val, sizeof(val)), -ENAMETOOLONG);
	T_EQ(pvbus_kv_read("nosuchstore", GREETING, val, sizeof(val)), -ENXIO);
	/* A name one past fw_cfg's 55 characters can't exist. */
	T_EQ(pvbus_kv_read("fw_cfg", LONG55 "x", val, sizeof(val)), -ENOENT);
	/* The hostctl command reports the same errors. */
	T_EQ(shell_exec("hostctl opt/org.example/missing"), -ENOENT);
	T_EQ(shell_exec("hostctl " GREETING "=bye"), -EPERM);
}

TEST(pvbus_fwcfg_list)
{
	int n;

	if (!have_items())
		return;
	n = pvbus_kv_list("fw_cfg", "opt/org.example/", val, sizeof(val));
	T_CHECK(n > 0);
	T_CHECK(strstr(val, GREETING "\n") != NULL);
	T_CHECK(strstr(val, LONG55 "\n") != NULL);
	T_CHECK(strstr(val, BIG "\n") != NULL);
	T_EQ(pvbus_kv_list("fw_cfg", "opt/org.example/", val, 10), -ERANGE);
	T_EQ(shell_exec("hostctl -l opt/org.example/"), 0);
}

/* The same items through the data port and through DMA, whatever mode
 * pvbus.fwcfg= chose at boot. */
TEST(pvbus_fwcfg_both_interfaces)
{
	struct fw_cfg *fc = fw_cfg_get();
	enum fw_cfg_xfer was;
	const char *mode = cmdline_get("pvbus.fwcfg");

	if (!fc) {
		test_skip("no fw_cfg");
		return;
	}
	if (!have_items())
		return;
	was = fc->xfer;
	if (mode)
		T_EQ(was, strcmp(mode, "dma") == 0 ? FW_CFG_XFER_DMA : FW_CFG_XFER_REG);
	T_CHECK(fc->has_dma);           /* QEMU >= 2.9 always offers it */
	T_EQ(fw_cfg_set_xfer(fc, FW_CFG_XFER_REG), 0);
	memset(val, 0, sizeof(val));
	T_EQ(pvbus_kv_read("fw_cfg", BIG, val, sizeof(val)), 65535);
	T_CHECK(is_pattern(val, 65535));
	T_EQ(fw_cfg_set_xfer(fc, FW_CFG_XFER_DMA), 0);
	memset(val, 0, sizeof(val));
	T_EQ(pvbus_kv_read("fw_cfg", BIG, val, sizeof(val)), 65535);
	T_CHECK(is_pattern(val, 65535));
	T_EQ(pvbus_kv_read("fw_cfg", GREETING, val, sizeof(val)), 5);
	T_CHECK(!fc->broken);
	fw_cfg_set_xfer(fc, was);
}

TEST(pvbus_vmport)
{
	const char *v = cmdline_get("pvbus.expect_vmport");
	struct pvbus_store *s = pvbus_store_find("guestinfo");

	if (!v) {
		test_skip("no pvbus.expect_vmport on the command line");
		return;
	}
	if (strcmp(v, "off") == 0) {
		T_CHECK(s == NULL);
		T_EQ(pvbus_kv_read("guestinfo", "guestinfo.x", val, sizeof(val)), -ENXIO);
		return;
	}
	/* QEMU's vmport: GETVERSION answers, RPCI does not. */
	T_CHECK(s != NULL);
	if (!s)
		return;
	T_EQ(pvbus_kv_read("guestinfo", "guestinfo.x", val, sizeof(val)), -EOPNOTSUPP);
	T_EQ(pvbus_kv_write("guestinfo", "guestinfo.x", "y"), -EOPNOTSUPP);
	T_EQ(pvbus_kv_list("guestinfo", "", val, sizeof(val)), -EOPNOTSUPP);
	T_EQ(shell_exec("hostctl -f guestinfo guestinfo.x"), -EOPNOTSUPP);
}
