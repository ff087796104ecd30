# SPDX-License-Identifier: GPL-2.0
"""Precedence of per-device entries, runtime sysfs + rescan, decoding.

  extra-prec-1/2   all;13@DEV and 13@DEV;all (DEV: the root-bus testdev
                   with a 32-byte BAR): 0 shared pages, DEV's BARs below
                   8 KiB inflated to 8 KiB and 8 KiB aligned, no other BAR
                   inflated, 0 unassigned
  extra-rescan     no parameter, pcialign.test=rescan: >= 1 shared page at
                   boot; after "all" is written to sysfs and every
                   endpoint removed and rescanned: 0 shared, 0 inflated,
                   0 unassigned, the same BARs as at boot
  x86_64 (SeaBIOS enables decoding and places BARs 4 KiB aligned):
  extra-x86_64-13all  13@all: no 8 KiB page shared, the BARs moved are
                   exactly those SeaBIOS put on an address not 8 KiB
                   aligned, memory decoding on everywhere, and "BARs
                   realigned, restoring memory decoding" logged
  extra-x86_64-all all: 0 shared, decoding on, no device lost decoding
                   it had in extra-x86_64-none
"""

from harness.scenario import Boot

NAME = 'extra'
DEV = '0000:00:02.0'

BOOTS = [
    Boot('extra-prec-%d' % n, 'arm64', append='pci=resource_alignment=' + val,
         label='extra-prec-%d[%s]' % (n, val),
         expect={'shared': 0, 'dev_align': [DEV + ':0x2000'],
                 'unassigned': 0, 'param_ok': True})
    for n, val in ((1, 'all;13@' + DEV), (2, '13@%s;all' % DEV))
] + [
    Boot('extra-rescan', 'arm64', append='pcialign.test=rescan',
         label='extra-rescan-before',
         expect={'shared_min': 1, 'unassigned': 0},
         also=[('extra-rescan-after',
                {'report': 'rescan', 'rescan': True, 'shared': 0,
                 'inflated': 0, 'unassigned': 0})]),
    Boot('extra-x86_64-none', 'x86_64',
         expect={'unassigned': 0, 'mem_decoding': True}),
    Boot('extra-x86_64-13all', 'x86_64', append='pci=resource_alignment=13@all',
         expect={'page_size': 8192, 'shared_os': 0, 'inflated': 0,
                 'unassigned': 0, 'moved_unaligned': 0x2000,
                 'mem_decoding': True, 'param_ok': True,
                 'log': ['BARs realigned, restoring memory decoding']}),
    Boot('extra-x86_64-all', 'x86_64', append='pci=resource_alignment=all',
         expect={'cmd_ref': 'extra-x86_64-none', 'shared': 0,
                 'unassigned': 0, 'mem_decoding': True, 'param_ok': True}),
]
