// SPDX-License-Identifier: MIT
/* Devices by hardware ID in ACPI's AML (<drivers/acpi_hid.h>): the
 * platform-device registry's ACPI source. Pure logic: no kernel state, no
 * I/O; warnings go through a callback, so the host unit test
 * (tests/unit/test_acpi_hid.c) and the fuzzer (tests/fuzz/fuzz_acpi.c) run
 * all of it under ASan and UBSan on hostile tables. */
#include <drivers/acpi_hid.h>
#include <kern/errno.h>
#include <string.h>

/* Warnings are optional (NULL: quiet). */
#define WARN(...)       do { if (warn) warn(ctx, __VA_ARGS__); } while (0)

/* AML (ACPI 6.5 §20.2): NameOp, a four-character name, then its value. */
#define AML_NAME_OP     0x08
#define AML_STRING      0x0d
#define AML_BYTE        0x0a
#define AML_WORD        0x0b
#define AML_DWORD       0x0c
#define AML_ZERO        0x00
#define AML_ONE         0x01
#define AML_BUFFER_OP   0x11

/* Resource descriptors (ACPI 6.5 §6.4): small items carry type and length
 * in one byte; large items have bit 7 set and a 16-bit length. */
#define RES_SMALL_IRQ   0x04            /* type of IRQ Format, §6.4.2.1 */
#define RES_SMALL_END   0x0f            /* End Tag, §6.4.2.9 */
#define RES_MEM32_FIXED 0x86            /* §6.4.3.4 */
#define RES_EXT_IRQ     0x89            /* Extended Interrupt, §6.4.3.6 */

/* Name(_HID, "<hid>"): the pattern a device's string _HID makes. */
static const uint8_t crs_pattern[] = { AML_NAME_OP, '_', 'C', 'R', 'S', AML_BUFFER_OP };
static const uint8_t any_hid[] = { AML_NAME_OP, '_', 'H', 'I', 'D' };

/* How far past a device's _HID its _CRS may be: QEMU puts _UID and _CCA in
 * between, a few bytes each. */
#define CRS_WINDOW      256

static size_t find(const uint8_t *p, size_t from, size_t to, const uint8_t *pat, size_t n)
{
	for (size_t i = from; i + n <= to; i++)
		if (memcmp(p + i, pat, n) == 0)
			return i;
	return (size_t)-1;
}

static uint32_t le16(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return le16(p) | le16(p + 2) << 16; }

/* PkgLength (§20.2.4): bits 7:6 of the lead byte count the bytes that
 * follow; with none, bits 5:0 are the length, else bits 3:0 are its low
 * nibble and each following byte adds 8 bits. The length counts itself.
 * @return 0, *plen and *nbytes, or -EBADMSG when truncated. */
static int pkg_length(const uint8_t *p, size_t avail, uint32_t *plen, unsigned *nbytes)
{
	if (avail < 1)
		return -EBADMSG;
	unsigned follow = p[0] >> 6;
	if (avail < 1 + follow)
		return -EBADMSG;
	if (follow == 0) {
		*plen = p[0] & 0x3f;
	} else {
		uint32_t v = p[0] & 0x0f;
		for (unsigned k = 0; k < follow; k++)
			v |= (uint32_t)p[1 + k] << (4 + 8 * k);
		*plen = v;
	}
	*nbytes = 1 + follow;
	return 0;
}

/* Parse the _CRS buffer whose BufferOp is at aml[at]: find a Memory32Fixed
 * and the first interrupt. @return 0 and *d filled, or -EBADMSG / -ENOENT. */
static int parse_crs(const uint8_t *aml, size_t len, size_t at, struct platdev *d)
{
	uint32_t plen, bsize;
	unsigned nb;
	size_t p = at + 1;
	bool mem = false, irq = false;

	if (pkg_length(aml + p, len - p, &plen, &nb) || plen < nb || plen > len - p)
		return -EBADMSG;
	size_t end = p + plen;          /* the buffer object ends here */
	p += nb;
	/* BufferSize: an integer term. */
	if (p >= end)
		return -EBADMSG;
	switch (aml[p]) {
	case AML_ZERO: bsize = 0; p += 1; break;
	case AML_ONE: bsize = 1; p += 1; break;
	case AML_BYTE:
		if (end - p < 2) return -EBADMSG;
		bsize = aml[p + 1]; p += 2; break;
	case AML_WORD:
		if (end - p < 3) return -EBADMSG;
		bsize = le16(aml + p + 1); p += 3; break;
	case AML_DWORD:
		if (end - p < 5) return -EBADMSG;
		bsize = le32(aml + p + 1); p += 5; break;
	default:
		return -EBADMSG;
	}
	/* The descriptors: inside both the object and its declared size. */
	if (bsize < end - p)
		end = p + bsize;
	while (p < end) {
		uint8_t tag = aml[p];
		size_t dl, hdr;

		if (tag & 0x80) {
			if (end - p < 3)
				return -EBADMSG;
			hdr = 3;
			dl = le16(aml + p + 1);
		} else {
			hdr = 1;
			dl = tag & 7;
		}
		if (dl > end - p - hdr)
			return -EBADMSG;
		const uint8_t *b = aml + p + hdr;

		if (tag == RES_MEM32_FIXED && dl >= 9 && !mem) {
			d->base = le32(b + 1);
			d->size = le32(b + 5);
			mem = true;
		} else if (tag == RES_EXT_IRQ && dl >= 6 && !irq && b[1] >= 1) {
			/* Flags: bit 1 edge (else level), bit 2 active low. */
			d->irq = le32(b + 2);
			d->level = !(b[0] & 2);
			d->active_low = b[0] & 4;
			if (d->irq > ACPI_HID_MAX_IRQ || (size_t)b[1] * 4 + 2 > dl)
				return -EBADMSG;
			irq = true;
		} else if (!(tag & 0x80) && ((tag >> 3) & 0xf) == RES_SMALL_IRQ && dl >= 2 &&
			   !irq) {
			/* IRQ Format: a 16-bit mask of ISA IRQs (one set),
			 * then optionally bit 0 edge, bit 3 active low; the
			 * two-byte form means edge, active high. */
			uint32_t mask = le16(b);
			if (!mask || (mask & (mask - 1)))
				return -EBADMSG;
			d->irq = (unsigned)__builtin_ctz(mask);
			d->level = dl >= 3 ? !(b[2] & 1) : false;
			d->active_low = dl >= 3 ? (b[2] & 8) != 0 : false;
			irq = true;
		} else if (!(tag & 0x80) && ((tag >> 3) & 0xf) == RES_SMALL_END) {
			break;
		}
		p += hdr + dl;
	}
	if (!mem)
		return -ENOENT;
	d->has_irq = irq;
	return 0;
}

/* The checks any window gets here: some bytes, not at 0, no wrap. What a
 * device needs beyond that (size, alignment, not over RAM) is its
 * driver's to check. */
static int window_ok(uint64_t base, uint64_t size)
{
	if (size == 0 || base == 0 || base + size - 1 < base)
		return -ERANGE;
	return 0;
}

/* Two devices cannot share registers: the first window found wins. */
static bool overlaps_kept(const struct platdev *out, int n, const struct platdev *d)
{
	for (int k = 0; k < n; k++)
		if (d->base <= out[k].base + out[k].size - 1 &&
		    out[k].base <= d->base + d->size - 1)
			return true;
	return false;
}

int acpi_hid_scan(const void *aml_v, size_t len, const char *hid, struct platdev *out,
		  int max, acpi_hid_warn_fn warn, void *ctx)
{
	const uint8_t *aml = aml_v;
	uint8_t hid_pattern[6 + ACPI_HID_MAX_LEN + 1] = { AML_NAME_OP, '_', 'H', 'I', 'D',
							  AML_STRING };
	size_t hl = hid ? strlen(hid) : 0, plen = 6 + hl + 1;
	int n = 0;

	if (!aml || hl == 0 || hl > ACPI_HID_MAX_LEN)
		return 0;
	memcpy(hid_pattern + 6, hid, hl + 1);
	for (size_t at = 0; (at = find(aml, at, len, hid_pattern, plen)) != (size_t)-1;) {
		size_t from = at + plen;
		/* This device's _CRS comes before the next device's _HID. */
		size_t to = find(aml, from, len, any_hid, sizeof(any_hid));
		if (to == (size_t)-1 || to > from + CRS_WINDOW)
			to = from + CRS_WINDOW < len ? from + CRS_WINDOW : len;
		size_t crs = find(aml, from, to, crs_pattern, sizeof(crs_pattern));
		struct platdev d = { .compatible = hid, .source = "acpi", .id = -1, .node = -1 };
		int rc = crs == (size_t)-1 ? -ENOENT
					   : parse_crs(aml, len, crs + sizeof(crs_pattern) - 1, &d);

		at = from;
		if (rc == 0)
			rc = window_ok(d.base, d.size);
		if (rc) {
			WARN("acpi: %s device at AML offset %#zx: %s; skipped\n", hid, from - plen,
			     rc == -ENOENT ? "no fixed memory window in _CRS"
					   : rc == -ERANGE ? "window out of range"
							   : "malformed _CRS");
			continue;
		}
		if (overlaps_kept(out, n, &d)) {
			WARN("acpi: %s window %#llx+%#llx overlaps one found before; skipped\n",
			     hid, (unsigned long long)d.base, (unsigned long long)d.size);
			continue;
		}
		if (n >= max) {
			WARN("acpi: more than %d %s devices; %#llx skipped\n", max, hid,
			     (unsigned long long)d.base);
			continue;
		}
		out[n++] = d;
	}
	return n;
}
