// SPDX-License-Identifier: MIT
/* XenStore for an HVM/PVH guest on Xen, from the public headers:
 *  - the hypercall page: CPUID leaf base+2 gives the MSR; writing a page's
 *    physical address to it makes Xen fill the page with one 32-byte stub
 *    per hypercall (arch-x86/cpuid.h, "Leaf 3"; xen.h hypercall numbers);
 *  - HVMOP_get_param (hvm/hvm_op.h) with HVM_PARAM_STORE_PFN (1) and
 *    HVM_PARAM_STORE_EVTCHN (2) (hvm/params.h) locate the ring page and
 *    the event channel xenstored listens on;
 *  - EVTCHNOP_send (event_channel.h) kicks it.
 * The ring protocol is drivers/pvbus/xenstore.c; replies are polled, so no
 * event-channel interrupt is bound.
 *
 * Not run here: QEMU 7.2 under KVM emulates no Xen, so this file is built
 * and its ring logic unit-tested, but it has only been read against the
 * headers, never executed on Xen. */
#include <arch/cpu.h>
#include <drivers/pvbus.h>
#include <kern/dma.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/time.h>
#include <kern/vm.h>
#include "../xenstore.h"
#include "pvbus_x86.h"

#define XEN_HC_EVENT_CHANNEL_OP  32     /* __HYPERVISOR_event_channel_op */
#define XEN_HC_HVM_OP            34     /* __HYPERVISOR_hvm_op */
#define XEN_HVMOP_GET_PARAM      1
#define XEN_HVM_PARAM_STORE_PFN  1
#define XEN_HVM_PARAM_STORE_EVTCHN 2
#define XEN_EVTCHNOP_SEND        4
#define XEN_DOMID_SELF           0x7ff0
#define XEN_HC_STUB_SIZE         32     /* bytes per hypercall stub */

/* struct xen_hvm_param (hvm/hvm_op.h). */
struct xen_hvm_param {
	uint16_t domid;
	uint16_t pad;
	uint32_t index;
	uint64_t value;
};
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param");

/* The hypercall page must be executable, so it lives in the kernel text;
 * Xen writes it through the guest-physical address, past our read-only
 * mapping. Until then it holds `ret`s. */
extern char xen_hypercall_page[];
__asm__(".pushsection .text.xen_hypercall_page,\"ax\",@progbits\n"
	".balign 4096\n"
	".globl xen_hypercall_page\n"
	"xen_hypercall_page:\n"
	".fill 4096, 1, 0xc3\n"
	".popsection\n");

static long hypercall2(unsigned op, unsigned long a1, unsigned long a2)
{
	register unsigned long rdi __asm__("rdi") = a1;
	register unsigned long rsi __asm__("rsi") = a2;
	void *stub = xen_hypercall_page + op * XEN_HC_STUB_SIZE;
	long ret;

	__asm__ __volatile__("call *%[stub]"
			     : "=a"(ret), "+r"(rdi), "+r"(rsi)
			     : [stub] "r"(stub)
			     : "memory", "rcx", "rdx", "r8", "r9", "r10", "r11");
	return ret;
}

static int hvm_get_param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { XEN_DOMID_SELF, 0, index, 0 };
	long ret = hypercall2(XEN_HC_HVM_OP, XEN_HVMOP_GET_PARAM,
			      (unsigned long)&p);

	if (ret)
		return -EIO;
	*value = p.value;
	return 0;
}

static uint32_t store_port;

static void xen_notify(void *ctx)
{
	uint32_t port = store_port;

	hypercall2(XEN_HC_EVENT_CHANNEL_OP, XEN_EVTCHNOP_SEND, (unsigned long)&port);
}

static void xen_wait(void *ctx)
{
	udelay(2);
}

static const struct xs_ops xen_xs_ops = { .notify = xen_notify, .wait = xen_wait };
static struct xs_conn xs;
static struct pvbus_store xenstore_store = {
	.name = "xenstore",
	.ops = &xs_store_ops,
	.ctx = &xs,
};

int pvbus_x86_xen_init(void)
{
	const struct pvbus_hv *hv = pvbus_hv_find(PVBUS_HV_XEN);
	uint64_t pfn, port;
	void *ring;
	int domid;

	if (!hv)
		return -ENODEV;
	if (hv->feat[1] == 0 || hv->feat[0] == 0) {
		pr_warn("pvbus: Xen offers no hypercall page\n");
		return -ENODEV;
	}
	wrmsr(hv->feat[0], virt_to_phys(xen_hypercall_page));
	if (hvm_get_param(XEN_HVM_PARAM_STORE_PFN, &pfn) ||
	    hvm_get_param(XEN_HVM_PARAM_STORE_EVTCHN, &port) || pfn == 0) {
		pr_warn("pvbus: Xen gave no XenStore ring\n");
		return -ENODEV;
	}
	/* The ring page is usually outside the RAM map (a special page
	 * below 4 GiB); map it if the identity map doesn't cover it. */
	ring = phys_to_virt(pfn << 12);
	if (!vm_is_mapped((uint64_t)(uintptr_t)ring, 4096))
		ring = vm_map_mmio(pfn << 12, 4096);
	if (!ring)
		return -ENOMEM;
	store_port = (uint32_t)port;
	domid = (hv->feat[2] & (1u << 4)) ? (int)hv->feat[3] : -1;
	xs_init(&xs, ring, &xen_xs_ops, NULL, domid);
	pr_info("pvbus: XenStore ring at pfn %#llx, event channel %u\n",
		(unsigned long long)pfn, store_port);
	return pvbus_store_register(&xenstore_store);
}
