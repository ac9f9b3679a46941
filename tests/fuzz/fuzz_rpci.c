// SPDX-License-Identifier: MIT
/* Fuzz the VMware RPCI framing (drivers/pvbus/rpci.c) against a hostile
 * host: the backdoor answers GETVERSION as VMware does, and every message
 * call (open, send size and payload, receive size and payload, status,
 * close, and the high-bandwidth transfers) with status bits, sizes,
 * message types, channel ids and payload bytes taken from the input.
 * The host writes through the high-bandwidth port exactly as many bytes
 * as the guest's RCX asks for into its RDI, so a guest that asks for more
 * than its buffer holds is caught by ASan. Then guestinfo get and set, and
 * the store ops the shell uses. */
#include "fuzz.h"
#include <drivers/pvbus.h>
#include <kern/errno.h>
#include "../../drivers/pvbus/vmware.h"

static struct fz in;

static void host_lb(void *ctx, struct vmw_regs *r)
{
	unsigned cmd = r->cx & 0xffff, type = (r->cx >> 16) & 0xffff;
	uint8_t m;

	(void)ctx;
	if (cmd == VMW_CMD_GETVERSION) {
		r->ax = 6;
		r->bx = VMW_BDOOR_MAGIC;
		r->cx = 2;
		return;
	}
	if (fz_empty(&in)) {        /* the host went away: all ones */
		r->ax = r->bx = r->cx = 0xffffffff;
		return;
	}
	m = fz_u8(&in);
	r->cx = (r->cx & 0xffff) | (uint64_t)fz_u16(&in) << 16;
	if (m & 1)
		r->bx = fz_u32(&in);
	else if (type == VMW_MSG_RECVSIZE)
		r->bx = fz_u16(&in) % 600;
	else if (type == VMW_MSG_RECVPAYLOAD)
		r->bx = fz_u32(&in);
	if (m & 2)
		r->dx = (r->dx & 0xffff) | (uint64_t)fz_u16(&in) << 16;
	else if (type == VMW_MSG_RECVSIZE)
		r->dx = (r->dx & 0xffff) | (uint64_t)VMW_MSG_SENDSIZE << 16;
	else if (type == VMW_MSG_RECVPAYLOAD)
		r->dx = (r->dx & 0xffff) | (uint64_t)VMW_MSG_SENDPAYLOAD << 16;
	if (m & 4) {
		r->si = fz_u32(&in);
		r->di = fz_u32(&in);
	}
}

static void host_hb_out(void *ctx, struct vmw_regs *r)
{
	const uint8_t *p = (const void *)(uintptr_t)r->si;

	(void)ctx;
	if (r->cx)      /* the host reads what the guest says it sends */
		fz_sink += p[0] + p[r->cx - 1];
	r->bx = (uint64_t)fz_u16(&in) << 16;
}

static void host_hb_in(void *ctx, struct vmw_regs *r)
{
	(void)ctx;
	fz_bytes(&in, (void *)(uintptr_t)r->di, r->cx);
	r->bx = (uint64_t)fz_u16(&in) << 16;
}

static const struct vmw_bdoor_ops ops = { host_lb, host_hb_out, host_hb_in };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char val[VMW_MSG_MAX + 8];
	struct vmw_backdoor b;
	int n;

	in = (struct fz){ data, size };
	if (vmw_probe(&b, &ops, NULL) != 0)
		return 0;
	b.no_hb = fz_u8(&in) & 1;
	n = vmw_guestinfo_get(&b, "guestinfo.fuzz", val, 300);
	if (n >= 300 || (n >= 0 && val[n] != '\0'))
		abort();
	fz_sink += (uint64_t)vmw_guestinfo_set(&b, "guestinfo.fuzz", "value");
	n = vmw_store_ops.read(&b, "guestinfo.x", val, sizeof(val));
	if (n >= (int)sizeof(val) || (n >= 0 && val[n] != '\0'))
		abort();
	vmw_store_ops.describe(&b, val, 200);
	return 0;
}
