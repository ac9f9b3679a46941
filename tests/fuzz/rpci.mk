# SPDX-License-Identifier: MIT
# VMware RPCI replies from a hostile host.
FUZZ_TARGETS += rpci
FUZZ_SRCS_rpci := tests/fuzz/fuzz_rpci.c drivers/pvbus/rpci.c drivers/pvbus/store.c
