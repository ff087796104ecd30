# SPDX-License-Identifier: GPL-2.0
"""sparc64 (sun4u, OpenBIOS): a claim-only platform keeps every BAR.

OpenBIOS places every BAR (64 KiB granularity) and describes it in the
device tree; Linux builds each device from it (of_create_pci_dev() ->
pci_device_add(), where pci_reassigndev_resource_alignment() releases
the BARs it realigns), then only claims the firmware's addresses
(pci_claim_bus_resources()): nothing assigns a released BAR again.  The
topology sun4u puts seven pci-testdevs (32..256-byte BARs and one of
1 MiB) behind the simba bridge pciB.

  sparc64-none   no parameter: the reference
  sparc64-all    pci=resource_alignment=all (8 KiB pages: every BAR is
                 64 KiB-aligned already, nothing is released)
  sparc64-pab    CONFIG_PCI_PAGE_ALIGN_BARS=y, no parameter
  sparc64-order  pci=resource_alignment=20@all: BARs not 1 MiB-aligned
                 are released, and claimed back where firmware placed
                 them ("claiming the firmware address, not realigned");
                 before the series' claim fix they were refused ("can't
                 claim; no address assigned") and lost
  sparc64-dev    pci=resource_alignment=0000:02:00.0 (resized to a page;
                 before the fix lost silently: sparc64 skips resources
                 at 0)
  sparc64-dev12  pci=resource_alignment=12@0000:02:00.0
Each proves against sparc64-none: the same devices and drivers, every
BAR assigned there still assigned, no device lost memory or I/O decoding
(cmd_ref: a released BAR turns decoding off until it is assigned again),
no resource_alignment error, and no overlapping decode.  Linux does not
place BARs here (assigns=False): no shared-page or alignment claim is
made.
"""

from dataclasses import replace

from scenarios import _platform as platform

NAME = 'sparc64'
DEV = '0000:02:00.0'

BOOTS = platform.boots('sparc64', 'sparc64', 'sparc64-pab', 'sun4u', DEV,
                       assigns=False, statement=None)
BOOTS.append(replace(BOOTS[-1], name='sparc64-dev12',
                     append='pci=resource_alignment=12@' + DEV))
BOOTS[1:] = [replace(b, expect=dict(b.expect, cmd_ref='sparc64-none'))
             for b in BOOTS[1:]]

# What the platform says it did: every BAR that the request released is
# claimed back where OpenBIOS placed it (pci_claim_resource()), and
# nothing is left "can't claim; no address assigned" (OpenBIOS's VGA legacy
# range has no bridge window in any boot: that "can't claim" is stock)
CLAIMED = 'claiming the firmware address, not realigned'
for i, b in enumerate(BOOTS):
    exp = dict(b.expect, absent={
        'no-cant-claim': "can't claim; no address assigned"})
    if b.name in ('sparc64-order', 'sparc64-dev', 'sparc64-dev12'):
        exp['log'] = [CLAIMED]
    BOOTS[i] = replace(b, expect=exp)
