# SPDX-License-Identifier: MIT
# virtio-console's control-message decoder against hostile messages.
UNIT_TESTS += vcon
UNIT_SRCS_vcon := tests/unit/test_vcon.c drivers/virtio/console_ctl.c
