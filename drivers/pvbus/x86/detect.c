// SPDX-License-Identifier: MIT
/* x86 pvbus start-up: scan the hypervisor CPUID leaves (the logic is
 * drivers/pvbus/hv.c; this file only feeds it the instruction), then bring
 * up each key-value transport that x86 has. One init call, so that the
 * order is fixed: detection before Xen (which needs its CPUID leaves), and
 * stores in a stable order for pvbus_kv_*(NULL, ...): fw_cfg, guestinfo,
 * xenstore. */
#include <arch/cpu.h>
#include <drivers/pvbus.h>
#include <kern/errno.h>
#include <kern/init.h>
#include <kern/printk.h>
#include "pvbus_x86.h"

static void cpuid_insn(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	struct cpuid_regs c = cpuid_count(leaf, subleaf);

	r[0] = c.eax;
	r[1] = c.ebx;
	r[2] = c.ecx;
	r[3] = c.edx;
}

static int pvbus_x86_init(void)
{
	static struct pvbus_hv hv[PVBUS_HV_MAX];
	static char feat[512];
	int n = pvbus_hv_scan(cpuid_insn, hv, PVBUS_HV_MAX);

	pvbus_hv_set(hv, n);
	if (n == 0)
		pr_info("pvbus: no hypervisor detected\n");
	for (int i = 0; i < n; i++) {
		pvbus_hv_features(&hv[i], feat, sizeof(feat));
		pr_info("pvbus: %s at %#x%s%s\n",
			hv[i].type == PVBUS_HV_UNKNOWN ? hv[i].sig
						       : pvbus_hv_name(hv[i].type),
			hv[i].base, feat[0] ? ": " : "", feat);
	}
	pvbus_x86_fw_cfg_init();
	pvbus_x86_vmware_init();
	pvbus_x86_xen_init();
	return 0;
}
INITCALL(INIT_BUS, pvbus_x86_init);
