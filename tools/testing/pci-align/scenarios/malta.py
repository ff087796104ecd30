# SPDX-License-Identifier: GPL-2.0
"""malta (mips64el): bridge windows sized without a realloc list.

QEMU's malta boot stub places no BAR; Linux assigns them all in
pcibios_scanbus() (arch/mips/pci/pci-legacy.c): pci_bus_size_bridges()
without a realloc list, then pci_bus_assign_resources(), and nothing
retries a failure.  The root window is 128 MiB.

On the topology malta (a pci-bridge with three small-BAR pci-testdevs, a
1 MiB one and an i6300esb; three small-BAR pci-testdevs and an i6300esb
on the root bus), platform.boots():
  malta-none   no parameter: the reference
  malta-all    pci=resource_alignment=all
  malta-pab    CONFIG_PCI_PAGE_ALIGN_BARS=y, no parameter
  malta-order  pci=resource_alignment=20@all
  malta-dev    pci=resource_alignment=0000:01:01.0
each against malta-none: the same devices and drivers, every BAR still
assigned, no resource_alignment error, no overlapping decode; -all,
-pab and -order no shared 4 KiB page, -order every BAR below 1 MiB
1 MiB-aligned.

On the topology malta-squeeze (see topologies.py: the bridge's windows
fit into the space left only without the padding of five small BARs):
  malta-squeeze-none  no parameter: every BAR assigned, the five small
                      BAR 2s share a page
  malta-squeeze-all   pci=resource_alignment=all
  malta-squeeze-pab   CONFIG_PCI_PAGE_ALIGN_BARS=y
  malta-squeeze-dev   pci=resource_alignment=0000:01:07.0 (one small BAR
                      padded: the window still fits)
each against malta-squeeze-none: the same devices and drivers and every
BAR still assigned; -all and -pab no shared 4 KiB page, and the kernel's
statement that it sized the window again without the padding (SQUEEZED:
without a realloc list the padding is sized as mandatory, and the padded
prefetchable window cannot be placed where the unpadded one could; the
series before that fallback lost 13 memory BARs below the bridge and the
i6300esb's driver here).

malta-order: Linux sizes every window on malta (no firmware-fixed one), so
instead of platform.py's fallback warnings it proves that every BAR below
1 MiB is 1 MiB-aligned.
"""

from dataclasses import replace

from scenarios import _platform as platform
from harness.scenario import Boot

NAME = 'malta'
DEV = '0000:01:01.0'
SQ_DEV = '0000:01:07.0'
SQ_NONE = 'malta-squeeze-none'
VS_SQ_NONE = {'same_devices': SQ_NONE, 'kept_assigned': SQ_NONE,
              'param_ok': True}
SQUEEZED = 'no space with the requested BAR alignment, trying without'


def _order_aligned(b):
    if not b.name.endswith('-order'):
        return b
    exp = {k: v for k, v in b.expect.items()
           if k not in ('align_warnings', 'warn_re')}
    return replace(b, expect=dict(exp, aligned=1 << 20))


BOOTS = [_order_aligned(b) for b in platform.boots(
    'malta', 'malta', 'malta-pab', 'malta', DEV, order=20, assigns=True)] + [
    Boot(SQ_NONE, 'malta', topology='malta-squeeze',
         expect={'shared_min': 1}),
    Boot('malta-squeeze-all', 'malta', topology='malta-squeeze',
         append=platform.ALL,
         expect=dict(VS_SQ_NONE, shared=0, log=[SQUEEZED])),
    Boot('malta-squeeze-pab', 'malta-pab', topology='malta-squeeze',
         expect=dict(VS_SQ_NONE, shared=0, log=[SQUEEZED])),
    Boot('malta-squeeze-dev', 'malta', topology='malta-squeeze',
         append='pci=resource_alignment=' + SQ_DEV,
         expect=dict(VS_SQ_NONE)),
]
