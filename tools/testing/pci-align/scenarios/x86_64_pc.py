# SPDX-License-Identifier: GPL-2.0
"""x86_64 i440fx (-M pc, SeaBIOS): cold-plugged BARs and ACPI PCI hotplug.

SeaBIOS places every cold-plugged BAR, 4 KiB aligned; topology pc-seed
(root bus pci.0, a pci-bridge br1 with three 32-byte BARs and a 256 MiB
one, small BARs on pci.0).  The standard boot set (scenarios/_platform.py),
pc-none/-all/-pab/-order/-dev: against pc-none the same devices and
drivers, every BAR still assigned, no overlapping decode, the parameter
accepted; -all, -pab and -order 0 shared 4 KiB pages, -order (20@all,
above SeaBIOS' 4 KiB) every BAR below 1 MiB 1 MiB-aligned.  Every boot
(the boot report): no "can't claim" line (x86's claim of a released BAR,
patch 1).  pc-dev:
20@0000:00:06.0 (the root-bus pci-testdev with a 32-byte BAR): its BARs
below 1 MiB inflated to 1 MiB and 1 MiB-aligned, no other BAR inflated.
pc-order-realloc: 20@all pci=realloc: br1's 2 MiB window can't hold its
four 4 KiB BARs 1 MiB-aligned, the assignment retries with the window
released and enlarged: every BAR below 1 MiB 1 MiB-aligned (pc-order,
without pci=realloc, places what doesn't fit with its natural alignment,
"assigned without requested alignment").

Hot-add (ACPI PCI hotplug, acpiphp): once the guest is ready the host
stops the VM, device_adds (QMP, HOTADD) a pci-bridge hb1 into root slot
0x12 with four pci-testdevs (32/32/64/128-byte BARs) behind it, two
pci-testdevs into free slots of the cold-plugged br1 (whose window
SeaBIOS sized) and one into root slot 0x10, and lets the VM run again: the
guest sees all of them at once, so acpiphp's enable_slot() enumerates hb1
with its devices and sizes its windows itself (__pci_bus_size_bridges()
with an add_list, then __pci_bus_assign_resources(); no retry with
released windows as pci_assign_unassigned_bridge_resources() has).  hb1
is a pci-bridge with SHPC, which has a 256-byte BAR of its own.  The
guest waits for the 8 devices.  The boot report ("<boot>") is the
cold-plugged set, "<boot>-hotplug" the report after the hot-add:
  pc-hotadd-none   no parameter: 8 new devices, each with its memory
                   BARs, no BAR unassigned, every QMP command worked
  pc-hotadd-all    pci=resource_alignment=all: the cold-plugged set as
                   in pc-hotadd-none (same devices and drivers, every BAR
                   still assigned); after the hot-add the same 8 new
                   devices, none unassigned, 0 shared 4 KiB pages, no BAR
                   inflated, every BAR below 4 KiB 4 KiB-aligned
  pc-hotadd-order  20@all: after the hot-add 8 new devices and no BAR
                   unassigned (br1's 2 MiB window can't hold them 1 MiB
                   aligned: what doesn't fit falls back, it is not lost)
"""

from dataclasses import replace

from scenarios import _platform as platform
from harness.scenario import Boot

NAME = 'x86_64_pc'
DEV = '0000:00:06.0'
ALL = 'pci=resource_alignment=all'
NO_CLAIM_FAILURE = {'absent': {'no-cant-claim': "can't claim"}}
HOTADD = (
    'stop',
    'device_add pci-bridge,id=hb1,bus=pci.0,addr=0x12,chassis_nr=2',
    'device_add pci-testdev,id=hp1,bus=hb1,addr=1,membar=32',
    'device_add pci-testdev,id=hp2,bus=hb1,addr=2,membar=32',
    'device_add pci-testdev,id=hp3,bus=hb1,addr=3,membar=64',
    'device_add pci-testdev,id=hp4,bus=hb1,addr=4,membar=128',
    'device_add pci-testdev,id=hp5,bus=br1,addr=8,membar=32',
    'device_add pci-testdev,id=hp6,bus=br1,addr=9,membar=64',
    'device_add pci-testdev,id=hp7,bus=pci.0,addr=0x10,membar=32',
    'cont',
)
NEW = len([c for c in HOTADD if c.startswith('device_add')])
WAIT = 'pcialign.test=hotplug pcialign.hotplug=%d pcialign.wait=30' % NEW
HOTPLUGGED = {'report': 'hotplug', 'host_ok': True, 'hotplug': NEW,
              'unassigned': 0}


def hotadd(name, append, expect=None, after=None):
    """a boot with the hot-add: EXPECT on the boot report, AFTER (added
    to HOTPLUGGED) on the report after it"""
    return Boot(name, 'x86_64-pc', 'pc-seed', ' '.join(
        w for w in (append, WAIT) if w), on_ready=HOTADD,
        expect=dict(NO_CLAIM_FAILURE, **(expect or {})),
        also=[(name + '-hotplug', dict(HOTPLUGGED, **(after or {})))])


def _more(boot):
    if boot.name != 'pc-dev':
        return boot
    return replace(boot, expect=dict(boot.expect,
                                     dev_align=[DEV + ':0x100000']))


BOOTS = [_more(b) for b in platform.boots(
    'pc', 'x86_64-pc', 'x86_64-pc-pab', 'pc-seed', '20@' + DEV,
    on={'expect': NO_CLAIM_FAILURE})] + [
    Boot('pc-order-realloc', 'x86_64-pc', 'pc-seed',
         'pci=resource_alignment=20@all pci=realloc',
         expect=dict(NO_CLAIM_FAILURE, shared=0, unassigned=0,
                     aligned=0x100000, realloc=True, small=0x100000,
                     param_ok=True, same_devices='pc-none',
                     kept_assigned='pc-none')),
    hotadd('pc-hotadd-none', ''),
    hotadd('pc-hotadd-all', ALL,
           {'param_ok': True, 'same_devices': 'pc-hotadd-none',
            'kept_assigned': 'pc-hotadd-none'},
           {'shared': 0, 'inflated': 0, 'aligned': 0x1000}),
    hotadd('pc-hotadd-order', 'pci=resource_alignment=20@all',
           {'param_ok': True}),
]
