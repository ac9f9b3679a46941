UNIT_TESTS += balloon
UNIT_SRCS_balloon := tests/unit/test_balloon.c tests/unit/stubs.c tests/unit/balloon_sim.c \
	drivers/virtio/balloon_pages.c kern/mm/pmm.c kern/mm/memmap.c
