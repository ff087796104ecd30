# SPDX-License-Identifier: GPL-2.0
"""CONFIG_PCI_PAGE_ALIGN_BARS: "all" as the build-time default, and "off".

  pab-all   option off, pci=resource_alignment=all (reference)
  pab-none  option off, no parameter: >= 1 shared page (the stock
            placement), sysfs value empty
  pab-on    option on (variant arm64-pab), no parameter: 0 shared, 0
            inflated, 0 unassigned, nothing moved against pab-all, sysfs
            "all", the kernel says the default is in effect
  pab-off   option on, pci=resource_alignment=off: nothing moved against
            pab-none, as many shared pages, sysfs "off", no announcement
The Kconfig side (helpnewconfig, enable) is the step pagealign-kconfig.
"""

from harness.scenario import Boot

NAME = 'pagealign'
MSG = 'resource_alignment=all by default (CONFIG_PCI_PAGE_ALIGN_BARS)'

BOOTS = [
    Boot('pab-all', 'arm64', append='pci=resource_alignment=all',
         expect={'shared': 0, 'unassigned': 0}),
    Boot('pab-none', 'arm64', expect={'shared_min': 1, 'sysfs_value': ''}),
    Boot('pab-on', 'arm64-pab',
         expect={'ref': 'pab-all', 'shared': 0, 'inflated': 0,
                 'unassigned': 0, 'moved': 0, 'param_ok': True,
                 'log': [MSG], 'sysfs_value': 'all'}),
    Boot('pab-off', 'arm64-pab', append='pci=resource_alignment=off',
         expect={'ref': 'pab-none', 'moved': 0, 'inflated': 0,
                 'unassigned': 0, 'param_ok': True, 'sysfs_value': 'off',
                 'same_shared_as': 'pab-none',
                 'absent': {'default-not-announced': MSG}}),
]
