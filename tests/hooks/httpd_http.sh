#!/bin/sh
# SPDX-License-Identifier: MIT
# during= hook of an httpd case: tests/hooks/httpd_test.py in its "http" mode.
exec python3 "$ROOT/tests/hooks/httpd_test.py" http
