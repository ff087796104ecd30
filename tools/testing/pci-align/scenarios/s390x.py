# SPDX-License-Identifier: GPL-2.0
"""s390x (s390-ccw-virtio, zPCI): firmware defines every BAR, nothing moves.

Each PCI function is a zPCI function (-device zpci,uid=N,fid=N,target=)
in a PCI domain of its own (0001:00:00.0 ...).  Firmware (QEMU's CLP)
defines its BARs; Linux sets up one bus resource per BAR
(zpci_setup_bus_resources()), maps and claims it in pcibios_device_add()
and never assigns PCI resources: the series sets PCI_PROBE_ONLY (patch
"s390/pci: Set PCI_PROBE_ONLY"), so a requested alignment is ignored,
with one statement, before any BAR or the command register is touched.
qemu-system-s390x has no pci-testdev: the topology zpci holds two
virtio-rng (one non-transitional), a virtio-serial and a virtio-net
(no virtio driver: only virtio-pci binds), BARs of 4 and 16 KiB.

  s390x-none   no parameter: the reference
  s390x-all    pci=resource_alignment=all
  s390x-pab    CONFIG_PCI_PAGE_ALIGN_BARS=y, no parameter
  s390x-order  pci=resource_alignment=20@all (every BAR is below 1 MiB)
  s390x-dev    pci=resource_alignment=20@0001:00:00.0
Each proves against s390x-none: the same devices and drivers, every BAR
still assigned, no overlapping decode (platform.boots(), assigns=False:
Linux places nothing here), and no BAR moved or inflated; and the
statement that the value is ignored under PCI_PROBE_ONLY, as the one
resource_alignment line (-pab: besides the CONFIG_PCI_PAGE_ALIGN_BARS
line, and no parse error).  Every boot: /sys/bus/pci/resource_alignment
reads empty (nothing is in effect; the series before its PROBE_ONLY text
fix showed "all" there).
"""

import re
from dataclasses import replace

from scenarios import _platform as platform

NAME = 's390x'
DEV = '20@0001:00:00.0'
NONE = 's390x-none'
# the kernel's one line about a value it ignores under PCI_PROBE_ONLY
STATEMENT = re.compile(r'PCI: Ignoring resource_alignment=\S+ under '
                       r'PCI_PROBE_ONLY')

BOOTS = platform.boots('s390x', 's390x', 's390x-pab', 'zpci', DEV,
                       order=20, assigns=False, statement=STATEMENT)
# The statement is an "Ignoring resource_alignment" line, which param_ok
# counts as an error: instead, it is the one resource_alignment line
# (param_error); -pab has the CONFIG_PCI_PAGE_ALIGN_BARS line besides it,
# and no line of a value that can't be parsed
PARSE_ERRORS = {'no-unparsable-entry': "can't parse",
                'no-malformed-entries': 'malformed resource_alignment'}
for i, b in enumerate(BOOTS):
    exp = dict(b.expect, sysfs_value='')
    if b.name != NONE:
        exp.update(ref=NONE, moved=0, inflated=0)
        exp.setdefault('log_re', [STATEMENT.pattern])
        del exp['param_ok']
        if b.name == 's390x-pab':
            exp['absent'] = PARSE_ERRORS
        else:
            exp['param_error'] = 'under PCI_PROBE_ONLY'
    BOOTS[i] = replace(b, expect=exp)
