// SPDX-License-Identifier: MIT
/* QEMU fw_cfg: the protocol over any transport (QEMU docs/specs/fw_cfg.rst),
 * and the read-only pvbus store "fw_cfg" built on its file directory.
 * Pure logic: registers are reached through struct fw_cfg_ops only, so the
 * host unit tests drive this against a simulated device, hostile ones too.
 *
 * Nothing the device says is trusted: the directory count is bounded by the
 * key space, every entry is checked before use (a truncated directory reads
 * back as zeros: the walk ends at the first all-zero entry), sizes are checked
 * against the caller's buffer, and a DMA operation that never completes is
 * abandoned after a bounded poll. */
#include <arch/barrier.h>
#include <drivers/fw_cfg.h>
#include <drivers/pvbus.h>
#include <kern/dma.h>
#include <kern/errno.h>
#include <stdio.h>
#include <string.h>

/* The DMA interface is synchronous in QEMU ("doesn't happen today due to
 * implementation not being async", fw_cfg.rst) but the spec allows an
 * operation in progress; poll this many times before giving up. */
#define FW_CFG_DMA_POLLS 1000000u

/* DMA goes through a bounce buffer in the kernel image, whose physical
 * address is certain, rather than into callers' buffers (which might be on
 * a stack mapped elsewhere). */
#define FW_CFG_BOUNCE 4096
static struct fw_cfg_dma_access dma_access __aligned(16);
static uint8_t dma_bounce[FW_CFG_BOUNCE] __aligned(64);

static inline uint32_t be32(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

static inline uint64_t be64(uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap64(v);
#else
	return v;
#endif
}

static inline uint16_t be16(uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16(v);
#else
	return v;
#endif
}

int fw_cfg_dir_parse(const struct fw_cfg_dir_entry *raw, struct fw_cfg_file *out)
{
	size_t n = strnlen(raw->name, FW_CFG_NAME_MAX);
	uint16_t key = be16(raw->select);

	if (n == 0 || n == FW_CFG_NAME_MAX)
		return -EBADMSG;
	if (key < FW_CFG_FILE_FIRST || key >= FW_CFG_KEY_LIMIT)
		return -EBADMSG;
	out->size = be32(raw->size);
	out->select = key;
	memcpy(out->name, raw->name, n);
	memset(out->name + n, 0, FW_CFG_NAME_MAX - n);
	return 0;
}

/* One DMA operation of up to FW_CFG_BOUNCE bytes into the bounce buffer. */
static int dma_op(struct fw_cfg *fc, uint32_t control, uint32_t len)
{
	uint32_t ctl;

	if (fc->broken)
		return -EIO;
	WRITE_ONCE(dma_access.control, be32(control));
	WRITE_ONCE(dma_access.length, be32(len));
	WRITE_ONCE(dma_access.address, be64(dma_addr(dma_bounce)));
	/* The device must see the structure before the doorbell. */
	dma_wmb();
	fc->ops->dma_kick(fc->ctx, dma_addr(&dma_access));
	for (uint32_t i = 0; i < FW_CFG_DMA_POLLS; i++) {
		ctl = be32(READ_ONCE(dma_access.control));
		if (ctl & FW_CFG_DMA_ERROR)
			return -EIO;
		if (ctl == 0) {
			/* Order the data reads after seeing completion. */
			dma_rmb();
			return 0;
		}
		cpu_relax();
	}
	/* The device may still write here later: never reuse DMA. */
	fc->broken = true;
	fc->xfer = FW_CFG_XFER_REG;
	return -ETIMEDOUT;
}

/* Read n bytes: from a newly selected key when sel, else at the current
 * offset of the selected one. */
static int xfer_read(struct fw_cfg *fc, bool sel, uint16_t key, void *buf,
		     size_t n)
{
	uint8_t *p = buf;
	int err;

	if (fc->xfer == FW_CFG_XFER_REG) {
		if (sel)
			fc->ops->select(fc->ctx, key);
		if (n)
			fc->ops->read(fc->ctx, buf, n);
		return 0;
	}
	do {
		uint32_t chunk = n > FW_CFG_BOUNCE ? FW_CFG_BOUNCE : (uint32_t)n;
		uint32_t ctl = FW_CFG_DMA_READ;

		if (sel)
			ctl |= FW_CFG_DMA_SELECT | ((uint32_t)key << 16);
		sel = false;
		if ((err = dma_op(fc, ctl, chunk)))
			return err;
		memcpy(p, dma_bounce, chunk);
		p += chunk;
		n -= chunk;
	} while (n);
	return 0;
}

int fw_cfg_read_item(struct fw_cfg *fc, uint16_t key, void *buf, size_t n)
{
	return xfer_read(fc, true, key, buf, n);
}

int fw_cfg_probe(struct fw_cfg *fc, const struct fw_cfg_ops *ops, void *ctx,
		 const char *transport)
{
	uint8_t sig[4], id[4];

	memset(fc, 0, sizeof(*fc));
	fc->ops = ops;
	fc->ctx = ctx;
	fc->transport = transport;
	fc->xfer = FW_CFG_XFER_REG;

	/* "If the fw_cfg device is present, the four bytes read will
	 * contain the characters QEMU" (fw_cfg.rst, Signature). */
	xfer_read(fc, true, FW_CFG_SIGNATURE, sig, sizeof(sig));
	if (memcmp(sig, "QEMU", 4) != 0)
		return -ENODEV;
	xfer_read(fc, true, FW_CFG_ID, id, sizeof(id));
	fc->features = (uint32_t)id[0] | (uint32_t)id[1] << 8 |
		       (uint32_t)id[2] << 16 | (uint32_t)id[3] << 24;
	/* Trust DMA only when both the feature bit and the register's
	 * signature say so. */
	if ((fc->features & FW_CFG_ID_DMA) &&
	    ops->dma_probe(ctx) == FW_CFG_DMA_SIGNATURE) {
		fc->has_dma = true;
		fc->xfer = FW_CFG_XFER_DMA;
	}
	return 0;
}

int fw_cfg_set_xfer(struct fw_cfg *fc, enum fw_cfg_xfer x)
{
	if (x == FW_CFG_XFER_DMA && (!fc->has_dma || fc->broken))
		return -EOPNOTSUPP;
	fc->xfer = x;
	return 0;
}

static bool mem_is_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

int fw_cfg_dir_walk(struct fw_cfg *fc,
		    int (*fn)(const struct fw_cfg_file *f, void *arg), void *arg)
{
	struct fw_cfg_dir_entry raw;
	struct fw_cfg_file f;
	uint32_t count;
	int err;

	if ((err = xfer_read(fc, true, FW_CFG_FILE_DIR, &count, sizeof(count))))
		return err;
	count = be32(count);
	/* No more files than keys they could have. */
	if (count > FW_CFG_KEY_LIMIT - FW_CFG_FILE_FIRST)
		count = FW_CFG_KEY_LIMIT - FW_CFG_FILE_FIRST;
	for (uint32_t i = 0; i < count; i++) {
		if ((err = xfer_read(fc, false, 0, &raw, sizeof(raw))))
			return err;
		/* Past an item's end the device reads zeros (fw_cfg.rst,
		 * Data Register): an all-zero entry is the directory's real
		 * end when its count overstates it, and nothing a device
		 * could mean (key 0 is the signature). Stop there instead
		 * of reading up to 16352 more of them on every lookup. */
		if (mem_is_zero(&raw, sizeof(raw)))
			break;
		if (fw_cfg_dir_parse(&raw, &f))
			continue;
		if ((err = fn(&f, arg)))
			return err;
	}
	return 0;
}

struct find_arg {
	const char *name;
	struct fw_cfg_file *out;
};

static int find_cb(const struct fw_cfg_file *f, void *arg)
{
	struct find_arg *a = arg;

	if (strcmp(f->name, a->name) != 0)
		return 0;
	*a->out = *f;
	return 1;
}

int fw_cfg_find(struct fw_cfg *fc, const char *name, struct fw_cfg_file *out)
{
	struct find_arg a = { name, out };
	int err;

	if (strnlen(name, FW_CFG_NAME_MAX) >= FW_CFG_NAME_MAX)
		return -ENOENT;
	err = fw_cfg_dir_walk(fc, find_cb, &a);
	if (err < 0)
		return err;
	return err ? 0 : -ENOENT;
}

/* ---- the pvbus store ----------------------------------------------------- */

static int store_read(void *ctx, const char *key, char *val, size_t len)
{
	struct fw_cfg *fc = ctx;
	struct fw_cfg_file f;
	int err;

	if ((err = fw_cfg_find(fc, key, &f)))
		return err;
	/* The value and its NUL must fit. */
	if (f.size >= len)
		return -ERANGE;
	if ((err = fw_cfg_read_item(fc, f.select, val, f.size)))
		return err;
	val[f.size] = '\0';
	return (int)f.size;
}

static int store_write(void *ctx __unused, const char *key __unused,
		       const char *val __unused)
{
	return -EPERM;
}

struct list_arg {
	const char *prefix;
	size_t plen;
	char *buf;
	size_t len, pos;
};

static int list_cb(const struct fw_cfg_file *f, void *arg)
{
	struct list_arg *a = arg;
	size_t n = strlen(f->name);

	if (strncmp(f->name, a->prefix, a->plen) != 0)
		return 0;
	if (a->pos + n + 1 >= a->len)
		return -ERANGE;
	memcpy(a->buf + a->pos, f->name, n);
	a->pos += n;
	a->buf[a->pos++] = '\n';
	a->buf[a->pos] = '\0';
	return 0;
}

static int store_list(void *ctx, const char *prefix, char *buf, size_t len)
{
	struct list_arg a = { prefix, strlen(prefix), buf, len, 0 };
	int err;

	buf[0] = '\0';
	if ((err = fw_cfg_dir_walk(ctx, list_cb, &a)))
		return err;
	return (int)a.pos;
}

static void store_describe(void *ctx, char *buf, size_t len)
{
	struct fw_cfg *fc = ctx;

	snprintf(buf, len, "QEMU fw_cfg on %s, features %#x, DMA %s, using %s%s",
		 fc->transport, fc->features,
		 fc->has_dma ? "offered" : "absent",
		 fc->xfer == FW_CFG_XFER_DMA ? "dma" : "data register",
		 fc->broken ? " (DMA abandoned)" : "");
}

const struct pvbus_store_ops fw_cfg_store_ops = {
	.read = store_read,
	.write = store_write,
	.list = store_list,
	.describe = store_describe,
};

static struct fw_cfg *the_fw_cfg;
static struct pvbus_store fw_cfg_store = { .name = "fw_cfg", .ops = &fw_cfg_store_ops };

struct fw_cfg *fw_cfg_get(void)
{
	return the_fw_cfg;
}

int fw_cfg_register(struct fw_cfg *fc)
{
	int err;

	if (the_fw_cfg)
		return -EEXIST;
	fw_cfg_store.ctx = fc;
	if ((err = pvbus_store_register(&fw_cfg_store)))
		return err;
	the_fw_cfg = fc;
	return 0;
}
