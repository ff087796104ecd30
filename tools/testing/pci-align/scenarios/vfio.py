# SPDX-License-Identifier: GPL-2.0
"""The consumer: vfio-pci mmap()s a sub-page BAR only on a page of its own.

vfio_pci_probe_mmaps() sets VFIO_REGION_INFO_FLAG_MMAP for a BAR smaller
than PAGE_SIZE only when it starts a page and nothing else is in the rest
of it.  The guest runs /bin/vfiocheck (guest/vfiocheck.c) with vfio-pci
in no-IOMMU mode: it binds every pci-testdev to vfio-pci and prints one
VFIO-BAR line per memory BAR (mmap=: the flag, mmap_ok=: mmap() worked).
Then /bin/vfioreopen (the same program) opens every device once more.
Each boot: vfiocheck ran (rc 0, errors=0), one line per memory BAR of
every pci-testdev, mmap_ok == mmap everywhere, and vfio-pci's "not
mmap-able" line (the series' vfio/pci patch) exactly once per open for
each BAR without mmap (on the 7.3 series: once over both opens), naming
a resource in its page from the boot's BAR table, and never for the
others (expect vfio_why):

  arm64-vfio-none  no parameter: at least one BAR not mmap-able
  arm64-vfio-all   all: every BAR mmap-able and mapped, no such line
  arm64-vfio-pab   CONFIG_PCI_PAGE_ALIGN_BARS=y, no parameter: as -all
"""

from harness import paths
from harness.scenario import Boot

NAME = 'vfio'
OPENS = 2
# the lines per BAR without mmap over the OPENS opens: v4 logs on every
# open, v5's vfio series once while vfio-pci has the device
WHY = OPENS if paths.BASE.checks == 'v4' else 1
APPEND = 'vfio.enable_unsafe_noiommu_mode=1 ' \
    'pcialign.run=/bin/vfiocheck,/bin/vfioreopen'
REOPEN = (('tools/testing/pci-align/guest/vfiocheck.c', '/bin/vfioreopen'),)

BOOTS = [
    Boot('arm64-vfio-none', 'arm64', append=APPEND, extras=REOPEN,
         expect={'vfio': 'none', 'vfio_why': WHY}),
    Boot('arm64-vfio-all', 'arm64',
         append='pci=resource_alignment=all ' + APPEND, extras=REOPEN,
         expect={'vfio': 'all', 'vfio_why': WHY}),
    Boot('arm64-vfio-pab', 'arm64-pab', append=APPEND, extras=REOPEN,
         expect={'vfio': 'all', 'vfio_why': WHY}),
]
