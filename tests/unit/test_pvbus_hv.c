// SPDX-License-Identifier: MIT
/* Host tests for hypervisor detection (drivers/pvbus/hv.c): CPUID tables
 * replayed through pvbus_hv_scan, including layouts seen under QEMU/KVM
 * with Hyper-V enlightenments and hostile ones (binary signatures, interior
 * NULs, a max leaf pointing outside its block, every block populated). */
#include <drivers/pvbus.h>
#include <kern/errno.h>
#include "unit.h"

struct leafval {
	uint32_t leaf, r[4];
};

static struct leafval table[300];
static int ntable;
static uint32_t fallback[4];    /* what unknown leaves return */
static int ncalls;

static void sim_reset(bool hv_bit)
{
	ntable = 0;
	ncalls = 0;
	memset(fallback, 0, sizeof(fallback));
	table[ntable++] = (struct leafval){ 1, { 0x806f8, 0, hv_bit ? 0x80000000u : 0, 0 } };
}

static void set_leaf(uint32_t leaf, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	table[ntable++] = (struct leafval){ leaf, { a, b, c, d } };
}

/* A signature leaf from a 12-byte string. */
static void set_sig(uint32_t base, uint32_t max, const char *sig)
{
	uint32_t w[3];

	memcpy(w, sig, 12);
	set_leaf(base, max, w[0], w[1], w[2]);
}

static void sim_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	(void)sub;
	ncalls++;
	for (int i = 0; i < ntable; i++)
		if (table[i].leaf == leaf) {
			memcpy(r, table[i].r, 16);
			return;
		}
	memcpy(r, fallback, 16);
}

static struct pvbus_hv hv[256];

UNIT(no_hypervisor_bit_no_scan)
{
	sim_reset(false);
	set_sig(0x40000000, 0x40000001, "KVMKVMKVM\0\0\0");
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 0);
	CHECK_EQ(ncalls, 1);
}

UNIT(kvm_alone_with_features)
{
	char buf[256];

	sim_reset(true);
	set_sig(0x40000000, 0x40000001, "KVMKVMKVM\0\0\0");
	/* kvmclock, kvmclock2, async-pf, steal-time, pv-eoi, pv-unhalt,
	 * pv-send-ipi, clocksource-stable; hint-realtime. */
	set_leaf(0x40000001, 0x010008f9, 0, 0, 1);
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 1);
	CHECK_EQ(hv[0].type, PVBUS_HV_KVM);
	CHECK_EQ(hv[0].base, 0x40000000);
	CHECK_STR(hv[0].sig, "KVMKVMKVM");
	CHECK(pvbus_hv_features(&hv[0], buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "kvmclock kvmclock2 async-pf steal-time pv-eoi pv-unhalt "
		       "pv-send-ipi clocksource-stable hint-realtime");
	CHECK_STR(pvbus_hv_name(hv[0].type), "KVM");
}

UNIT(old_kvm_eax_zero_means_base_plus_one)
{
	sim_reset(true);
	set_sig(0x40000000, 0, "KVMKVMKVM\0\0\0");
	set_leaf(0x40000001, 0x1, 0, 0, 0);
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 1);
	CHECK_EQ(hv[0].max_leaf, 0x40000001);
	CHECK_EQ(hv[0].feat[0], 1);
}

/* QEMU/KVM with hv-relaxed,hv-vapic,hv-time: Hyper-V's leaves first, KVM's
 * moved up one block. */
UNIT(hyperv_and_kvm_both_found)
{
	char buf[512];

	sim_reset(true);
	set_sig(0x40000000, 0x4000000a, "Microsoft Hv");
	set_leaf(0x40000001, 0x31237648, 0, 0, 0);          /* "Hv#1" */
	set_leaf(0x40000002, 14393, 0x000a0000, 0, 0);      /* 10.0 */
	set_leaf(0x40000003, (1u << 1) | (1u << 4) | (1u << 5) | (1u << 9), 0, 0, 1u << 10);
	set_leaf(0x40000004, (1u << 3) | (1u << 5), 0xfff, 0, 0);
	set_sig(0x40000100, 0x40000101, "KVMKVMKVM\0\0\0");
	set_leaf(0x40000101, 0x1, 0, 0, 0);
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 2);
	CHECK_EQ(hv[0].type, PVBUS_HV_HYPERV);
	CHECK_EQ(hv[0].base, 0x40000000);
	CHECK_EQ(hv[0].major, 10);
	CHECK_EQ(hv[0].minor, 0);
	CHECK_EQ(hv[0].build, 14393);
	CHECK_EQ(hv[1].type, PVBUS_HV_KVM);
	CHECK_EQ(hv[1].base, 0x40000100);
	CHECK_EQ(hv[1].feat[0], 1);
	CHECK(pvbus_hv_features(&hv[0], buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "version=10.0 build=14393") != NULL);
	CHECK(strstr(buf, "time-ref-count") != NULL);
	CHECK(strstr(buf, "apic-msrs") != NULL);
	CHECK(strstr(buf, "reference-tsc") != NULL);
	CHECK(strstr(buf, "crash-msrs") != NULL);
	CHECK(strstr(buf, "rec:relaxed-timing") != NULL);
	CHECK(strstr(buf, "synic") == NULL);
}

UNIT(hyperv_leaves_ignored_without_hv1_interface)
{
	sim_reset(true);
	set_sig(0x40000000, 0x40000005, "Microsoft Hv");
	set_leaf(0x40000001, 0x12345678, 0, 0, 0);
	set_leaf(0x40000003, 0xffffffff, 0, 0, 0);
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 1);
	CHECK_EQ(hv[0].feat[0], 0);
}

UNIT(xen_behind_viridian)
{
	char buf[256];

	sim_reset(true);
	set_sig(0x40000000, 0x40000005, "Microsoft Hv");
	set_sig(0x40000100, 0x40000105, "XenVMMXenVMM");
	set_leaf(0x40000101, 0x00040011, 0, 0, 0);          /* 4.17 */
	set_leaf(0x40000102, 1, 0x40000000, 0, 0);
	set_leaf(0x40000104, (1u << 4) | (1u << 3), 0, 7, 0);
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 2);
	CHECK_EQ(hv[1].type, PVBUS_HV_XEN);
	CHECK_EQ(hv[1].major, 4);
	CHECK_EQ(hv[1].minor, 17);
	CHECK_EQ(hv[1].feat[0], 0x40000000);
	CHECK_EQ(hv[1].feat[3], 7);
	CHECK(pvbus_hv_features(&hv[1], buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "version=4.17") != NULL);
	CHECK(strstr(buf, "msr=0x40000000") != NULL);
	CHECK(strstr(buf, "domid=7") != NULL);
}

UNIT(every_known_signature)
{
	static const struct { const char *sig; enum pvbus_hv_type t; } k[] = {
		{ "VMwareVMware", PVBUS_HV_VMWARE }, { "bhyve bhyve ", PVBUS_HV_BHYVE },
		{ "OpenBSDVMM58", PVBUS_HV_OPENBSD }, { "TCGTCGTCGTCG", PVBUS_HV_TCG },
		{ "ACRNACRNACRN", PVBUS_HV_ACRN }, { "XenVMMXenVMM", PVBUS_HV_XEN },
	};

	for (size_t i = 0; i < ARRAY_SIZE(k); i++) {
		sim_reset(true);
		set_sig(0x40000000, 0x40000000, k[i].sig);
		CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 1);
		CHECK_EQ(hv[0].type, k[i].t);
	}
}

UNIT(unknown_printable_reported)
{
	char buf[64];

	sim_reset(true);
	set_sig(0x40000000, 0x40000000, "FooBarHyperV");
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 1);
	CHECK_EQ(hv[0].type, PVBUS_HV_UNKNOWN);
	CHECK_STR(hv[0].sig, "FooBarHyperV");
	pvbus_hv_set(hv, 1);
	CHECK_EQ(pvbus_type(buf, sizeof(buf)), 12);
	CHECK_STR(buf, "FooBarHyperV");
	pvbus_hv_set(hv, 0);
}

UNIT(stop_at_first_unprintable_block)
{
	sim_reset(true);
	set_sig(0x40000000, 0x40000001, "TCGTCGTCGTCG");
	set_leaf(0x40000100, 0, 0x00000340, 0x00000988, 0);  /* leaf-0xd-like */
	set_sig(0x40000200, 0x40000201, "KVMKVMKVM\0\0\0");
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 1);
	CHECK_EQ(hv[0].type, PVBUS_HV_TCG);
}

UNIT(interior_nul_or_del_is_not_a_signature)
{
	sim_reset(true);
	set_sig(0x40000000, 0x40000001, "KVM\0KVMKVM\0\0");
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 0);
	sim_reset(true);
	set_sig(0x40000000, 0x40000001, "KVMKVMKVM\x7f\0\0");
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 0);
	sim_reset(true);
	set_sig(0x40000000, 0x40000001, "\0\0\0\0\0\0\0\0\0\0\0\0");
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 0);
}

UNIT(max_leaf_clamped_to_block)
{
	sim_reset(true);
	set_sig(0x40000000, 0xffffffff, "Microsoft Hv");
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 1);
	CHECK_EQ(hv[0].max_leaf, 0x400000ff);
	/* A TCG-like block claims no leaves; decoders must read nothing. */
	sim_reset(true);
	set_sig(0x40000000, 0x3fffffff, "KVMKVMKVM\0\0\0");
	set_leaf(0x40000001, 0xffffffff, 0, 0, 0);
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 1);
	CHECK_EQ(hv[0].max_leaf, 0x40000001);   /* "0 means base+1" family */
}

UNIT(every_block_printable_is_bounded)
{
	sim_reset(true);
	memcpy(fallback, (uint32_t[]){ 0, 0x41414141, 0x41414141, 0x41414141 }, 16);
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 256), 256);
	CHECK_EQ(hv[255].base, 0x4000ff00);
	CHECK(ncalls < 256 * 2 + 2);
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, PVBUS_HV_MAX), PVBUS_HV_MAX);
}

UNIT(feature_string_overflow_is_erange)
{
	char buf[8];

	sim_reset(true);
	set_sig(0x40000000, 0x40000001, "KVMKVMKVM\0\0\0");
	set_leaf(0x40000001, 0xffffffff, 0, 0, 0xffffffff);
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 1);
	CHECK_EQ(pvbus_hv_features(&hv[0], buf, sizeof(buf)), -ERANGE);
	CHECK(strlen(buf) < sizeof(buf));
	CHECK_EQ(pvbus_hv_features(&hv[0], buf, 0), -ERANGE);
}

UNIT(unknown_feature_bits_shown_raw)
{
	char buf[512];

	sim_reset(true);
	set_sig(0x40000000, 0x40000001, "KVMKVMKVM\0\0\0");
	set_leaf(0x40000001, 1u << 30, 0, 0, 0);
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 1);
	CHECK(pvbus_hv_features(&hv[0], buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "other=0x40000000");
}

UNIT(type_string_and_lookup)
{
	char buf[32];

	pvbus_hv_set(hv, 0);
	CHECK_EQ(pvbus_type(buf, sizeof(buf)), -ENXIO);
	CHECK(pvbus_hv_get(0) == NULL);
	sim_reset(true);
	set_sig(0x40000000, 0x40000005, "Microsoft Hv");
	set_sig(0x40000100, 0x40000101, "KVMKVMKVM\0\0\0");
	CHECK_EQ(pvbus_hv_scan(sim_cpuid, hv, 16), 2);
	pvbus_hv_set(hv, 2);
	CHECK_EQ(pvbus_hv_count(), 2);
	CHECK_EQ(pvbus_type(buf, sizeof(buf)), 11);
	CHECK_STR(buf, "Hyper-V KVM");
	CHECK_EQ(pvbus_type(buf, 5), -ERANGE);
	CHECK(pvbus_hv_find(PVBUS_HV_KVM) == pvbus_hv_get(1));
	CHECK(pvbus_hv_find(PVBUS_HV_XEN) == NULL);
	CHECK(pvbus_hv_get(2) == NULL && pvbus_hv_get(-1) == NULL);
	pvbus_hv_set(hv, 0);
}

UNIT_MAIN()
