/* SPDX-License-Identifier: MIT */
/* QEMU's firmware configuration device (fw_cfg), as described in QEMU's
 * docs/specs/fw_cfg.rst: a selector register, a data register and an
 * optional DMA address register, at I/O ports on x86 and in MMIO on Arm
 * (device tree "qemu,fw-cfg-mmio"). The protocol logic is common; where the
 * registers are is a transport behind struct fw_cfg_ops, so the aarch64
 * MMIO transport plugs in without touching the core.
 *
 * Registered as the pvbus store "fw_cfg": read and list its file items
 * (names up to 55 characters, such as `-fw_cfg name=opt/org.example/x,...`);
 * writes give -EPERM, since QEMU makes every externally provided item
 * read-only to the guest (fw_cfg.rst, "Externally Provided Items"). */
#ifndef DRIVERS_FW_CFG_H
#define DRIVERS_FW_CFG_H

#include <kern/compiler.h>

/* Well-known selector keys (fw_cfg.rst, "Firmware Configuration Items"). */
#define FW_CFG_SIGNATURE   0x0000   /* "QEMU" */
#define FW_CFG_ID          0x0001   /* feature bitmap, 32-bit little-endian */
#define FW_CFG_FILE_DIR    0x0019   /* the file directory */
#define FW_CFG_FILE_FIRST  0x0020   /* first key a file item may use */
#define FW_CFG_KEY_LIMIT   0x4000   /* generic keys are 0x0000-0x3fff */

#define FW_CFG_ID_TRAD     (1u << 0)  /* traditional interface, always set */
#define FW_CFG_ID_DMA      (1u << 1)  /* DMA interface present */

/* Reading the DMA address register returns "QEMU CFG" big-endian. */
#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ull

/* FWCfgDmaAccess control bits (fw_cfg.rst, "Guest-side DMA Interface"). */
#define FW_CFG_DMA_ERROR   (1u << 0)
#define FW_CFG_DMA_READ    (1u << 1)
#define FW_CFG_DMA_SKIP    (1u << 2)
#define FW_CFG_DMA_SELECT  (1u << 3)
#define FW_CFG_DMA_WRITE   (1u << 4)

/* The structure a DMA operation points at; every field big-endian. */
struct fw_cfg_dma_access {
	uint32_t control;
	uint32_t length;
	uint64_t address;
} __packed;
_Static_assert(sizeof(struct fw_cfg_dma_access) == 16, "FWCfgDmaAccess");

/* One file directory entry as the device stores it (big-endian numbers,
 * name NUL-terminated ASCII). The directory is a 32-bit big-endian count
 * followed by count entries. */
#define FW_CFG_NAME_MAX 56          /* bytes of name, with its NUL */
struct fw_cfg_dir_entry {
	uint32_t size;
	uint16_t select;
	uint16_t reserved;
	char name[FW_CFG_NAME_MAX];
} __packed;
_Static_assert(sizeof(struct fw_cfg_dir_entry) == 64, "FWCfgFile");

/* A parsed directory entry, host byte order. */
struct fw_cfg_file {
	uint32_t size;
	uint16_t select;
	char name[FW_CFG_NAME_MAX];
};

/* Where the registers are. Every op is required. */
struct fw_cfg_ops {
	/* Write key to the selector register (resets the data offset). */
	void (*select)(void *ctx, uint16_t key);
	/* Read n bytes from the data register at the current offset. */
	void (*read)(void *ctx, void *buf, size_t n);
	/* Read the DMA address register (FW_CFG_DMA_SIGNATURE when the DMA
	 * interface is there; anything else means it is not). */
	uint64_t (*dma_probe)(void *ctx);
	/* Write the physical address of a fw_cfg_dma_access to the DMA
	 * address register, which starts the operation. */
	void (*dma_kick)(void *ctx, uint64_t pa);
};

/* How data moves: the data register ("port" on x86) or DMA. */
enum fw_cfg_xfer { FW_CFG_XFER_REG, FW_CFG_XFER_DMA };

struct fw_cfg {
	const struct fw_cfg_ops *ops;
	void *ctx;
	const char *transport;      /* "ioport", "mmio" */
	uint32_t features;          /* the FW_CFG_ID item */
	bool has_dma;               /* both the ID bit and the signature */
	enum fw_cfg_xfer xfer;
	bool broken;                /* a DMA op never completed: stop using it */
};

/* Parse one raw directory entry. @return 0, or -EBADMSG for an entry no
 * device should send (name not terminated or empty, key below
 * FW_CFG_FILE_FIRST or past the generic range). */
int fw_cfg_dir_parse(const struct fw_cfg_dir_entry *raw, struct fw_cfg_file *out);

/* Check the signature and read the features; pick DMA when offered.
 * @return 0, or -ENODEV when no fw_cfg answers there. */
int fw_cfg_probe(struct fw_cfg *fc, const struct fw_cfg_ops *ops, void *ctx,
		 const char *transport);
/* Choose the transfer mode. @return 0, or -EOPNOTSUPP for DMA without it. */
int fw_cfg_set_xfer(struct fw_cfg *fc, enum fw_cfg_xfer x);
/* Read n bytes of item key from offset 0. @return 0 or -EIO/-ETIMEDOUT. */
int fw_cfg_read_item(struct fw_cfg *fc, uint16_t key, void *buf, size_t n);
/* Look a file up by name. @return 0, -ENOENT, or a transfer error. */
int fw_cfg_find(struct fw_cfg *fc, const char *name, struct fw_cfg_file *out);
/* Call fn for each valid directory entry until it returns non-zero.
 * @return fn's non-zero value, 0 at the end, or a transfer error. */
int fw_cfg_dir_walk(struct fw_cfg *fc,
		    int (*fn)(const struct fw_cfg_file *f, void *arg), void *arg);

/* The pvbus store ops over a probed device (ctx = struct fw_cfg *). */
extern const struct pvbus_store_ops fw_cfg_store_ops;

/* The platform's fw_cfg, once a transport has probed and registered it
 * (NULL when absent). */
struct fw_cfg *fw_cfg_get(void);
/* Register fc as the platform's device and as the pvbus store "fw_cfg".
 * @return 0 or -EEXIST. */
int fw_cfg_register(struct fw_cfg *fc);

#endif
