# SPDX-License-Identifier: GPL-2.0
"""The pci-align harness: QEMU machines, kernel variants, scenarios, KTAP.

Not part of the upstream series; see ../README.md for the map.
"""
