/* SPDX-License-Identifier: MIT */
/* pvbus: which hypervisors this guest runs on, and their key-value
 * information stores, after OpenBSD's pvbus(4) and hostctl(8).
 *
 * Detection reads the hypervisor CPUID leaves (0x40000000 + n * 0x100); a
 * hypervisor may show several interfaces at once (QEMU/KVM with Hyper-V
 * enlightenments: Hyper-V at 0x40000000, KVM at 0x40000100), and every one is
 * kept. Stores are backends that register themselves: QEMU fw_cfg (read,
 * list), the VMware backdoor's guestinfo (read, write) and XenStore (read,
 * write, list). One API reaches them all.
 *
 * The contract of pvbus(4): keys and values written are NUL-terminated
 * strings of at most PVBUS_KV_MAX bytes counting the NUL; a value read or a
 * key list is as long as the store has it (fw_cfg's etc/acpi/tables passes
 * 64 KiB), up to the caller's buffer (at most INT_MAX). Errors:
 *   -EINVAL        empty key (or NULL)
 *   -ENAMETOOLONG  key of PVBUS_KV_MAX bytes or more
 *   -E2BIG         value to write of PVBUS_KV_MAX bytes or more
 *   -ERANGE        the caller's buffer cannot hold the answer and its NUL
 *   -ENOENT        no such key
 *   -EPERM         write to a read-only store
 *   -EOPNOTSUPP    the store exists but cannot do this (vmport without RPC,
 *                  listing the guestinfo store)
 *   -ENXIO         no store at all (or no store of that name)
 *   -EPROTO, -EMSGSIZE, -ETIMEDOUT, -EIO: the hypervisor answered nonsense or
 *                  not at all (always a bounded wait).
 * Calls neither sleep nor yield: on the cooperative scheduler each call runs
 * to completion, so there is no lock. */
#ifndef DRIVERS_PVBUS_H
#define DRIVERS_PVBUS_H

#include <kern/compiler.h>

#define PVBUS_KV_MAX (64 * 1024)

/* ---- hypervisor detection ------------------------------------------------ */

enum pvbus_hv_type {
	PVBUS_HV_KVM,
	PVBUS_HV_HYPERV,
	PVBUS_HV_VMWARE,
	PVBUS_HV_XEN,
	PVBUS_HV_BHYVE,
	PVBUS_HV_OPENBSD,
	PVBUS_HV_TCG,
	PVBUS_HV_ACRN,
	PVBUS_HV_UNKNOWN,   /* printable signature we don't know */
};

#define PVBUS_HV_MAX 16     /* interfaces kept; more are ignored */

struct pvbus_hv {
	enum pvbus_hv_type type;
	uint32_t base;          /* CPUID leaf holding the signature */
	uint32_t max_leaf;      /* last leaf of this interface (normalised) */
	char sig[13];           /* the 12 signature bytes, NUL-terminated */
	uint16_t major, minor;  /* version, where the interface reports one */
	uint32_t build;         /* Hyper-V build number */
	/* Raw feature words, per type:
	 *   KVM      [0] = base+1 EAX (features), [1] = base+1 EDX (hints)
	 *   Hyper-V  [0] = base+3 EAX (privileges), [1] = base+3 EDX (features),
	 *            [2] = base+4 EAX (recommendations), [3] = base+3 EBX
	 *   Xen      [0] = base+2 EBX (MSR of the hypercall page),
	 *            [1] = base+2 EAX (hypercall pages), [2] = base+4 EAX
	 *            (HVM features), [3] = base+4 ECX (domid, when flagged)
	 *   VMware   [0] = base+0x10 EAX (TSC kHz), [1] = EBX (bus kHz) */
	uint32_t feat[4];
};

/* CPUID as the scanner sees it: r = { eax, ebx, ecx, edx }. Host unit tests
 * pass a table; the kernel passes the instruction. */
typedef void (*pvbus_cpuid_fn)(uint32_t leaf, uint32_t subleaf, uint32_t r[4]);

/* Scan the hypervisor leaves if CPUID.1:ECX[31] is set and decode each
 * interface found. @return the number stored in out (0..max). */
int pvbus_hv_scan(pvbus_cpuid_fn cpuid, struct pvbus_hv *out, int max);
/* Short name of a type ("KVM", "Hyper-V", ...). */
const char *pvbus_hv_name(enum pvbus_hv_type t);
/* Decoded features of hv as one line of blank-separated names ("kvmclock
 * steal-time pv-eoi ..."). @return its length, or -ERANGE (buf truncated). */
int pvbus_hv_features(const struct pvbus_hv *hv, char *buf, size_t len);

/* The interfaces found at boot, in base-leaf order. */
int pvbus_hv_count(void);
const struct pvbus_hv *pvbus_hv_get(int i);          /* NULL past the end */
const struct pvbus_hv *pvbus_hv_find(enum pvbus_hv_type t);
/* Record what the arch found (the arch's pvbus init calls this once). */
void pvbus_hv_set(const struct pvbus_hv *hv, int n);

/* The detected hypervisor types, blank-separated in base-leaf order ("Hyper-V
 * KVM"), like PVBUSIOC_TYPE. @return its length, -ERANGE, or -ENXIO when no
 * hypervisor was detected. */
int pvbus_type(char *buf, size_t len);

/* ---- key-value stores ---------------------------------------------------- */

/* A backend. Every op is required; a store that can't do something returns
 * -EPERM (write to a read-only store) or -EOPNOTSUPP. Keys arrive checked
 * (non-empty, shorter than PVBUS_KV_MAX); read and list get len >= 1. */
struct pvbus_store_ops {
	/* Copy the value and a NUL into val. @return the value's length. */
	int (*read)(void *ctx, const char *key, char *val, size_t len);
	int (*write)(void *ctx, const char *key, const char *val);
	/* Keys under prefix ("" for all), each followed by '\n', then a
	 * NUL. @return the length written (without the NUL). */
	int (*list)(void *ctx, const char *prefix, char *buf, size_t len);
	/* One line about the store's state, for hostctl -t. */
	void (*describe)(void *ctx, char *buf, size_t len);
};

struct pvbus_store {
	const char *name;               /* "fw_cfg", "guestinfo", "xenstore" */
	const struct pvbus_store_ops *ops;
	void *ctx;
	struct pvbus_store *next;       /* private */
};

/* Add a store (in registration order). @return 0, or -EEXIST by name. */
int pvbus_store_register(struct pvbus_store *s);
/* A store by name, NULL when absent. The first store when name is NULL. */
struct pvbus_store *pvbus_store_find(const char *name);

/* The KV API. store names one backend; NULL means every store in order:
 * read returns the first store's answer that is not -ENOENT/-EOPNOTSUPP,
 * write goes to the first writable store, list joins every store's keys.
 *
 * Read key into val (NUL-terminated). @return the value's length in bytes
 * (a value may hold NULs; the length says where it ends), or -errno. */
int pvbus_kv_read(const char *store, const char *key, char *val, size_t len);
/* Write key=val. @return 0 or -errno. */
int pvbus_kv_write(const char *store, const char *key, const char *val);
/* Keys starting with prefix (NULL or "" for all; for XenStore a directory),
 * each followed by '\n'. @return the length written, or -errno. */
int pvbus_kv_list(const char *store, const char *prefix, char *buf, size_t len);

#endif
