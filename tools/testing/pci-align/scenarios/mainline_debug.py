# SPDX-License-Identifier: GPL-2.0
"""mainline_debug: boots of the v5 scenarios again, on the debug kernel.

As scenarios/debug.py does for 6.12: each boot is the boot of its
scenario on variant arm64-debug (KASAN, UBSAN, lockdep, kmemleak,
DEBUG_OBJECTS), renamed debug-<name>, with that scenario's expectations
plus debug_reports=0 (no report of any kind; pciehp's known lockdep
report of the stock kernel is shown, not counted):

  mainline  ml-none, ml-all, ml-named, ml-malformed
  findings  f1-all (I/O window fails, remove and rescan, "all")
  vfio      arm64-vfio-none, arm64-vfio-all (vfio-pci's message)

The debug kernel is in the full tier: make check-full runs these boots.
"""

from harness.scenario import built_in_tier
from scenarios import debug, findings, mainline, vfio

NAME = 'mainline_debug'
PICK = (
    (mainline, ('ml-none', 'ml-all', 'ml-named', 'ml-malformed')),
    (findings, ('f1-all',)),
    (vfio, ('arm64-vfio-none', 'arm64-vfio-all')),
)

BOOTS = debug.pick(PICK)


def only(full):
    """The boots of the kernels the tier builds."""
    return built_in_tier(BOOTS, full)
