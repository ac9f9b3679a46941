# SPDX-License-Identifier: MIT
# The pure PCI decoders: BAR sizing, capability walks, MCFG.
UNIT_TESTS += pci
UNIT_SRCS_pci := tests/unit/test_pci.c drivers/pci/bar.c drivers/pci/cap.c drivers/pci/mcfg.c
