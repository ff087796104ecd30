# SPDX-License-Identifier: GPL-2.0
"""The consumer: vfio-pci mmap()s a sub-page BAR only on a page of its own.

vfio_pci_probe_mmaps() sets VFIO_REGION_INFO_FLAG_MMAP for a BAR smaller
than PAGE_SIZE only when it starts a page and nothing else is in the rest
of it.  The guest runs /bin/vfiocheck (guest/vfiocheck.c) with vfio-pci
in no-IOMMU mode: it binds every pci-testdev to vfio-pci and prints one
VFIO-BAR line per memory BAR (mmap=: the flag, mmap_ok=: mmap() worked).
Each boot: vfiocheck ran (rc 0, errors=0), one line per memory BAR of
every pci-testdev, mmap_ok == mmap everywhere, and

  arm64-vfio-none  no parameter: at least one BAR not mmap-able
  arm64-vfio-all   all: every BAR mmap-able and mapped
  arm64-vfio-pab   CONFIG_PCI_PAGE_ALIGN_BARS=y, no parameter: as -all

vfiocheck also times 32-bit reads of every small BAR, through its mmap()
and through pread() (VFIO-ACCESS lines); here only pcialign.vfioreads=400
of each, `make bench` takes its figures from boots with more.
"""

from harness.scenario import Boot

NAME = 'vfio'
APPEND = ('vfio.enable_unsafe_noiommu_mode=1 pcialign.run=/bin/vfiocheck '
          'pcialign.vfioreads=400')

BOOTS = [
    Boot('arm64-vfio-none', 'arm64', append=APPEND, expect={'vfio': 'none'}),
    Boot('arm64-vfio-all', 'arm64',
         append='pci=resource_alignment=all ' + APPEND,
         expect={'vfio': 'all'}),
    Boot('arm64-vfio-pab', 'arm64-pab', append=APPEND,
         expect={'vfio': 'all'}),
]
