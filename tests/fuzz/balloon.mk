# SPDX-License-Identifier: MIT
# virtio-balloon page accounting under a hostile device: any num_pages,
# any answer (taken, failed) to any request, deflate-on-OOM in between.
FUZZ_TARGETS += balloon
FUZZ_SRCS_balloon := tests/fuzz/fuzz_balloon.c tests/unit/balloon_sim.c \
	drivers/virtio/balloon_pages.c kern/mm/pmm.c kern/mm/memmap.c
