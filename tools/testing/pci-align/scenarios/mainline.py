# SPDX-License-Identifier: GPL-2.0
"""mainline: the v5 series on the mainline base (BASE=7.3), the boots of
its matrix that run so far, on arm64 (QEMU virt, no firmware: Linux
assigns every BAR) and x86_64 (q35, SeaBIOS assigns first).

  ml-none      no parameter: the stock placement (>= 1 shared page on
               arm64); the comparison with stock 7.3 is scenario stock
  ml-all       pci=resource_alignment=all: 0 shared pages, no BAR
               unassigned or inflated (the hardware size is kept)
  ml-20        20@all (1 MiB): the same
  ml-named     a per-device entry keeps its meaning: the named device's
               BAR is inflated to 64 KiB, nothing else moves against
               ml-none
  ml-malformed "bogus;all": the malformed entry is named once and "all"
               still applies (0 shared pages)
  ml-pab       CONFIG_PCI_PAGE_ALIGN_BARS, no parameter: as ml-all, sysfs
               "all"
  ml-pab-off   the option, "pci=resource_alignment=": as ml-none
  x86-all      x86_64, "all": 0 shared, nothing unassigned
"""

from harness.scenario import Boot

NAME = 'mainline'
MALFORMED = 'Ignoring malformed resource_alignment entry "bogus"'

BOOTS = [
    Boot('ml-none', 'arm64', expect={'shared_min': 1, 'inflated': 0}),
    Boot('ml-all', 'arm64', append='pci=resource_alignment=all',
         expect={'shared': 0, 'unassigned': 0, 'inflated': 0,
                 'param_ok': True, 'sysfs_value': 'all'}),
    Boot('ml-20', 'arm64', append='pci=resource_alignment=20@all',
         expect={'shared': 0, 'unassigned': 0, 'inflated': 0}),
    Boot('ml-named', 'arm64',
         append='pci=resource_alignment=16@pci:1b36:0005',
         expect={'unassigned': 0, 'log': ['requesting alignment to 0x10000']}),
    Boot('ml-malformed', 'arm64', append='pci=resource_alignment=bogus;all',
         expect={'shared': 0, 'unassigned': 0, 'log': [MALFORMED]}),
    Boot('ml-pab', 'arm64-pab',
         expect={'ref': 'ml-all', 'moved': 0, 'shared': 0, 'unassigned': 0,
                 'sysfs_value': 'all'}),
    Boot('ml-pab-off', 'arm64-pab', append='pci=resource_alignment=',
         expect={'same_shared_as': 'ml-none', 'unassigned': 0}),
    Boot('x86-all', 'x86_64', append='pci=resource_alignment=all',
         expect={'shared': 0, 'unassigned': 0, 'inflated': 0}),
]
