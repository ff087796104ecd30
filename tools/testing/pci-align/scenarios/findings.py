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
  f8-rom      x86_64 q35 with a VGA device, whose ROM SeaBIOS shadows at
              0xc0000, "all": no "ignoring requested alignment" for the
              shadow copy (finding 8), 0 shared pages
"""

from harness.scenario import Boot

NAME = 'findings'
RESCAN = 'pcialign.test=remove pcialign.remove=0000:00:11.0'
ALL = 'pci=resource_alignment=all'
AFTER = {'report': 'remove', 'rescan': True}

BOOTS = [
    Boot('f1-stock', 'stock-arm64', 'io-rescan', RESCAN, expect=AFTER),
    Boot('f1-nopar', 'arm64', 'io-rescan', RESCAN,
         expect=dict(AFTER, stock='f1-stock')),
    Boot('f1-all', 'arm64', 'io-rescan', ALL + ' ' + RESCAN,
         expect=dict(AFTER, shared=0, unassigned=0, inflated=0,
                     param_ok=True)),
    Boot('f8-rom', 'x86_64', 'vga', ALL,
         expect={'shared': 0, 'unassigned': 0, 'param_ok': True,
                 'absent': {'no-shadow-rom-report':
                            'ignoring requested alignment'}}),
]
