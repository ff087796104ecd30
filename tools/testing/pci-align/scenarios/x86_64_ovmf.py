# SPDX-License-Identifier: GPL-2.0
"""x86_64 q35 booted through OVMF: UEFI firmware's BAR assignments claimed.

OVMF (/usr/share/ovmf/OVMF.fd, -bios) starts the EFI stub of the -kernel
image through fw_cfg; it assigned every BAR before, each small memory BAR
on a 4 KiB page of its own.  Linux claims those assignments
(arch/x86/pci/i386.c, pcibios_allocate_dev_resources()), after
pci=resource_alignment= released the BARs it realigns: a released BAR is
IORESOURCE_UNSET with the requested alignment in its start, not an
address, and must not be claimed (patch 1).  Topology seed (pcie.0).

The standard boot set (scenarios/_platform.py), ovmf-none/-all/-pab/-order/
-dev: against ovmf-none the same devices and drivers, every BAR still
assigned, no overlapping decode, the parameter accepted; -all, -pab and
-order 0 shared 4 KiB pages, -order (20@all, above OVMF's 4 KiB) every BAR
below 1 MiB 1 MiB-aligned.  Every boot: no "can't claim" line (x86's
claim of a released BAR, patch 1).  ovmf-dev: 20@0000:01:01.0, a
pci-testdev behind the PCIe-to-PCI bridge: its BARs below 1 MiB are
inflated to 1 MiB and 1 MiB-aligned, no other BAR is inflated.
ovmf-order-realloc: 20@all pci=realloc: the bridge's 2 MiB window can't
hold its four 4 KiB BARs 1 MiB-aligned, the assignment retries with the
window released and enlarged: then every BAR below 1 MiB is 1 MiB-aligned
(ovmf-order, without pci=realloc, leaves what doesn't fit at OVMF's
address, "assigned without requested alignment").
Also: ovmf-none itself, 0 shared pages and no unassigned BAR (OVMF
already gives each small BAR a page), and ovmf-all moves nothing (every
BAR already meets "all").
"""

from dataclasses import replace

from scenarios import _platform as platform
from harness.scenario import Boot

NAME = 'x86_64_ovmf'
DEV = '0000:01:01.0'
NO_CLAIM_FAILURE = {'absent': {'no-cant-claim': "can't claim"}}


def _more(boot):
    exp = dict(boot.expect)
    if boot.name == 'ovmf-none':
        exp.update(shared=0, unassigned=0)
    elif boot.name == 'ovmf-all':
        exp.update(ref='ovmf-none', moved=0)
    elif boot.name == 'ovmf-dev':
        exp.update(dev_align=[DEV + ':0x100000'])
    return replace(boot, expect=exp)


BOOTS = [_more(b) for b in platform.boots(
    'ovmf', 'x86_64-ovmf', 'x86_64-ovmf-pab', 'seed', '20@' + DEV,
    on={'expect': NO_CLAIM_FAILURE})] + [
    Boot('ovmf-order-realloc', 'x86_64-ovmf', 'seed',
         'pci=resource_alignment=20@all pci=realloc',
         expect=dict(NO_CLAIM_FAILURE, shared=0, unassigned=0,
                     aligned=0x100000, realloc=True, small=0x100000,
                     param_ok=True, same_devices='ovmf-none',
                     kept_assigned='ovmf-none')),
]
