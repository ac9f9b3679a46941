// SPDX-License-Identifier: MIT
/* The vhost-user message loop's one step (QEMU's docs/interop/vhost-user.rst):
 * read a message (a 12-byte header, its payload, and any file descriptors
 * in SCM_RIGHTS ancillary data), act on it, and reply where the protocol
 * says so. With REPLY_ACK negotiated, a message that has no reply of its
 * own but carries NEED_REPLY gets a u64 status (0: success). */
#include "vhh.h"
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* What this device offers: virtio-blk with the core ring features. */
static uint64_t offered_features(void)
{
	uint64_t f = 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_INDIRECT_DESC |
		     1ull << VIRTIO_F_EVENT_IDX | 1ull << VHU_F_PROTOCOL_FEATURES |
		     1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_BLK_SIZE |
		     1ull << VIRTIO_BLK_F_FLUSH | 1ull << VIRTIO_BLK_F_DISCARD |
		     1ull << VIRTIO_BLK_F_WRITE_ZEROES;
	if (opt.readonly)
		f |= 1ull << VIRTIO_BLK_F_RO;
	return f;
}

static const uint64_t offered_protocol =
	1ull << VHU_PF_MQ | 1ull << VHU_PF_REPLY_ACK | 1ull << VHU_PF_BACKEND_REQ |
	1ull << VHU_PF_CONFIG;

/* Move all len bytes from fd into buf (out false) or from buf to fd (out
 * true), over short transfers and EINTR. @return 0, or -1 when the
 * connection closed or failed. */
static int xfer_full(int fd, void *buf, size_t len, bool out)
{
	uint8_t *p = buf;
	while (len) {
		ssize_t r = out ? write(fd, p, len) : read(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* @return 0, or -1 when the connection closed or broke the framing. */
static int recv_msg(int fd, struct vhu_hdr *h, uint8_t *payload, int *fds, unsigned *nfds)
{
	struct iovec iov = { h, sizeof(*h) };
	union {
		char buf[CMSG_SPACE(VHU_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} cb;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cb.buf, .msg_controllen = sizeof(cb.buf) };
	ssize_t r;

	*nfds = 0;
	do
		r = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		unsigned n = (unsigned)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (unsigned i = 0; i < n; i++) {
			int f;
			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*nfds < VHU_MAX_FDS)
				fds[(*nfds)++] = f;
			else
				close(f);
		}
	}
	if ((size_t)r < sizeof(*h) && xfer_full(fd, (uint8_t *)h + r, sizeof(*h) - (size_t)r, false))
		return -1;
	if (h->size > VHU_MAX_PAYLOAD) {
		vhh_log("request %u: payload of %u bytes: too big", h->request, h->size);
		return -1;
	}
	return xfer_full(fd, payload, h->size, false);
}

static int reply(struct dev *d, uint32_t request, const void *payload, uint32_t size)
{
	struct vhu_hdr h = { request, VHU_VERSION | VHU_FLAG_REPLY, size };
	uint8_t buf[sizeof(h) + VHU_CONFIG_HDR + VHU_CONFIG_MAX];

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, size);
	return xfer_full(d->sock, buf, sizeof(h) + size, true);
}

static int reply_u64(struct dev *d, uint32_t request, uint64_t v)
{
	return reply(d, request, &v, sizeof(v));
}

static void take_fd(int *slot, const int *fds, unsigned nfds, uint64_t arg)
{
	if (*slot >= 0)
		close(*slot);
	*slot = (arg & VHU_VRING_NOFD) || nfds == 0 ? -1 : fds[0];
}

/* Point the ring at guest memory (after SET_VRING_ADDR, and again after a
 * new memory table). */
static void vring_map(struct dev *d, const struct vhu_vring_addr *a)
{
	struct vring *vq = &d->vq;
	unsigned n = vq->num;

	vq->desc = uva_to_host(d, a->desc, (uint64_t)n * sizeof(struct vring_desc));
	vq->avail = uva_to_host(d, a->avail, 6 + 2ull * n);
	vq->used = uva_to_host(d, a->used, 6 + 8ull * n);
	if (!vq->desc || !vq->avail || !vq->used) {
		vhh_log("ring addresses outside guest memory: ring not usable");
		vq->desc = NULL;
		vq->avail = NULL;
		vq->used = NULL;
	}
}

static struct vhu_vring_addr ring_addr;

/* The virtio-blk configuration (§5.2.4) as this device has it now. */
static void blk_config(struct dev *d, struct virtio_blk_config *c)
{
	memset(c, 0, sizeof(*c));
	c->capacity = d->capacity;
	c->seg_max = (d->vq.num ? d->vq.num : 128) - 2;
	c->blk_size = 512;
	c->num_queues = 1;
	c->max_discard_sectors = VHH_RANGE_SECTORS;
	c->max_discard_seg = VHH_RANGE_SEGS;
	c->discard_sector_alignment = 8;
	c->max_write_zeroes_sectors = VHH_RANGE_SECTORS;
	c->max_write_zeroes_seg = VHH_RANGE_SEGS;
	c->write_zeroes_may_unmap = 1;
}

/* Never blocks: QEMU answers a change with GET_CONFIG on the main socket
 * and waits for our reply before it reads its backend channel again, so a
 * blocking send into a full channel would deadlock the two of us. */
int proto_config_change(struct dev *d)
{
	struct vhu_hdr h = { VHU_BACKEND_CONFIG_CHANGE_MSG, VHU_VERSION, 0 };

	if (d->backend_fd < 0) {
		vhh_log("no backend channel (SET_BACKEND_REQ_FD): no configuration change");
		return 0;
	}
	ssize_t r = send(d->backend_fd, &h, sizeof(h), MSG_DONTWAIT | MSG_NOSIGNAL);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -1;
	if (r != (ssize_t)sizeof(h))
		vhh_log("backend channel: %s", r < 0 ? strerror(errno) : "short send");
	return 0;
}

int proto_handle(struct dev *d)
{
	struct vhu_hdr h;
	uint8_t p[VHU_MAX_PAYLOAD];
	int fds[VHU_MAX_FDS];
	unsigned nfds = 0;
	uint64_t u64 = 0;
	int rc = 0;         /* for REPLY_ACK: 0 success */
	bool replied = false;
	struct vring *vq = &d->vq;

	if (recv_msg(d->sock, &h, p, fds, &nfds))
		return -1;
	if (h.size >= 8)
		memcpy(&u64, p, 8);
	struct vhu_vring_state st = { 0, 0 };
	if (h.size >= sizeof(st))
		memcpy(&st, p, sizeof(st));

	switch (h.request) {
	case VHU_GET_FEATURES:
		reply_u64(d, h.request, offered_features());
		replied = true;
		break;
	case VHU_SET_FEATURES:
		d->features = u64;
		vhh_log("features 0x%llx", (unsigned long long)u64);
		break;
	case VHU_SET_OWNER:
		break;
	case VHU_RESET_OWNER:
		vring_stop(d);
		break;
	case VHU_GET_PROTOCOL_FEATURES:
		reply_u64(d, h.request, offered_protocol);
		replied = true;
		break;
	case VHU_SET_PROTOCOL_FEATURES:
		d->protocol_features = u64 & offered_protocol;
		break;
	case VHU_GET_QUEUE_NUM:
		reply_u64(d, h.request, 1);
		replied = true;
		break;
	case VHU_SET_MEM_TABLE:
		rc = mem_set_table(d, p, h.size, fds, nfds);
		if (!rc && vq->addr_set)
			vring_map(d, &ring_addr);
		break;
	case VHU_SET_VRING_NUM:
		if (st.index != 0 || st.num == 0 || st.num > VHH_MAX_QUEUE || (st.num & (st.num - 1))) {
			vhh_log("SET_VRING_NUM %u for ring %u: refused", st.num, st.index);
			rc = 1;
		} else {
			vq->num = st.num;
		}
		break;
	case VHU_SET_VRING_ADDR:
		if (h.size < sizeof(ring_addr) || !vq->num) {
			rc = 1;
			break;
		}
		memcpy(&ring_addr, p, sizeof(ring_addr));
		vring_map(d, &ring_addr);
		vq->addr_set = vq->desc != NULL;
		if (vq->used)
			vq->used_idx = vq->signalled_at =
				__atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE);
		break;
	case VHU_SET_VRING_BASE:
		vq->last_avail = (uint16_t)st.num;
		break;
	case VHU_GET_VRING_BASE: {
		vring_stop(d);
		struct vhu_vring_state r = { st.index, vq->last_avail };
		vhh_log("ring %u stopped at available index %u", st.index, vq->last_avail);
		reply(d, h.request, &r, sizeof(r));
		replied = true;
		break;
	}
	case VHU_SET_VRING_KICK:
		take_fd(&vq->kick, fds, nfds, u64);
		nfds = 0;
		/* The ring starts with its kick descriptor (vhost-user.rst,
		 * "Starting and stopping rings"). */
		vq->started = vq->addr_set;
		vring_process(d);
		break;
	case VHU_SET_VRING_CALL:
		take_fd(&vq->call, fds, nfds, u64);
		nfds = 0;
		break;
	case VHU_SET_VRING_ERR:
		take_fd(&vq->err, fds, nfds, u64);
		nfds = 0;
		break;
	case VHU_SET_VRING_ENABLE:
		vq->disabled = st.num == 0;
		vring_process(d);
		break;
	case VHU_SET_BACKEND_REQ_FD:
		if (d->backend_fd >= 0)
			close(d->backend_fd);
		d->backend_fd = nfds ? fds[0] : -1;
		nfds = 0;
		break;
	case VHU_GET_CONFIG: {
		uint32_t off, size;
		uint8_t out[VHU_CONFIG_HDR + VHU_CONFIG_MAX] = { 0 };
		struct virtio_blk_config c;
		if (h.size < VHU_CONFIG_HDR || h.size > sizeof(out)) {
			rc = 1;
			break;
		}
		memcpy(&off, p, 4);
		memcpy(&size, p + 4, 4);
		memcpy(out, p, VHU_CONFIG_HDR);
		blk_config(d, &c);
		if (off < VHH_CONFIG_LEN && size <= VHU_CONFIG_MAX) {
			uint32_t n = size < VHH_CONFIG_LEN - off ? size : VHH_CONFIG_LEN - off;
			memcpy(out + VHU_CONFIG_HDR, (uint8_t *)&c + off, n);
		}
		reply(d, h.request, out, h.size);
		replied = true;
		break;
	}
	case VHU_SET_CONFIG:
		break;      /* writeback: every write is written through */
	default:
		vhh_log("request %u not handled", h.request);
		rc = 1;
		break;
	}
	for (unsigned i = 0; i < nfds; i++)
		close(fds[i]);
	if ((h.flags & VHU_FLAG_NEED_REPLY) && !replied &&
	    (d->protocol_features & (1ull << VHU_PF_REPLY_ACK)))
		reply_u64(d, h.request, (uint64_t)rc);
	return 0;
}
