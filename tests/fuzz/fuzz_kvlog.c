// SPDX-License-Identifier: MIT
/* Fuzz the key-value appliance's on-disk codec (apps/kv_log.c) as a torn,
 * corrupt or hostile disk presents it: two header copies (the input's
 * first 128 bytes), then the log (the rest) decoded record after record
 * the way replay walks it (stop at zeros, a short record, or the first bad
 * one), each good record re-encoded and compared. The input is in a buffer
 * of exactly its size.
 *
 * Promises checked: a record's size is within the buffer and at least a
 * header, its key and value point inside it, lengths respect the bounds
 * given, the type is one of the three, and encode(decode(x)) == x. */
#include "fuzz.h"
#include "../../apps/kv_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *disk = fz_dup(data, size, false);
	static uint8_t again[1 << 17];
	struct kvlog_hdr h;
	size_t off = 2 * KVLOG_HDR_SIZE;

	for (size_t k = 0; k + KVLOG_HDR_SIZE <= size && k < 2 * KVLOG_HDR_SIZE;
	     k += KVLOG_HDR_SIZE)
		if (kvlog_hdr_decode(disk + k, &h)) {
			uint8_t enc[KVLOG_HDR_SIZE];

			kvlog_hdr_encode(&h, enc);
			if (memcmp(enc, disk + k, KVLOG_HDR_SIZE))
				abort();
		}
	while (off < size) {
		struct kvlog_rec r;
		size_t used = 0;
		enum kvlog_status s = kvlog_decode(disk + off, size - off, 4096, 65536, &r, &used);

		fz_sink += strlen(kvlog_status_str(s));
		if (s != KVLOG_OK)
			break;
		if (used < KVLOG_REC_HDR || used > size - off ||
		    used != kvlog_rec_size(r.klen, r.vlen) || r.klen > 4096 || r.vlen > 65536)
			abort();
		if (r.type != KVLOG_SET && r.type != KVLOG_DEL && r.type != KVLOG_FLUSH)
			abort();
		if ((r.klen && (r.key < disk + off || r.key + r.klen > disk + off + used)) ||
		    (r.vlen && (r.val < disk + off || r.val + r.vlen > disk + off + used)))
			abort();
		if (kvlog_encode(&r, again, sizeof(again)) != used || memcmp(again, disk + off, used))
			abort();
		off += used;
	}
	free(disk);
	return 0;
}
