#!/bin/sh
# SPDX-License-Identifier: MIT
# Pre hook of a kv case: tests/hooks/kv_host.py proto (its docstring says what).
exec python3 "${ROOT:-.}/tests/hooks/kv_host.py" proto
