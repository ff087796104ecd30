# SPDX-License-Identifier: GPL-2.0
"""BARs assigned a second time, after bridge windows were released.

Every boot: 0 shared pages (4 KiB and PAGE_SIZE), 0 inflated, 0
unassigned, every memory BAR below the requested alignment aligned to it,
the parameter accepted, and a check that the boot took the path it is
about (a boot that doesn't fails).

  realloc-hotadd       arm64, two empty root ports, "all": the host
                       hot-adds eight pci-testdev,membar=32 functions
                       behind rp1 (QMP device_add, .1-.7 first, then .0);
                       pciehp assigns them: exactly 8 new devices
  realloc-hotadd-grow  the same with function .1 at 8 MiB (more than the
                       2 MiB the empty port got): the port's window is
                       released with the small BARs in it, sized again,
                       and the small BARs assigned a second time
  realloc-hotadd-x86   hotadd-grow on x86_64 q35 (SeaBIOS sized the port)
  realloc-remove-*     "all" at boot, then the guest removes bridges and
                       rescans: their windows are released and sized
                       again, the same BARs as at boot
  realloc-x86_64-*     x86_64 20@all pci=realloc: SeaBIOS' windows are too
                       small for 1 MiB-aligned BARs, the assignment
                       retries with released windows (seed, rootports)
  realloc-fallback     arm64 30@all (nothing fits 1 GiB-aligned): every
                       BAR assigned, one warning per BAR not 1 GiB
                       aligned, naming it
On arm64 Linux renumbers all buses on a rescan (PCI_REASSIGN_ALL_BUS),
which breaks bridges behind a removed one in stock 6.12 too, so only
trailing bridges are removed there.
"""

from harness.scenario import Boot

NAME = 'realloc'
ALL = 'pci=resource_alignment=all'
FALLBACK_WARN_RE = 'assigned without requested alignment'


def verdict(align, **more):
    e = {'shared': 0, 'shared_os': 0, 'inflated': 0, 'unassigned': 0,
         'param_ok': True, 'aligned': align}
    e.update(more)
    return e


def hotplug_set(func1_membar):
    """device_add of eight pci-testdev functions behind rp1, .0 last"""
    cmds = []
    for f in (1, 2, 3, 4, 5, 6, 7, 0):
        cmds.append('device_add pci-testdev,id=hp%d,bus=rp1,addr=0.%d,'
                    'membar=%d%s' % (f, f, func1_membar if f == 1 else 32,
                                     ',multifunction=on' if f == 0 else ''))
    return tuple(cmds)


HOTPLUG = ALL + ' pcialign.test=hotplug pcialign.hotplug=8 pcialign.wait=20'


def hotboot(name, variant, membar, **more):
    return Boot(name, variant, 'hotplug', HOTPLUG,
                on_ready=hotplug_set(membar),
                expect=verdict(0x1000, host_ok=True, report='hotplug',
                               hotplug=8, **more))


REMOVE = [('arm64', 'seed', '0000:00:01.0'),
          ('arm64', 'rootports', '0000:00:08.0,0000:00:09.0'),
          ('x86_64', 'rootports', '0000:00:01.0,0000:00:06.0')]

BOOTS = [
    hotboot('realloc-hotadd', 'arm64', 32),
    hotboot('realloc-hotadd-grow', 'arm64', 8388608, realloc=True),
    hotboot('realloc-hotadd-x86', 'x86_64', 8388608, realloc=True),
] + [
    Boot('realloc-remove-%s-%s' % (v, topo), v, topo,
         ALL + ' pcialign.test=remove pcialign.remove=' + bdfs,
         expect=verdict(0x1000, report='remove', rescan=True,
                        assigned_after=['pcialign: rescan']))
    for v, topo, bdfs in REMOVE
] + [
    Boot('realloc-x86_64-' + topo, 'x86_64', topo,
         'pci=resource_alignment=20@all pci=realloc',
         expect=verdict(0x100000, realloc=True, small=0x100000))
    for topo in ('seed', 'rootports')
] + [
    # Not aligned/shared: BARs may fall back
    Boot('realloc-fallback', 'arm64', 'seed', 'pci=resource_alignment=30@all',
         expect={'inflated': 0, 'unassigned': 0, 'param_ok': True,
                 'align_warnings': 0x40000000, 'warn_re': FALLBACK_WARN_RE}),
]
