// SPDX-License-Identifier: MIT
/* The pure half of the virtio-mmio transport (<drivers/virtio_mmio.h>):
 * where devices are, from the kernel command line, and the checks on what a
 * register block says about itself. (ACPI's LNRO0005 devices are read by
 * the platform-device registry's AML scan, drivers/platdev/acpi_hid.c.) No
 * kernel state, no I/O: warnings go through a callback, so the host unit
 * tests (tests/unit/test_virtio_mmio.c) run all of it under ASan and UBSan
 * on hostile strings. */
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
