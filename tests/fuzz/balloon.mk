# SPDX-License-Identifier: MIT
# virtio-balloon page accounting under a hostile device: any num_pages,
# any answer (taken, failed) to any request, deflate-on-OOM in between.
# The page allocator it runs on is built plain (sanitizers, no coverage):
# the allocator has its own unit tests, and tracing its free-list loops
# made this harness run at a thousand executions a second.
FUZZ_TARGETS += balloon
FUZZ_SRCS_balloon := tests/fuzz/fuzz_balloon.c tests/unit/balloon_sim.c \
	drivers/virtio/balloon_pages.c
FUZZ_PLAIN_balloon := kern/mm/pmm.c kern/mm/memmap.c
