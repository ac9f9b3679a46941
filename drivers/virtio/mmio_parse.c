// SPDX-License-Identifier: MIT
/* The pure half of the virtio-mmio transport (<drivers/virtio_mmio.h>):
 * where devices are, from the kernel command line or an ACPI DSDT, and the
 * checks on what a register block says about itself. No kernel state, no
 * I/O: warnings go through a callback, so the host unit tests
 * (tests/unit/test_virtio_mmio.c) run all of it under ASan and UBSan on
 * hostile strings and tables. */
#include <drivers/virtio_mmio.h>
#include <drivers/virtio_ring.h>
#include <kern/errno.h>
#include <string.h>

/* Warnings are optional (NULL: quiet). */
#define WARN(...)       do { if (warn) warn(ctx, __VA_ARGS__); } while (0)

#define KEY             "virtio_mmio.device="
#define KEY_LEN         (sizeof(KEY) - 1)
/* The longest value we look at: "4G@0x" + 16 hex digits + ":1023:" and a
 * ten-digit id is about 45 bytes; anything much longer is not a device. */
#define VALUE_MAX       96

/* ---- numbers ---------------------------------------------------------------- */

/* Parse an unsigned number at s[*i..len): "0x"/"0X" and hex digits, else
 * decimal digits (no octal: "010" is ten, as a reader expects). At least one
 * digit; on overflow -ERANGE. *i moves past the digits. */
static int parse_num(const char *s, size_t len, size_t *i, uint64_t *out)
{
	size_t p = *i;
	unsigned base = 10;
	uint64_t v = 0;
	bool any = false;

	if (p + 1 < len && s[p] == '0' && (s[p + 1] == 'x' || s[p + 1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (; p < len; p++) {
		char c = s[p];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
		any = true;
	}
	if (!any)
		return -EINVAL;
	*i = p;
	*out = v;
	return 0;
}

/* The checks every source shares (§4.2.2: the registers take 0x100 bytes,
 * each 32 bits wide and aligned). */
static int window_ok(uint64_t base, uint64_t size)
{
	if (size < VIRTIO_MMIO_MIN_SIZE || size > VIRTIO_MMIO_MAX_SIZE)
		return -ERANGE;
	if (base == 0 || (base & 3) || base + size - 1 < base)
		return -ERANGE;
	return 0;
}

int virtio_mmio_parse_device(const char *s, size_t len, struct virtio_mmio_desc *out)
{
	uint64_t size, base, irq, id = 0;
	bool has_id = false;
	size_t i = 0;
	int rc;

	if (!s)
		return -EINVAL;
	/* <size>, with the suffixes Linux's memparse takes that fit here. */
	if ((rc = parse_num(s, len, &i, &size)))
		return rc;
	if (i < len && s[i] != '@') {
		unsigned shift;

		switch (s[i]) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: return -EINVAL;
		}
		if (size > (UINT64_MAX >> shift))
			return -ERANGE;
		size <<= shift;
		i++;
	}
	/* @<base>:<irq> */
	if (i >= len || s[i++] != '@')
		return -EINVAL;
	if ((rc = parse_num(s, len, &i, &base)))
		return rc;
	if (i >= len || s[i++] != ':')
		return -EINVAL;
	if ((rc = parse_num(s, len, &i, &irq)))
		return rc;
	/* [:<id>], decimal as Linux reads it. */
	if (i < len) {
		if (s[i++] != ':' || i >= len || s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if ((rc = parse_num(s, len, &i, &id)))
			return rc;
		if (id > 0x7fffffff)
			return -ERANGE;
		has_id = true;
	}
	if (i != len)
		return -EINVAL;
	if (irq > VIRTIO_MMIO_MAX_IRQ)
		return -ERANGE;
	if ((rc = window_ok(base, size)))
		return rc;
	*out = (struct virtio_mmio_desc){
		.base = base, .size = size, .irq = (unsigned)irq,
		.level = false, .active_low = false, .has_irq = true,
		.id = has_id ? (int)id : -1,
		.source = "cmdline",
	};
	return 0;
}

/* ---- keeping a list ------------------------------------------------------------ */

/* Add d to out[0..*n) unless its window overlaps one already there (two
 * transports cannot share registers) or the list is full. */
static void keep(struct virtio_mmio_desc *out, int max, int *n,
		 const struct virtio_mmio_desc *d, virtio_mmio_warn_fn warn, void *ctx)
{
	for (int k = 0; k < *n; k++) {
		if (d->base <= out[k].base + out[k].size - 1 &&
		    out[k].base <= d->base + d->size - 1) {
			WARN("virtio-mmio: %s window %#llx+%#llx overlaps %#llx+%#llx; skipped\n",
			     d->source, (unsigned long long)d->base,
			     (unsigned long long)d->size, (unsigned long long)out[k].base,
			     (unsigned long long)out[k].size);
			return;
		}
	}
	if (*n >= max) {
		WARN("virtio-mmio: more than %d devices; %#llx skipped\n", max,
		     (unsigned long long)d->base);
		return;
	}
	out[(*n)++] = *d;
}

/* ---- the command line -------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* A printable excerpt of a word for a warning. */
static const char *excerpt(char *buf, size_t size, const char *s, size_t len)
{
	size_t n = len < size - 1 ? len : size - 1;

	for (size_t i = 0; i < n; i++)
		buf[i] = (s[i] < 0x20 || s[i] >= 0x7f) ? '?' : s[i];
	buf[n] = '\0';
	return buf;
}

int virtio_mmio_cmdline_scan(const char *cmdline, struct virtio_mmio_desc *out, int max,
			     virtio_mmio_warn_fn warn, void *ctx)
{
	char word[KEY_LEN + VALUE_MAX + 1], ex[48];
	int n = 0;

	if (!cmdline)
		return 0;
	for (const char *p = cmdline; *p;) {
		size_t wl = 0;
		bool inq = false, toolong = false;

		while (*p && is_blank(*p))
			p++;
		if (!*p)
			break;
		/* One word, de-quoted the way kern/cmdline_parse.c does it
		 * (a double quote toggles quoting and is dropped), so both
		 * parsers agree on where words end. */
		for (; *p && (inq || !is_blank(*p)); p++) {
			if (*p == '"') {
				inq = !inq;
				continue;
			}
			if (wl < sizeof(word) - 1)
				word[wl++] = *p;
			else
				toolong = true;
		}
		word[wl] = '\0';
		if (wl < KEY_LEN || memcmp(word, KEY, KEY_LEN) != 0)
			continue;

		struct virtio_mmio_desc d;
		const char *val = word + KEY_LEN;
		size_t vl = wl - KEY_LEN;
		int rc = toolong ? -EINVAL : virtio_mmio_parse_device(val, vl, &d);

		if (rc) {
			WARN("virtio-mmio: virtio_mmio.device=%s%s: %s; skipped\n",
			     excerpt(ex, sizeof(ex), val, vl), vl >= sizeof(ex) ? "..." : "",
			     rc == -ERANGE ? "out of range"
					   : "expected <size>@<base>:<irq>[:<id>]");
			continue;
		}
		keep(out, max, &n, &d, warn, ctx);
	}
	return n;
}

int virtio_mmio_acpi_scan(const void *aml, size_t len, struct virtio_mmio_desc *out,
			  int max, virtio_mmio_warn_fn warn, void *ctx)
{
	return acpi_hid_scan(aml, len, "LNRO0005", out, max, warn, ctx);
}

/* ---- the ACPI DSDT ------------------------------------------------------------ */

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
#define HID_MAX 8
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
static int parse_crs(const uint8_t *aml, size_t len, size_t at, struct virtio_mmio_desc *d)
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
			if (d->irq > VIRTIO_MMIO_MAX_IRQ || (size_t)b[1] * 4 + 2 > dl)
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

int acpi_hid_scan(const void *aml_v, size_t len, const char *hid,
		  struct virtio_mmio_desc *out, int max, virtio_mmio_warn_fn warn, void *ctx)
{
	const uint8_t *aml = aml_v;
	uint8_t hid_pattern[6 + HID_MAX + 1] = { AML_NAME_OP, '_', 'H', 'I', 'D', AML_STRING };
	size_t hl = hid ? strlen(hid) : 0, plen = 6 + hl + 1;
	int n = 0;

	if (!aml || hl == 0 || hl > HID_MAX)
		return 0;
	memcpy(hid_pattern + 6, hid, hl + 1);
	for (size_t at = 0; (at = find(aml, at, len, hid_pattern, plen)) != (size_t)-1;) {
		size_t from = at + plen;
		/* This device's _CRS comes before the next device's _HID. */
		size_t to = find(aml, from, len, any_hid, sizeof(any_hid));
		if (to == (size_t)-1 || to > from + CRS_WINDOW)
			to = from + CRS_WINDOW < len ? from + CRS_WINDOW : len;
		size_t crs = find(aml, from, to, crs_pattern, sizeof(crs_pattern));
		struct virtio_mmio_desc d = { .id = -1, .source = "acpi" };
		int rc = crs == (size_t)-1 ? -ENOENT
					   : parse_crs(aml, len, crs + sizeof(crs_pattern) - 1, &d);

		at = from;
		if (rc == 0)
			rc = window_ok(d.base, d.size);
		if (rc) {
			WARN("virtio-mmio: ACPI %s device at AML offset %#zx: %s; skipped\n",
			     hid, from - plen,
			     rc == -ENOENT ? "no fixed memory window in _CRS"
					   : rc == -ERANGE ? "window out of range"
							   : "malformed _CRS");
			continue;
		}
		keep(out, max, &n, &d, warn, ctx);
	}
	return n;
}

/* ---- what a register block says --------------------------------------------- */

int virtio_mmio_check_ident(uint32_t magic, uint32_t version, uint32_t device_id)
{
	if (magic != VIRTIO_MMIO_MAGIC)
		return -ENODEV;
	if (version != 1 && version != 2)
		return -ENODEV;
	/* §4.2.2: "zero (0x0) is used to define a system memory map with
	 * placeholder devices at static, well known addresses". */
	if (device_id == 0)
		return -ENOENT;
	if (device_id > 0xffff)
		return -ENODEV;
	return 0;
}

unsigned virtio_mmio_queue_size(uint32_t max, unsigned want)
{
	/* §2.7: a split queue's size is a power of two, at most 32768; the
	 * device's maximum need not be one (§4.2.2 QueueNumMax), the size
	 * we pick must. */
	if (max == 0 || max > VRING_MAX_SIZE)
		return 0;
	if (want && want < max)
		max = want;
	unsigned p = 1;
	while (p * 2 <= max)
		p *= 2;
	return p;
}
