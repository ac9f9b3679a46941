// SPDX-License-Identifier: MIT
/* Fuzz the fw_cfg core (drivers/pvbus/fw_cfg.c) against a device whose
 * file directory and item contents come from the input: the directory's
 * count and entries (names, sizes, keys) may lie, items are shorter or
 * longer than the directory says, DMA may fail. Reached through both the
 * data register and DMA, as the store the shell's hostctl uses (read,
 * list) and through fw_cfg_find.
 *
 * Input: byte 0 flags (bit 0 offer DMA, bit 1 DMA sets the error bit,
 * bit 2 the ID item lies about DMA), a 16-bit directory length, that many
 * directory bytes, then the bytes every other item reads as (from offset 0;
 * zeros past the end, as QEMU gives past an item's end). */
#include "fuzz.h"
#include <drivers/fw_cfg.h>
#include <drivers/pvbus.h>
#include <kern/errno.h>

static struct {
	bool dma, dma_error;
	uint32_t id;
	const uint8_t *dir, *item;
	size_t dirlen, itemlen;
	uint16_t sel;
	uint32_t off;
} S;

static void copy(void *buf, size_t n)
{
	const uint8_t *src;
	size_t len;
	uint8_t *p = buf;

	switch (S.sel) {
	case FW_CFG_SIGNATURE: src = (const uint8_t *)"QEMU"; len = 4; break;
	case FW_CFG_ID: src = (const uint8_t *)&S.id; len = 4; break;
	case FW_CFG_FILE_DIR: src = S.dir; len = S.dirlen; break;
	default: src = S.item; len = S.itemlen;
	}
	size_t k = S.off < len ? len - S.off : 0;

	if (k > n)
		k = n;
	if (k)
		memcpy(p, src + S.off, k);
	memset(p + k, 0, n - k);
	S.off += (uint32_t)n;
}

static void op_select(void *ctx, uint16_t key)
{
	(void)ctx;
	S.sel = key;
	S.off = 0;
}

static void op_read(void *ctx, void *buf, size_t n)
{
	(void)ctx;
	copy(buf, n);
}

static uint64_t op_dma_probe(void *ctx)
{
	(void)ctx;
	return S.dma ? FW_CFG_DMA_SIGNATURE : 0;
}

static void op_dma_kick(void *ctx, uint64_t pa)
{
	struct fw_cfg_dma_access *a = (void *)(uintptr_t)pa;
	uint32_t ctl = __builtin_bswap32(a->control);
	uint32_t len = __builtin_bswap32(a->length);
	uint64_t addr = __builtin_bswap64(a->address);

	(void)ctx;
	if (S.dma_error) {
		a->control = __builtin_bswap32(FW_CFG_DMA_ERROR);
		return;
	}
	if (ctl & FW_CFG_DMA_SELECT)
		op_select(NULL, (uint16_t)(ctl >> 16));
	if (ctl & FW_CFG_DMA_READ)
		copy((void *)(uintptr_t)addr, len);
	else if (ctl & FW_CFG_DMA_SKIP)
		S.off += len;
	a->control = 0;
}

static const struct fw_cfg_ops ops = { op_select, op_read, op_dma_probe, op_dma_kick };

static int first_name(const struct fw_cfg_file *f, void *arg)
{
	memcpy(arg, f->name, FW_CFG_NAME_MAX);
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[8192];
	char name[FW_CFG_NAME_MAX] = "opt/x";
	struct fw_cfg fc;
	struct fw_cfg_file f;
	struct fz z = { data, size };
	uint8_t flags = fz_u8(&z);
	size_t dl = fz_u16(&z);
	uint8_t *dir, *item;
	int n;

	if (dl > z.n)
		dl = z.n;
	dir = fz_dup(z.p, dl, false);
	item = fz_dup(z.p + dl, z.n - dl, false);
	memset(&S, 0, sizeof(S));
	S.dma = flags & 1;
	S.dma_error = flags & 2;
	S.id = FW_CFG_ID_TRAD | ((flags & 1) ^ !!(flags & 4) ? FW_CFG_ID_DMA : 0);
	S.dir = dir;
	S.dirlen = dl;
	S.item = item;
	S.itemlen = z.n - dl;
	if (fw_cfg_probe(&fc, &ops, NULL, "fuzz") == 0) {
		fz_sink += (uint64_t)fw_cfg_dir_walk(&fc, first_name, name);
		if (strnlen(name, sizeof(name)) >= sizeof(name))
			abort();
		n = fw_cfg_find(&fc, name, &f);
		if (n == 0 && strcmp(f.name, name) != 0)
			abort();
		n = fw_cfg_store_ops.read(&fc, name, out, sizeof(out));
		if (n >= (int)sizeof(out) || (n >= 0 && out[n] != '\0'))
			abort();
		n = fw_cfg_store_ops.list(&fc, (flags & 8) ? "opt/" : "", out, sizeof(out));
		if (n >= (int)sizeof(out) || (n >= 0 && out[n] != '\0'))
			abort();
		fw_cfg_store_ops.describe(&fc, out, 200);
	}
	free(dir);
	free(item);
	return 0;
}
