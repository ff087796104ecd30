# SPDX-License-Identifier: GPL-2.0
"""ppc64 (pseries, SLOF): firmware places the BARs, Linux realigns them.

SLOF assigns every BAR and describes it in the device tree
("assigned-addresses"); Linux builds each device from it
(of_create_pci_dev() -> pci_device_add(), where
pci_reassigndev_resource_alignment() releases the BARs it realigns),
claims what firmware placed (pcibios_resource_survey() ->
pcibios_allocate_resources(), which skips unset resources) and assigns
the rest: pSeries_setup_arch() sets PCI_PROBE_ONLY, but QEMU's /chosen
has linux,pci-probe-only = 0, so of_pci_check_probe_only() clears it.
(Under PowerVM, which has no such property, PCI_PROBE_ONLY stays set: the
s390x scenario shows that path.)  The topology pseries puts small-BAR
pci-testdevs, a virtio-rng and a virtio-balloon on the root bus pci.0
and two pci-testdevs behind a pci-bridge.  64 KiB pages: "all" aligns to
64 KiB.

  ppc64-none   no parameter: the reference
  ppc64-all    pci=resource_alignment=all
  ppc64-pab    CONFIG_PCI_PAGE_ALIGN_BARS=y, no parameter
  ppc64-order  pci=resource_alignment=20@all
  ppc64-dev    pci=resource_alignment=0000:00:02.0 (resized to a page)
Each proves against ppc64-none: the same devices and drivers, every BAR
still assigned, no resource_alignment error, no overlapping decode, and
no "can't claim" (pcibios_claim_one_bus() skips unset resources, the
series' powerpc patch); -all, -pab and -order no shared 4 KiB page
(platform.boots(), assigns=True).  SLOF gives every BAR a 64 KiB block of
its own, so ppc64-none shares no page either: -all and -pab prove that
nothing moves (every BAR meets 64 KiB already) and no 64 KiB page is
shared; -order that every BAR below 1 MiB is 1 MiB-aligned (Linux
assigns the released BARs again); -dev that 00:02.0's BARs are resized
to 64 KiB in place and no other BAR is inflated.
"""

from dataclasses import replace

from scenarios import _platform as platform

NAME = 'ppc64'
DEV = '0000:00:02.0'

BOOTS = platform.boots('ppc64', 'ppc64', 'ppc64-pab', 'pseries', DEV,
                       order=20, assigns=True)
for i, b in enumerate(BOOTS):
    exp = dict(b.expect, absent={'no-cant-claim': "can't claim"})
    if b.name in ('ppc64-all', 'ppc64-pab'):
        # SLOF gives every BAR 64 KiB of its own: aligned already, left
        # in place
        exp.update(shared_os=0, ref='ppc64-none', moved=0)
    elif b.name == 'ppc64-order':
        exp['aligned'] = 1 << 20
    elif b.name == 'ppc64-dev':
        # resized to a 64 KiB page, where SLOF had put it
        exp.update(dev_align=[DEV + ':0x10000'], ref='ppc64-none', moved=0)
    BOOTS[i] = replace(b, expect=exp)
