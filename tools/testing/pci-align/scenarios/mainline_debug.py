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

from harness.variants import in_check
from scenarios import findings, mainline, vfio
from scenarios.debug import debug_boot

NAME = 'mainline_debug'
PICK = (
    (mainline, ('ml-none', 'ml-all', 'ml-named', 'ml-malformed')),
    (findings, ('f1-all',)),
    (vfio, ('arm64-vfio-none', 'arm64-vfio-all')),
)


def _pick():
    out = []
    for mod, names in PICK:
        by = {b.name: b for b in mod.BOOTS}
        out += [debug_boot(by[n]) for n in names]
    return out


BOOTS = _pick()


def only(full):
    """The boots of the kernels the tier builds."""
    built = {v.name for v in in_check(full)}
    return {b.name for b in BOOTS if b.variant in built}
