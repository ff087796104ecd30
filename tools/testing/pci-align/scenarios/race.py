# SPDX-License-Identifier: GPL-2.0
"""resource_alignment writes, remove/rescan and hot-plug at the same time.

One guest (guest/init/race.c, pcialign.test=race) booted with
pci=resource_alignment=all, topology "race" (seed
plus an empty hotplug root port rp1 at 00:06.0 and a trailing root port
rp2 at 00:07.0 with four small-BAR pci-testdevs), for RACE_SECS seconds
of guest time (default 30) and bounded iterations, at once:
  - two writer processes alternate valid ("all", "12@all",
    "all;13@0000:00:02.0") and malformed ("garbage", "99@all",
    "all;garbage") values into /sys/bus/pci/resource_alignment (at most
    RACE_ITERS each, default 2000) and read it back;
  - the guest removes rp2 and rescans (at most 200 times);
  - the host hot-adds a pci-testdev behind rp1 and removes it again
    (HOST_LOOP over QMP, whole cycles, until the guest stops it; the
    removal waits for DEVICE_DELETED: pciehp's button press takes 5 s).
At the end the guest waits until the host's device is gone, writes
"all", removes and rescans rp2 once more and reports the BARs again
(report "race").  The checks (expect race, harness/expect.py): every
loop ran at least once, without an error (each valid write taken, each
malformed one refused with -EINVAL, each read-back value a valid one;
rp2 back with its four devices after every rescan; every QMP command
worked), the devices of the boot report there again (and no other),
"all" read back, every BAR assigned, 0 shared pages (4 KiB and
PAGE_SIZE), 0 inflated, no overlapping decode (as in every boot), and 0
debug reports (debug_reports; on the plain arm64 kernel without the
kmemleak scan; the stock pciehp lockdep report of every hot-add,
scenarios/debug.py's KNOWN, is shown, not counted, and turns lockdep
off for the rest of the boot).  Each loop's iteration count is a diagnostic line:
"RACE-ITERATIONS <boot> writer0=N writer1=N remover=N host=N".

  race-debug   on arm64-debug (KASAN, lockdep, kmemleak, ...)
  race-debug-nohotplug  the same without the host's loop: the pciehp
               report of the first hot-add turns lockdep off in
               race-debug, here it watches the writers and the remove +
               rescan loop throughout (and no known report is allowed)
  race-arm64   on the plain arm64 kernel
"""

import os

from harness.scenario import Boot
from scenarios.debug import KNOWN

NAME = 'race'
SECS = int(os.environ.get('RACE_SECS', '30'))
ITERS = int(os.environ.get('RACE_ITERS', '2000'))
BRIDGE = '0000:00:07.0'
APPEND = ('pci=resource_alignment=all pcialign.test=race pcialign.race=%d,%d pcialign.race_bridge=%s '
          'pcialign.klog' % (SECS, ITERS, BRIDGE))
HOST_LOOP = (
    'device_add pci-testdev,id=hpr,bus=rp1,addr=0.0,membar=32',
    'sleep 1',
    'device_del hpr',
    'wait-event DEVICE_DELETED:hpr 60',
)
CHECKS = {'report': 'race', 'race': {'bridge': BRIDGE, 'children': 4},
          'shared': 0, 'shared_os': 0, 'inflated': 0, 'unassigned': 0}


def rboot(name, variant, timeout, host=True, **more):
    exp = dict(CHECKS, **more)
    if not host:
        exp['race'] = dict(exp['race'], host=False)
    return Boot(name, variant, 'race', APPEND, expect=exp,
                host_loop=HOST_LOOP if host else (), host_loop_max=50,
                timeout=timeout + SECS)


BOOTS = [
    rboot('race-debug', 'arm64-debug', int(os.environ.get(
        'DEBUG_TIMEOUT', '240')), debug_reports=0, debug_known=KNOWN),
    # lockdep stays on: no hot-add, so no pciehp report (KNOWN)
    rboot('race-debug-nohotplug', 'arm64-debug', int(os.environ.get(
        'DEBUG_TIMEOUT', '240')), host=False, debug_reports=0),
    rboot('race-arm64', 'arm64', 240, debug_reports=0, kmemleak=False),
]
