# SPDX-License-Identifier: MIT
# apps/http_parse.c: request heads, limits, paths, Range, dates, validators,
# media types, and random and mutated heads (no crash, no overread).
UNIT_TESTS += http_parse
UNIT_SRCS_http_parse := tests/unit/test_http_parse.c apps/http_parse.c
