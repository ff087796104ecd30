# SPDX-License-Identifier: GPL-2.0
"""SR-IOV VFs enabled through sysfs with resource_alignment=all.

Topology "sriov": two small-BAR testdevs plus an nvme with
sriov_max_vfs=2 behind a root port (PF 01:00.0, VFs 01:00.1-2, one
16 KiB VF BAR 0).  The guest (pcialign.test=sriov pcialign.sriov=auto,2
[,enable]) sizes the VF BARs through the SR-IOV capability, optionally
enables the PF like a PF driver would, binds pci-pf-stub through new_id,
writes 2 to sriov_numvfs and reports the PF's PCI_COMMAND and SR-IOV
control before and after, the VFs and all BARs again (report "sriov";
the checks of expect "sriov" are in harness/expect.py).

  sriov-arm64-none   no parameter, PF enabled: the VFs work, >= 1 shared
  sriov-arm64-all    all: the same plus 0 shared (4 KiB and PAGE_SIZE), 0
                     inflated, 0 unassigned, small BARs aligned, and the
                     same VF layout and PF registers as sriov-arm64-none
  sriov-arm64-pab    CONFIG_PCI_PAGE_ALIGN_BARS=y, no parameter: as -all
  sriov-arm64-*-noenable  the PF left disabled: sriov_enable() turns its
                     memory decoding on, and "all" gives what "none" gives
  sriov-x86_64-*     the same on x86_64 with ACPI (variant x86_64-acpi,
                     not built by make check: skipped without it)
"""

from harness.scenario import Boot

NAME = 'sriov'
T = 'pcialign.test=sriov pcialign.sriov=auto,2'
ALL = {'shared': 0, 'shared_os': 0, 'param_ok': True, 'aligned': 0x1000}


def sboot(name, variant, param, enable, optional=False, **exp):
    e = {'report': 'sriov', 'sriov': 2, 'inflated': 0, 'unassigned': 0}
    e.update(exp)
    return Boot(name, variant, 'sriov',
                ' '.join(x for x in (param, T + (',enable' if enable else ''))
                         if x), expect=e, optional=optional)


A = 'pci=resource_alignment=all'
BOOTS = [
    sboot('sriov-arm64-none', 'arm64', '', True, shared_min=1),
    sboot('sriov-arm64-all', 'arm64', A, True, ref='sriov-arm64-none',
          sriov_ref='sriov-arm64-none', **ALL),
    sboot('sriov-arm64-pab', 'arm64-pab', '', True,
          sriov_ref='sriov-arm64-none', **ALL),
    sboot('sriov-arm64-none-noenable', 'arm64', '', False),
    sboot('sriov-arm64-all-noenable', 'arm64', A, False,
          sriov_ref='sriov-arm64-none-noenable', **ALL),
    sboot('sriov-x86_64-none', 'x86_64-acpi', '', True, optional=True),
    sboot('sriov-x86_64-all', 'x86_64-acpi', A, True, optional=True,
          ref='sriov-x86_64-none', sriov_ref='sriov-x86_64-none', **ALL),
]
