# SPDX-License-Identifier: MIT
# The HTTP appliance's request head, path, Range, date and validator parsers.
FUZZ_TARGETS += http
FUZZ_SRCS_http := tests/fuzz/fuzz_http.c apps/http_parse.c
