# SPDX-License-Identifier: GPL-2.0
"""findings: the review's findings against the 6.12 v4 series (issue 25),
each as a boot that fails where the finding holds.

They run on both bases: with BASE=6.12 they show the findings on v4 (the
failing runs are in README.md), with BASE=7.3 they are part of the v5
checks and pass.  The stock boots are the references, built from the same
base.

  f1-stock    stock kernel, topology io-rescan (see topologies.py): the
              guest removes the trailing root port 00:11.0 and rescans;
              its I/O window fails again, where
              pci_assign_unassigned_bus_resources() has no fail list
  f1-nopar    the series, no parameter, the same: the report after the
              rescan equals f1-stock's (BARs, windows, PCI core log
              lines, devices, drivers).  Finding 1c: v4's
              pci_bridge_drop_align_pad() sizes the switch below again
              without the realloc list, so the VF BARs' optional size is
              counted twice and the windows grow
  f1-all      "all", the same: after the rescan 0 shared pages, every
              BAR assigned, none inflated (finding 1b: the failed I/O
              window must not cost the memory BARs below their pages)
  f2-stock    stock kernel, x86_64-pc, topology pc-shpc (see
              topologies.py): the host hot-adds a pci-testdev with a
              32-byte BAR 2 into slot 0x1a of the SHPC bridge sb1, whose
              windows have no free page left (acpi=off); shpchp assigns it
              with pci_assign_unassigned_bridge_resources()
  f2-nopar    the series, no parameter: the report after the hot-add
              equals f2-stock's
  f2-all      "all": after the hot-add the new device has its BARs, no
              BAR of the boot moved, and the kernel says which BAR shares
              a page with which (finding 2: v4 releases sb1's
              prefetchable window with the ten BARs in it to make room
              for an aligned page and assigns them again)
  f8-rom      x86_64 q35 with a VGA device, whose ROM SeaBIOS shadows at
              0xc0000, "all": no "ignoring requested alignment" for the
              shadow copy (finding 8), 0 shared pages

make check runs the boots of the kernels it builds (f1, f8), make
check-full all of them (f2 needs the x86_64-pc kernels).
"""

from harness.scenario import Boot, built_in_tier

NAME = 'findings'
RESCAN = 'pcialign.test=remove pcialign.remove=0000:00:11.0'
ALL = 'pci=resource_alignment=all'
AFTER = {'report': 'remove', 'rescan': True}

HOTADD = ('stop',
          'device_add pci-testdev,id=hpf,bus=sb1,addr=0x1a,membar=32',
          'cont')
HOTPLUG = 'acpi=off pcialign.test=hotplug pcialign.hotplug=1 pcialign.wait=30'


def hotadd(name, variant, append, after):
    """a boot of pc-shpc with the hot-add, AFTER checked on the report
    after it (the boot report: the usual checks)"""
    return Boot(name, variant, 'pc-shpc', ' '.join(
        w for w in (append, HOTPLUG) if w), on_ready=HOTADD,
        also=[(name + '-hotplug', dict(
            {'report': 'hotplug', 'host_ok': True, 'hotplug': 1,
             'unassigned': 0}, **after))])


BOOTS = [
    Boot('f1-stock', 'stock-arm64', 'io-rescan', RESCAN, expect=AFTER),
    Boot('f1-nopar', 'arm64', 'io-rescan', RESCAN,
         expect=dict(AFTER, stock='f1-stock')),
    Boot('f1-all', 'arm64', 'io-rescan', ALL + ' ' + RESCAN,
         expect=dict(AFTER, shared=0, unassigned=0, inflated=0,
                     param_ok=True)),
    hotadd('f2-stock', 'stock-x86_64-pc', '', {}),
    hotadd('f2-nopar', 'x86_64-pc', '', {'stock': 'f2-stock'}),
    hotadd('f2-all', 'x86_64-pc', ALL, {
        'ref': 'f2-all', 'moved': 0, 'param_ok': True,
        'log': ['no space at alignment 0x1000; shares it with']}),
    Boot('f8-rom', 'x86_64', 'vga', ALL,
         expect={'shared': 0, 'unassigned': 0, 'param_ok': True,
                 'absent': {'no-shadow-rom-report':
                            'ignoring requested alignment'}}),
]


def only(full):
    """The boots of the kernels the tier builds."""
    return built_in_tier(BOOTS, full)
