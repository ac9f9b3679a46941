// SPDX-License-Identifier: MIT
/* Host tests for the VMware RPCI framing (drivers/pvbus/rpci.c) against a
 * simulated host that follows open-vm-tools' description of the message
 * layer: channels with cookies, size then payload in 4-byte pieces or one
 * high-bandwidth transfer, RECVSTATUS acknowledgements, and "1 "/"0 "
 * replies from the guestinfo commands. Then hosts that misbehave: QEMU's
 * vmport (GETVERSION only), no backdoor at all, lying sizes, a reply that
 * never comes, endless checkpoints, wrong message types, garbage replies. */
#include <drivers/pvbus.h>
#include <kern/errno.h>
#include "unit.h"
#include "../../drivers/pvbus/vmware.h"

#define NCHAN 8

static struct host {
	/* behaviour */
	bool absent, vmport_only, hb, cookies;
	bool lie_size, no_dorecv, cpt_forever, wrong_payload_type, garbage;
	/* state */
	struct {
		bool open;
		uint32_t chi, clo;
		char in[VMW_MSG_MAX + 8];
		size_t insize, inpos;
		char out[VMW_MSG_MAX + 8];
		size_t outsize, outpos;
		bool has_out;
	} ch[NCHAN];
	char keys[8][64], vals[8][VMW_MSG_MAX];
	int nkeys;
	long calls, hb_calls, opens, closes;
} H;

static void host_reset(void)
{
	memset(&H, 0, sizeof(H));
	H.cookies = true;
}

static void set_status(struct vmw_regs *r, unsigned st)
{
	r->cx = (r->cx & 0xffff) | (uint64_t)st << 16;
}

static void reply(int c, const char *s, size_t n)
{
	memcpy(H.ch[c].out, s, n);
	H.ch[c].outsize = n;
	H.ch[c].outpos = 0;
	H.ch[c].has_out = true;
}

/* The guestinfo commands, as the VMX answers them. */
static void run_command(int c)
{
	char *m = H.ch[c].in;
	size_t n = H.ch[c].insize;

	m[n] = '\0';
	if (H.garbage) {
		reply(c, "what?", 5);
	} else if (strncmp(m, "info-get ", 9) == 0) {
		for (int i = 0; i < H.nkeys; i++)
			if (strcmp(H.keys[i], m + 9) == 0) {
				static char buf[VMW_MSG_MAX + 8];
				size_t vl = strlen(H.vals[i]);

				buf[0] = '1';
				buf[1] = ' ';
				memcpy(buf + 2, H.vals[i], vl);
				reply(c, buf, vl + 2);
				return;
			}
		reply(c, "0 No value found", 16);
	} else if (strncmp(m, "info-set ", 9) == 0) {
		char *sp = strchr(m + 9, ' ');
		int i;

		if (!sp || strncmp(m + 9, "guestinfo.", 10) != 0) {
			reply(c, "0 Permission denied", 19);
			return;
		}
		*sp = '\0';
		for (i = 0; i < H.nkeys && strcmp(H.keys[i], m + 9); i++)
			;
		if (i == H.nkeys)
			H.nkeys++;
		strncpy(H.keys[i], m + 9, sizeof(H.keys[i]) - 1);
		memmove(H.vals[i], sp + 1, strlen(sp + 1) + 1);
		reply(c, "1 ", 2);
	} else {
		reply(c, "0 Unknown command", 17);
	}
}

static bool cookie_ok(int c, const struct vmw_regs *r)
{
	return !H.cookies || ((uint32_t)r->si == H.ch[c].chi && (uint32_t)r->di == H.ch[c].clo);
}

static void host_lb(void *ctx, struct vmw_regs *r)
{
	unsigned cmd = r->cx & 0xffff, type = (r->cx >> 16) & 0xffff;
	int c = (int)((r->dx >> 16) & 0xffff);
	unsigned hb = H.hb ? VMW_STATUS_HB : 0;

	(void)ctx;
	H.calls++;
	CHECK_EQ(r->ax, VMW_BDOOR_MAGIC);
	CHECK_EQ(r->dx & 0xffff, VMW_BDOOR_PORT);
	if (H.absent) {              /* floating bus: all ones, rest untouched */
		r->ax = 0xffffffff;
		return;
	}
	if (cmd == VMW_CMD_GETVERSION) {
		r->ax = 6;
		r->bx = VMW_BDOOR_MAGIC;
		if (!H.vmport_only)
			r->cx = 2;
		return;
	}
	if (cmd != VMW_CMD_MESSAGE || H.vmport_only) {
		/* QEMU vmport: unknown command, EAX = ~0, nothing else. */
		r->ax = 0xffffffff;
		return;
	}
	if (type == VMW_MSG_OPEN) {
		if ((uint32_t)(r->bx & 0x7fffffff) != VMW_RPCI_PROTO ||
		    (H.cookies != !!(r->bx & VMW_MSG_FLAG_COOKIE))) {
			set_status(r, 0);
			return;
		}
		for (c = 0; c < NCHAN && H.ch[c].open; c++)
			;
		if (c == NCHAN) {
			set_status(r, 0);
			return;
		}
		memset(&H.ch[c], 0, sizeof(H.ch[c]));
		H.opens++;
		H.ch[c].open = true;
		H.ch[c].chi = 0x1000 + (uint32_t)c;
		H.ch[c].clo = 0x2000 + (uint32_t)c;
		r->dx = (uint64_t)c << 16 | (r->dx & 0xffff);
		r->si = H.cookies ? H.ch[c].chi : 0;
		r->di = H.cookies ? H.ch[c].clo : 0;
		set_status(r, VMW_STATUS_SUCCESS);
		return;
	}
	if (c >= NCHAN || !H.ch[c].open || !cookie_ok(c, r)) {
		set_status(r, 0);
		return;
	}
	switch (type) {
	case VMW_MSG_SENDSIZE:
		if (H.cpt_forever) {
			set_status(r, VMW_STATUS_CPT);
			return;
		}
		if (r->bx > VMW_MSG_MAX) {
			set_status(r, 0);
			return;
		}
		H.ch[c].insize = (size_t)r->bx;
		H.ch[c].inpos = 0;
		H.ch[c].has_out = false;
		set_status(r, VMW_STATUS_SUCCESS | hb);
		if (H.ch[c].insize == 0)
			run_command(c);
		return;
	case VMW_MSG_SENDPAYLOAD: {
		size_t left = H.ch[c].insize - H.ch[c].inpos;
		size_t n = left < 4 ? left : 4;

		if (left == 0) {
			set_status(r, 0);
			return;
		}
		for (size_t i = 0; i < n; i++)
			H.ch[c].in[H.ch[c].inpos++] = (char)(r->bx >> (8 * i));
		if (H.ch[c].inpos == H.ch[c].insize)
			run_command(c);
		set_status(r, VMW_STATUS_SUCCESS);
		return;
	}
	case VMW_MSG_RECVSIZE:
		if (!H.ch[c].has_out || H.no_dorecv) {
			set_status(r, VMW_STATUS_SUCCESS);
			return;
		}
		r->dx = (uint64_t)VMW_MSG_SENDSIZE << 16 | (r->dx & 0xffff);
		r->bx = H.lie_size ? 0x7fffffff : H.ch[c].outsize;
		set_status(r, VMW_STATUS_SUCCESS | VMW_STATUS_DORECV | hb);
		return;
	case VMW_MSG_RECVPAYLOAD: {
		size_t left = H.ch[c].outsize - H.ch[c].outpos;
		uint32_t w = 0;

		for (size_t i = 0; i < 4 && i < left; i++)
			w |= (uint32_t)(uint8_t)H.ch[c].out[H.ch[c].outpos + i] << (8 * i);
		H.ch[c].outpos += left < 4 ? left : 4;
		r->bx = w;
		r->dx = (uint64_t)(H.wrong_payload_type ? VMW_MSG_SENDSIZE
							: VMW_MSG_SENDPAYLOAD) << 16 |
			(r->dx & 0xffff);
		set_status(r, VMW_STATUS_SUCCESS);
		return;
	}
	case VMW_MSG_RECVSTATUS:
		H.ch[c].has_out = false;
		set_status(r, VMW_STATUS_SUCCESS);
		return;
	case VMW_MSG_CLOSE:
		H.closes++;
		H.ch[c].open = false;
		set_status(r, VMW_STATUS_SUCCESS);
		return;
	default:
		set_status(r, 0);
	}
}

/* High-bandwidth: the whole message in one string I/O; EBX carries status. */
static void host_hb_out(void *ctx, struct vmw_regs *r)
{
	int c = (int)((r->dx >> 16) & 0xffff);

	(void)ctx;
	H.hb_calls++;
	CHECK_EQ(r->dx & 0xffff, VMW_BDOORHB_PORT);
	if (c >= NCHAN || !H.ch[c].open || r->cx != H.ch[c].insize ||
	    (H.cookies && ((uint32_t)r->bp != H.ch[c].chi || (uint32_t)r->di != H.ch[c].clo))) {
		r->bx = 0;
		return;
	}
	memcpy(H.ch[c].in, (const void *)(uintptr_t)r->si, H.ch[c].insize);
	H.ch[c].inpos = H.ch[c].insize;
	run_command(c);
	r->bx = (uint64_t)VMW_STATUS_SUCCESS << 16;
}

static void host_hb_in(void *ctx, struct vmw_regs *r)
{
	int c = (int)((r->dx >> 16) & 0xffff);

	(void)ctx;
	H.hb_calls++;
	if (c >= NCHAN || !H.ch[c].open || r->cx != H.ch[c].outsize ||
	    (H.cookies && ((uint32_t)r->si != H.ch[c].chi || (uint32_t)r->bp != H.ch[c].clo))) {
		r->bx = 0;
		return;
	}
	memcpy((void *)(uintptr_t)r->di, H.ch[c].out, H.ch[c].outsize);
	r->bx = (uint64_t)VMW_STATUS_SUCCESS << 16;
}

static const struct vmw_bdoor_ops host_ops = { host_lb, host_hb_out, host_hb_in };
static struct vmw_backdoor B;
static char val[VMW_MSG_MAX + 8];
static char bigval[VMW_MSG_MAX + 8];

static void roundtrips(void)
{
	CHECK_EQ(vmw_probe(&B, &host_ops, NULL), 0);
	CHECK(B.rpc);
	CHECK_EQ(B.version, 6);
	CHECK_EQ(vmw_guestinfo_get(&B, "guestinfo.nothing", val, sizeof(val)), -ENOENT);
	CHECK_EQ(vmw_guestinfo_set(&B, "guestinfo.greeting", "hello world"), 0);
	CHECK_EQ(vmw_guestinfo_get(&B, "guestinfo.greeting", val, sizeof(val)), 11);
	CHECK_STR(val, "hello world");
	/* Lengths that aren't multiples of four, and an empty value. */
	for (int n = 0; n < 9; n++) {
		char v[16] = "abcdefghi";

		v[n] = '\0';
		CHECK_EQ(vmw_guestinfo_set(&B, "guestinfo.k", v), 0);
		CHECK_EQ(vmw_guestinfo_get(&B, "guestinfo.k", val, sizeof(val)), n);
		CHECK_STR(val, v);
	}
	/* A big value in both directions. */
	for (int i = 0; i < 60000; i++)
		bigval[i] = (char)('a' + i % 26);
	bigval[60000] = '\0';
	CHECK_EQ(vmw_guestinfo_set(&B, "guestinfo.big", bigval), 0);
	CHECK_EQ(vmw_guestinfo_get(&B, "guestinfo.big", val, sizeof(val)), 60000);
	CHECK(memcmp(val, bigval, 60001) == 0);
	CHECK_EQ(vmw_guestinfo_get(&B, "guestinfo.big", val, 60000), -ERANGE);
	/* The host refuses keys outside guestinfo. */
	CHECK_EQ(vmw_guestinfo_set(&B, "other.key", "v"), -EPERM);
	/* Every channel was closed again. */
	CHECK_EQ(H.opens, H.closes);
}

UNIT(low_bandwidth_roundtrips)
{
	host_reset();
	roundtrips();
	CHECK_EQ(H.hb_calls, 0);
}

UNIT(high_bandwidth_roundtrips)
{
	long lb;

	host_reset();
	H.hb = true;
	roundtrips();
	CHECK(H.hb_calls > 0);
	/* Big messages take one HB call each way, not 15000 LB ones. */
	lb = H.calls;
	CHECK_EQ(vmw_guestinfo_get(&B, "guestinfo.big", val, sizeof(val)), 60000);
	CHECK(H.calls - lb < 10);
}

UNIT(high_bandwidth_can_be_refused)
{
	host_reset();
	H.hb = true;
	CHECK_EQ(vmw_probe(&B, &host_ops, NULL), 0);
	B.no_hb = true;
	CHECK_EQ(vmw_guestinfo_set(&B, "guestinfo.a", "b"), 0);
	CHECK_EQ(H.hb_calls, 0);
}

UNIT(host_without_cookies)
{
	host_reset();
	H.cookies = false;
	roundtrips();
}

UNIT(qemu_vmport_probe_ok_kv_eopnotsupp)
{
	long calls;

	host_reset();
	H.vmport_only = true;
	CHECK_EQ(vmw_probe(&B, &host_ops, NULL), 0);
	CHECK(!B.rpc);
	calls = H.calls;
	CHECK_EQ(vmw_guestinfo_get(&B, "guestinfo.x", val, sizeof(val)), -EOPNOTSUPP);
	CHECK_EQ(vmw_guestinfo_set(&B, "guestinfo.x", "y"), -EOPNOTSUPP);
	CHECK(H.calls - calls <= 4);     /* two open attempts each, no loop */
	CHECK_EQ(H.opens, 0);
	CHECK_EQ(vmw_store_ops.list(&B, "", val, sizeof(val)), -EOPNOTSUPP);
	vmw_store_ops.describe(&B, val, 200);
	CHECK(strstr(val, "unavailable") != NULL);
}

UNIT(no_backdoor_probe_fails)
{
	host_reset();
	H.absent = true;
	CHECK_EQ(vmw_probe(&B, &host_ops, NULL), -ENODEV);
	CHECK_EQ(H.calls, 1);
}

UNIT(lying_reply_size_is_eproto)
{
	host_reset();
	CHECK_EQ(vmw_probe(&B, &host_ops, NULL), 0);
	H.lie_size = true;
	CHECK_EQ(vmw_guestinfo_get(&B, "guestinfo.x", val, sizeof(val)), -EPROTO);
	H.hb = true;
	CHECK_EQ(vmw_guestinfo_get(&B, "guestinfo.x", val, sizeof(val)), -EPROTO);
	CHECK_EQ(H.opens, H.closes);
}

UNIT(reply_too_big_for_caller_is_emsgsize)
{
	char small[8];
	size_t rl;

	host_reset();
	CHECK_EQ(vmw_probe(&B, &host_ops, NULL), 0);
	CHECK_EQ(vmw_rpci(&B, "info-get guestinfo.x", 20, small, sizeof(small), &rl), -EMSGSIZE);
	CHECK_EQ(vmw_rpci(&B, "info-get guestinfo.x", 20, val, sizeof(val), &rl), 0);
	CHECK_EQ(rl, 16);
}

UNIT(reply_that_never_comes_is_eproto)
{
	host_reset();
	CHECK_EQ(vmw_probe(&B, &host_ops, NULL), 0);
	H.no_dorecv = true;
	CHECK_EQ(vmw_guestinfo_get(&B, "guestinfo.x", val, sizeof(val)), -EPROTO);
}

UNIT(endless_checkpoints_are_bounded)
{
	host_reset();
	CHECK_EQ(vmw_probe(&B, &host_ops, NULL), 0);
	H.cpt_forever = true;
	H.calls = 0;
	CHECK_EQ(vmw_guestinfo_get(&B, "guestinfo.x", val, sizeof(val)), -ETIMEDOUT);
	CHECK(H.calls <= 3 * VMW_CPT_RETRIES);
	CHECK_EQ(H.opens, H.closes + 0);
}

UNIT(wrong_payload_type_is_eproto)
{
	host_reset();
	CHECK_EQ(vmw_probe(&B, &host_ops, NULL), 0);
	H.wrong_payload_type = true;
	CHECK_EQ(vmw_guestinfo_get(&B, "guestinfo.x", val, sizeof(val)), -EPROTO);
}

UNIT(garbage_reply_is_eproto)
{
	host_reset();
	CHECK_EQ(vmw_probe(&B, &host_ops, NULL), 0);
	H.garbage = true;
	CHECK_EQ(vmw_guestinfo_get(&B, "guestinfo.x", val, sizeof(val)), -EPROTO);
	CHECK_EQ(vmw_guestinfo_set(&B, "guestinfo.x", "y"), -EPROTO);
}

UNIT(request_limits)
{
	static char key[VMW_MSG_MAX + 8];

	host_reset();
	CHECK_EQ(vmw_probe(&B, &host_ops, NULL), 0);
	CHECK_EQ(vmw_guestinfo_get(&B, "guestinfo.a b", val, sizeof(val)), -EINVAL);
	CHECK_EQ(vmw_guestinfo_set(&B, "guestinfo.a\nb", "v"), -EINVAL);
	memset(bigval, 'v', VMW_MSG_MAX);
	bigval[VMW_MSG_MAX - 20] = '\0';
	CHECK_EQ(vmw_guestinfo_set(&B, "guestinfo.long", bigval), -E2BIG);
	memset(key, 'k', VMW_MSG_MAX);
	key[VMW_MSG_MAX - 1] = '\0';
	CHECK_EQ(vmw_guestinfo_get(&B, key, val, sizeof(val)), -ENAMETOOLONG);
	CHECK_EQ(vmw_rpci(&B, key, VMW_MSG_MAX + 1, val, sizeof(val), NULL), -E2BIG);
}

UNIT(store_through_pvbus_api)
{
	static struct pvbus_store st = { "guestinfo", &vmw_store_ops, &B, NULL };

	host_reset();
	CHECK_EQ(vmw_probe(&B, &host_ops, NULL), 0);
	CHECK_EQ(pvbus_store_register(&st), 0);
	CHECK_EQ(pvbus_kv_write(NULL, "guestinfo.ip", "192.0.2.1"), 0);
	CHECK_EQ(pvbus_kv_read(NULL, "guestinfo.ip", val, sizeof(val)), 9);
	CHECK_STR(val, "192.0.2.1");
	CHECK_EQ(pvbus_kv_read("guestinfo", "guestinfo.none", val, sizeof(val)), -ENOENT);
	CHECK_EQ(pvbus_kv_list("guestinfo", "", val, sizeof(val)), -EOPNOTSUPP);
}

UNIT_MAIN()
