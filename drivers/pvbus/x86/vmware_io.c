// SPDX-License-Identifier: MIT
/* The x86 transport of the VMware backdoor (open-vm-tools backdoor_def.h):
 * an `in` from port 0x5658 with the magic in EAX, or string I/O on the
 * high-bandwidth port 0x5659. The hypervisor reads and rewrites EAX..EDI and
 * EBP, so the call is a small assembly routine that loads every register
 * from struct vmw_regs and stores them back; RBP and RBX are preserved for
 * the C caller (RBP is our frame pointer). The RPCI protocol on top is
 * drivers/pvbus/rpci.c.
 *
 * The probe runs on every x86 boot: QEMU's vmport (-machine pc/q35 with
 * vmport=on, the default under TCG and KVM) shows no VMware CPUID signature
 * but answers GETVERSION. Without a backdoor the `in` reads all ones and the
 * probe fails. pvbus.vmware=off skips it. */
#include <drivers/pvbus.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include "../vmware.h"
#include "pvbus_x86.h"

_Static_assert(__builtin_offsetof(struct vmw_regs, bx) == 8, "asm layout");
_Static_assert(__builtin_offsetof(struct vmw_regs, bp) == 48, "asm layout");

CMDLINE_OPT(pvbus_vmware, "pvbus.vmware", "probe the VMware backdoor (default on)");

void pvbus_vmw_call_lb(struct vmw_regs *r);
void pvbus_vmw_call_hb_out(struct vmw_regs *r);
void pvbus_vmw_call_hb_in(struct vmw_regs *r);

/* One routine per instruction: load, execute, store. The pointer to the
 * registers rides on the stack across the call, since RDI is an operand. */
#define VMW_CALL(name, insn)                                             \
	__asm__(".pushsection .text." #name ",\"ax\",@progbits\n"        \
		".globl " #name "\n"                                     \
		".type " #name ",@function\n"                            \
		#name ":\n"                                              \
		"	pushq %rbx\n"                                    \
		"	pushq %rbp\n"                                    \
		"	pushq %rdi\n"                                    \
		"	movq 0(%rdi), %rax\n"                            \
		"	movq 8(%rdi), %rbx\n"                            \
		"	movq 16(%rdi), %rcx\n"                           \
		"	movq 24(%rdi), %rdx\n"                           \
		"	movq 32(%rdi), %rsi\n"                           \
		"	movq 48(%rdi), %rbp\n"                           \
		"	movq 40(%rdi), %rdi\n"                           \
		"	" insn "\n"                                      \
		"	xchgq %rdi, (%rsp)\n"                            \
		"	movq %rax, 0(%rdi)\n"                            \
		"	movq %rbx, 8(%rdi)\n"                            \
		"	movq %rcx, 16(%rdi)\n"                           \
		"	movq %rdx, 24(%rdi)\n"                           \
		"	movq %rsi, 32(%rdi)\n"                           \
		"	movq %rbp, 48(%rdi)\n"                           \
		"	popq %rax\n"                                     \
		"	movq %rax, 40(%rdi)\n"                           \
		"	popq %rbp\n"                                     \
		"	popq %rbx\n"                                     \
		"	ret\n"                                           \
		".size " #name ", . - " #name "\n"                       \
		".popsection\n")

VMW_CALL(pvbus_vmw_call_lb, "inl %dx, %eax");
VMW_CALL(pvbus_vmw_call_hb_out, "cld; rep outsb");
VMW_CALL(pvbus_vmw_call_hb_in, "cld; rep insb");

static void io_lb(void *ctx, struct vmw_regs *r)
{
	pvbus_vmw_call_lb(r);
}

static void io_hb_out(void *ctx, struct vmw_regs *r)
{
	pvbus_vmw_call_hb_out(r);
}

static void io_hb_in(void *ctx, struct vmw_regs *r)
{
	pvbus_vmw_call_hb_in(r);
}

static const struct vmw_bdoor_ops io_ops = {
	.lb = io_lb,
	.hb_out = io_hb_out,
	.hb_in = io_hb_in,
};

static struct vmw_backdoor backdoor;
static struct pvbus_store guestinfo_store = {
	.name = "guestinfo",
	.ops = &vmw_store_ops,
	.ctx = &backdoor,
};

int pvbus_x86_vmware_init(void)
{
	int err;

	if (!cmdline_get_bool("pvbus.vmware", true))
		return -ENODEV;
	if ((err = vmw_probe(&backdoor, &io_ops, NULL))) {
		pr_info("pvbus: no VMware backdoor\n");
		return err;
	}
	pr_info("pvbus: VMware backdoor version %u, RPCI %s\n", backdoor.version,
		backdoor.rpc ? "available" : "unavailable");
	return pvbus_store_register(&guestinfo_store);
}
