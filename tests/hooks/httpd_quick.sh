#!/bin/sh
# SPDX-License-Identifier: MIT
# during= hook of an httpd case: tests/hooks/httpd_test.py in its "quick" mode.
exec python3 "$ROOT/tests/hooks/httpd_test.py" quick
