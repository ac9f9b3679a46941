# SPDX-License-Identifier: MIT
# The key-value appliance's RESP requests, integers and KEYS globs.
FUZZ_TARGETS += resp
FUZZ_SRCS_resp := tests/fuzz/fuzz_resp.c apps/kv_resp.c
