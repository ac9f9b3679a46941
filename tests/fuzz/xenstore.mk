# SPDX-License-Identifier: MIT
# XenStore replies from a hostile xenstored.
FUZZ_TARGETS += xenstore
FUZZ_SRCS_xenstore := tests/fuzz/fuzz_xenstore.c drivers/pvbus/xenstore.c drivers/pvbus/store.c
