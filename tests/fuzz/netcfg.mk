# SPDX-License-Identifier: MIT
# net.IF.ip= and friends, and the address parsers.
FUZZ_TARGETS += netcfg
FUZZ_SRCS_netcfg := tests/fuzz/fuzz_netcfg.c net/netcfg.c
