// SPDX-License-Identifier: MIT
/* Hypervisor detection from the CPUID hypervisor leaves, and decoding of each
 * interface's feature leaves. Pure logic: the CPUID instruction comes in as a
 * function, so host unit tests replay tables of leaves.
 *
 * Where the leaves live: CPUID.1:ECX bit 31 is reserved for hypervisor use
 * and set by every hypervisor we know (SDM Vol. 2A Table 3-10 lists it as
 * "not used"; the hypervisors adopted it). The leaves 0x40000000-0x4FFFFFFF
 * are left to hypervisors; an interface occupies a 0x100-aligned block whose
 * first leaf returns its highest leaf in EAX and a 12-byte signature in EBX,
 * ECX, EDX (Xen's public arch-x86/cpuid.h: "the Xen cpuid leaves can be found
 * at the first otherwise unused 0x100 aligned boundary starting from
 * 0x40000000"). A hypervisor that emulates another puts the emulated one at
 * 0x40000000 and itself higher (QEMU/KVM with hv-* flags: Hyper-V at
 * 0x40000000, KVM at 0x40000100). */
#include <drivers/pvbus.h>
#include <kern/errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define HV_LEAF_FIRST  0x40000000u
#define HV_LEAF_LAST   0x4000FF00u
#define HV_LEAF_STEP   0x100u
#define CPUID1_ECX_HV  (1u << 31)

static const struct {
	const char sig[13];
	enum pvbus_hv_type type;
	const char *name;
} hv_sigs[] = {
	/* Linux Documentation/virt/kvm/x86/cpuid.rst: "KVMKVMKVM" + 3 NULs. */
	{ "KVMKVMKVM\0\0\0", PVBUS_HV_KVM, "KVM" },
	/* Hyper-V TLFS §2.4 (Hypervisor CPUID Leaf Range). */
	{ "Microsoft Hv", PVBUS_HV_HYPERV, "Hyper-V" },
	{ "VMwareVMware", PVBUS_HV_VMWARE, "VMware" },
	/* Xen public/arch-x86/cpuid.h, XEN_CPUID_SIGNATURE_E[BCD]X. */
	{ "XenVMMXenVMM", PVBUS_HV_XEN, "Xen" },
	{ "bhyve bhyve ", PVBUS_HV_BHYVE, "bhyve" },
	/* OpenBSD vmm(4) (sys/arch/amd64/include/vmmvar.h, VMM_HV_SIGNATURE). */
	{ "OpenBSDVMM58", PVBUS_HV_OPENBSD, "OpenBSD" },
	/* QEMU target/i386/cpu.c, shown by TCG when expose-tcg is on. */
	{ "TCGTCGTCGTCG", PVBUS_HV_TCG, "TCG" },
	{ "ACRNACRNACRN", PVBUS_HV_ACRN, "ACRN" },
};

const char *pvbus_hv_name(enum pvbus_hv_type t)
{
	for (size_t i = 0; i < ARRAY_SIZE(hv_sigs); i++)
		if (hv_sigs[i].type == t)
			return hv_sigs[i].name;
	return "unknown";
}

/* A signature is printable ASCII, possibly padded with NULs at the end
 * (KVM's is 9 characters). An all-zero or binary block ends the scan: it is
 * what CPUID returns past the last interface (zeros under QEMU, the highest
 * basic leaf's data under KVM on Intel). */
static bool sig_printable(const char s[12])
{
	size_t n = 0;

	while (n < 12 && s[n] >= 0x20 && s[n] <= 0x7e)
		n++;
	if (n == 0)
		return false;
	for (size_t i = n; i < 12; i++)
		if (s[i] != '\0')
			return false;
	return true;
}

static void put32(char *p, uint32_t v)
{
	p[0] = (char)(v & 0xff);
	p[1] = (char)((v >> 8) & 0xff);
	p[2] = (char)((v >> 16) & 0xff);
	p[3] = (char)(v >> 24);
}

/* Read a leaf of this interface, or zeros when it lies past max_leaf. */
static void leaf(pvbus_cpuid_fn cpuid, const struct pvbus_hv *hv, uint32_t off,
		 uint32_t r[4])
{
	r[0] = r[1] = r[2] = r[3] = 0;
	if (hv->base + off <= hv->max_leaf)
		cpuid(hv->base + off, 0, r);
}

static void decode(pvbus_cpuid_fn cpuid, struct pvbus_hv *hv)
{
	uint32_t r[4];

	switch (hv->type) {
	case PVBUS_HV_KVM:
		/* cpuid.rst: KVM_CPUID_FEATURES at base+1, features in EAX,
		 * hints (KVM_HINTS_REALTIME) in EDX. */
		leaf(cpuid, hv, 1, r);
		hv->feat[0] = r[0];
		hv->feat[1] = r[3];
		break;
	case PVBUS_HV_HYPERV:
		/* TLFS §2.4: base+1 EAX is the interface signature "Hv#1";
		 * without it the other leaves mean nothing. */
		leaf(cpuid, hv, 1, r);
		if (r[0] != 0x31237648u)
			break;
		/* base+2: build in EAX, major.minor in EBX[31:16].[15:0]. */
		leaf(cpuid, hv, 2, r);
		hv->build = r[0];
		hv->major = (uint16_t)(r[1] >> 16);
		hv->minor = (uint16_t)r[1];
		/* base+3: privileges EAX/EBX, features EDX. */
		leaf(cpuid, hv, 3, r);
		hv->feat[0] = r[0];
		hv->feat[3] = r[1];
		hv->feat[1] = r[3];
		/* base+4: implementation recommendations in EAX. */
		leaf(cpuid, hv, 4, r);
		hv->feat[2] = r[0];
		break;
	case PVBUS_HV_XEN:
		/* arch-x86/cpuid.h: leaf 2 (base+1) version in EAX
		 * [31:16].[15:0]; leaf 3 (base+2) hypercall pages in EAX and
		 * the MSR base in EBX; leaf 5 (base+4) HVM features in EAX
		 * and the domid in ECX when XEN_HVM_CPUID_DOMID_PRESENT. */
		leaf(cpuid, hv, 1, r);
		hv->major = (uint16_t)(r[0] >> 16);
		hv->minor = (uint16_t)r[0];
		leaf(cpuid, hv, 2, r);
		hv->feat[1] = r[0];
		hv->feat[0] = r[1];
		leaf(cpuid, hv, 4, r);
		hv->feat[2] = r[0];
		hv->feat[3] = (r[0] & (1u << 4)) ? r[2] : 0;
		break;
	case PVBUS_HV_VMWARE:
		/* VMware's generic timing leaf, base+0x10: TSC and bus
		 * frequencies in kHz (also implemented by KVM/QEMU with
		 * vmware-cpuid-freq). */
		leaf(cpuid, hv, 0x10, r);
		hv->feat[0] = r[0];
		hv->feat[1] = r[1];
		break;
	default:
		break;
	}
}

int pvbus_hv_scan(pvbus_cpuid_fn cpuid, struct pvbus_hv *out, int max)
{
	uint32_t r[4];
	int n = 0;

	cpuid(1, 0, r);
	if (!(r[2] & CPUID1_ECX_HV))
		return 0;

	for (uint32_t base = HV_LEAF_FIRST; n < max; base += HV_LEAF_STEP) {
		struct pvbus_hv *hv = &out[n];
		char sig[12];

		cpuid(base, 0, r);
		put32(sig + 0, r[1]);
		put32(sig + 4, r[2]);
		put32(sig + 8, r[3]);
		if (!sig_printable(sig))
			break;

		memset(hv, 0, sizeof(*hv));
		memcpy(hv->sig, sig, 12);
		hv->base = base;
		hv->type = PVBUS_HV_UNKNOWN;
		for (size_t i = 0; i < ARRAY_SIZE(hv_sigs); i++)
			if (memcmp(sig, hv_sigs[i].sig, 12) == 0)
				hv->type = hv_sigs[i].type;

		/* EAX is the highest leaf of this block. Old KVM hosts
		 * return 0, meaning base+1 (cpuid.rst); anything outside
		 * the block is clamped so that decode never wanders into
		 * the next interface. */
		hv->max_leaf = r[0];
		if (hv->max_leaf < base)
			hv->max_leaf = hv->type == PVBUS_HV_KVM ? base + 1 : base;
		if (hv->max_leaf > base + HV_LEAF_STEP - 1)
			hv->max_leaf = base + HV_LEAF_STEP - 1;

		decode(cpuid, hv);
		n++;
		if (base == HV_LEAF_LAST)
			break;
	}
	return n;
}

/* ---- feature names ------------------------------------------------------- */

struct bitname {
	uint8_t bit;
	const char *name;
};

/* KVM_FEATURE_* bits of base+1 EAX (Linux cpuid.rst). */
static const struct bitname kvm_feat[] = {
	{ 0, "kvmclock" }, { 1, "nop-io-delay" }, { 2, "mmu-op" },
	{ 3, "kvmclock2" }, { 4, "async-pf" }, { 5, "steal-time" },
	{ 6, "pv-eoi" }, { 7, "pv-unhalt" }, { 9, "pv-tlb-flush" },
	{ 10, "async-pf-vmexit" }, { 11, "pv-send-ipi" },
	{ 12, "poll-control" }, { 13, "pv-sched-yield" },
	{ 14, "async-pf-int" }, { 15, "msi-ext-dest-id" },
	{ 16, "hc-map-gpa-range" }, { 17, "migration-control" },
	{ 24, "clocksource-stable" },
};
/* KVM_HINTS_* bits of base+1 EDX. */
static const struct bitname kvm_hint[] = { { 0, "hint-realtime" } };

/* Hyper-V TLFS §2.4.3, partition privileges (base+3 EAX): the MSRs the
 * partition may use. */
static const struct bitname hv_priv[] = {
	{ 0, "vp-runtime" }, { 1, "time-ref-count" }, { 2, "synic" },
	{ 3, "stimer" }, { 4, "apic-msrs" }, { 5, "hypercall" },
	{ 6, "vp-index" }, { 7, "reset" }, { 8, "stats" },
	{ 9, "reference-tsc" }, { 10, "guest-idle" },
	{ 11, "frequency-msrs" }, { 13, "reenlightenment" },
	{ 15, "tsc-invariant" },
};
/* TLFS §2.4.3, features (base+3 EDX). */
static const struct bitname hv_edx[] = {
	{ 0, "mwait" }, { 1, "guest-debugging" }, { 2, "perf-monitor" },
	{ 3, "dynamic-partitioning" }, { 4, "xmm-hypercall-input" },
	{ 5, "guest-idle-state" }, { 8, "frequency-regs" },
	{ 10, "crash-msrs" }, { 11, "debug-msrs" }, { 19, "stimer-direct" },
};
/* TLFS §2.4.5, implementation recommendations (base+4 EAX). */
static const struct bitname hv_rec[] = {
	{ 0, "as-switch" }, { 1, "local-tlb-flush" },
	{ 2, "remote-tlb-flush" }, { 3, "apic-msrs" }, { 4, "reset-msr" },
	{ 5, "relaxed-timing" }, { 9, "deprecate-auto-eoi" },
	{ 10, "cluster-ipi" }, { 11, "ex-processor-masks" },
	{ 14, "enlightened-vmcs" },
};
/* Xen arch-x86/cpuid.h, XEN_HVM_CPUID_* (base+4 EAX). */
static const struct bitname xen_hvm[] = {
	{ 0, "apic-access-virt" }, { 1, "x2apic-virt" },
	{ 2, "iommu-mappings" }, { 3, "vcpu-id" }, { 4, "domid" },
};

/* Appends to a buffer; remembers overflow rather than failing each call. */
struct sbuf {
	char *p;
	size_t len, pos;
	bool over;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) __printf(2, 3);
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->pos, b->len - b->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->len - b->pos) {
		b->over = true;
		return;
	}
	b->pos += (size_t)n;
}

static void sb_bits(struct sbuf *b, const char *prefix, uint32_t v,
		    const struct bitname *t, size_t n)
{
	uint32_t known = 0;

	for (size_t i = 0; i < n; i++) {
		known |= 1u << t[i].bit;
		if (v & (1u << t[i].bit))
			sb_printf(b, "%s%s%s", b->pos ? " " : "", prefix, t[i].name);
	}
	if (v & ~known)
		sb_printf(b, "%s%sother=%#x", b->pos ? " " : "", prefix, v & ~known);
}

int pvbus_hv_features(const struct pvbus_hv *hv, char *buf, size_t len)
{
	struct sbuf b = { buf, len, 0, len == 0 };

	if (len)
		buf[0] = '\0';
	switch (hv->type) {
	case PVBUS_HV_KVM:
		sb_bits(&b, "", hv->feat[0], kvm_feat, ARRAY_SIZE(kvm_feat));
		sb_bits(&b, "", hv->feat[1], kvm_hint, ARRAY_SIZE(kvm_hint));
		break;
	case PVBUS_HV_HYPERV:
		if (hv->major || hv->minor || hv->build)
			sb_printf(&b, "version=%u.%u build=%u", hv->major,
				  hv->minor, hv->build);
		sb_bits(&b, "", hv->feat[0], hv_priv, ARRAY_SIZE(hv_priv));
		sb_bits(&b, "", hv->feat[1], hv_edx, ARRAY_SIZE(hv_edx));
		sb_bits(&b, "rec:", hv->feat[2], hv_rec, ARRAY_SIZE(hv_rec));
		break;
	case PVBUS_HV_XEN:
		sb_printf(&b, "version=%u.%u", hv->major, hv->minor);
		if (hv->feat[1])
			sb_printf(&b, " hypercall-pages=%u msr=%#x",
				  hv->feat[1], hv->feat[0]);
		sb_bits(&b, "", hv->feat[2], xen_hvm, ARRAY_SIZE(xen_hvm));
		if (hv->feat[2] & (1u << 4))
			sb_printf(&b, " domid=%u", hv->feat[3]);
		break;
	case PVBUS_HV_VMWARE:
		if (hv->feat[0])
			sb_printf(&b, "tsc-khz=%u bus-khz=%u", hv->feat[0],
				  hv->feat[1]);
		break;
	default:
		break;
	}
	return b.over ? -ERANGE : (int)b.pos;
}

/* ---- what was found at boot ---------------------------------------------- */

static struct pvbus_hv found[PVBUS_HV_MAX];
static int nfound;

void pvbus_hv_set(const struct pvbus_hv *hv, int n)
{
	if (n < 0)
		n = 0;
	if (n > PVBUS_HV_MAX)
		n = PVBUS_HV_MAX;
	memcpy(found, hv, (size_t)n * sizeof(*hv));
	nfound = n;
}

int pvbus_hv_count(void)
{
	return nfound;
}

const struct pvbus_hv *pvbus_hv_get(int i)
{
	return i >= 0 && i < nfound ? &found[i] : NULL;
}

const struct pvbus_hv *pvbus_hv_find(enum pvbus_hv_type t)
{
	for (int i = 0; i < nfound; i++)
		if (found[i].type == t)
			return &found[i];
	return NULL;
}

int pvbus_type(char *buf, size_t len)
{
	struct sbuf b = { buf, len, 0, len == 0 };

	if (nfound == 0)
		return -ENXIO;
	for (int i = 0; i < nfound; i++) {
		const char *name = found[i].type == PVBUS_HV_UNKNOWN
					   ? found[i].sig
					   : pvbus_hv_name(found[i].type);
		sb_printf(&b, "%s%s", i ? " " : "", name);
	}
	return b.over ? -ERANGE : (int)b.pos;
}
