# SPDX-License-Identifier: MIT
# The key-value appliance's disk: header copies and log records.
FUZZ_TARGETS += kvlog
FUZZ_SRCS_kvlog := tests/fuzz/fuzz_kvlog.c apps/kv_log.c
