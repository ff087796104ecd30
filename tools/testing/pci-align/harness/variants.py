# SPDX-License-Identifier: GPL-2.0
"""The kernel variant table: every guest kernel and where it is built.

Every bootable machine has a default variant of its name.  A variant is
a machine plus config fragments: allnoconfig +
configs/common.config + the machine's fragment + the variant's own, in
that order.  Its output directory is build/<name>; every image path the
harness uses comes from Variant.image.  in_check, the tier: True = built
by `make check`, 'full' = by `make check-full` only (what does not fit
into CI's time), False = on demand only (`pcialign.py kernel NAME`).
"""

import os
from dataclasses import dataclass
from typing import Tuple, Union

from . import paths
from .machines import bootable, machine as _machine


@dataclass(frozen=True)
class Variant:
    name: str
    machine: str
    fragments: Tuple[str, ...] = ()
    in_check: Union[bool, str] = True   # True, 'full' or False
    tree: str = ''              # another kernel tree ('' = paths.TREE)
    what: str = ''

    @property
    def mach(self):
        return _machine(self.machine)

    @property
    def out(self):
        return os.path.join(paths.BUILD, self.name)

    @property
    def image(self):
        return os.path.join(self.out, self.mach.image_path)

    @property
    def src(self):
        return paths.under_root(self.tree) if self.tree else paths.TREE

    def config_fragments(self):
        frags = ['configs/common.config', self.mach.fragment]
        frags += list(self.fragments)
        return [os.path.join(paths.HARNESS, f) for f in frags]


# every bootable machine's default variant, of the same name
VARIANTS = {m.name: Variant(m.name, m.name, what='the series, default '
                            'configuration') for m in bootable()}
VARIANTS.update({v.name: v for v in (
    Variant('arm64-pab', 'arm64', ('configs/page-align-bars.config',),
            what='CONFIG_PCI_PAGE_ALIGN_BARS=y'),
    Variant('arm64-64k', 'arm64', ('configs/arm64-64k.config',),
            what='64 KiB pages'),
    Variant('ppc64', 'ppc64', in_check='full',
            what='the series, default configuration (pseries, SLOF)'),
    Variant('ppc64-pab', 'ppc64', ('configs/page-align-bars.config',),
            in_check='full', what='CONFIG_PCI_PAGE_ALIGN_BARS=y'),
    Variant('s390x', 's390x', in_check='full',
            what='the series, default configuration (zPCI)'),
    Variant('s390x-pab', 's390x', ('configs/page-align-bars.config',),
            in_check='full', what='CONFIG_PCI_PAGE_ALIGN_BARS=y'),
    # the claim-only machine of make check
    Variant('sparc64', 'sparc64',
            what='the series, default configuration'),
    Variant('sparc64-pab', 'sparc64', ('configs/page-align-bars.config',),
            what='CONFIG_PCI_PAGE_ALIGN_BARS=y'),
    Variant('x86_64-ovmf', 'x86_64-ovmf', in_check='full',
            what='the series, ACPI + EFI (same .config as x86_64-pc)'),
    Variant('x86_64-ovmf-pab', 'x86_64-ovmf',
            ('configs/page-align-bars.config',), in_check='full',
            what='CONFIG_PCI_PAGE_ALIGN_BARS=y'),
    Variant('x86_64-pc', 'x86_64-pc', in_check='full',
            what='the series, ACPI + EFI (same .config as x86_64-ovmf)'),
    Variant('x86_64-pc-pab', 'x86_64-pc',
            ('configs/page-align-bars.config',), in_check='full',
            what='CONFIG_PCI_PAGE_ALIGN_BARS=y'),
    Variant('malta', 'malta', in_check='full',
            what='the series, default configuration'),
    Variant('malta-pab', 'malta', ('configs/page-align-bars.config',),
            in_check='full', what='CONFIG_PCI_PAGE_ALIGN_BARS=y'),
    Variant('x86_64-acpi', 'x86_64', ('configs/x86_64-acpi.config',),
            in_check=False, what='ACPI + MMCONFIG (SR-IOV on x86_64)'),
    # KASAN, UBSAN, lockdep, kmemleak, debug objects (scenarios debug, race)
    Variant('arm64-debug', 'arm64', ('configs/debug.config',),
            in_check='full', what='KASAN, UBSAN, lockdep, kmemleak, ODEBUG'),
    # negative control of the debug checks: the series plus a leak, an
    # ABBA lock order and a shift by 64 (negative/detectors.patch)
    Variant('broken-arm64-debug', 'arm64', ('configs/debug.config',),
            in_check=False, tree='build/linux-broken',
            what='negative control: detectors.patch (leak, lock order, '
            'shift)'),
    # the stock base with the debug options: where a report of the debug
    # boots comes from (scenarios/debug.py KNOWN)
    Variant('stock-arm64-debug', 'arm64', ('configs/debug.config',),
            in_check=False, tree='build/pristine',
            what='the pristine base (no series), debug options'),
    Variant('unfixed-arm64', 'arm64', in_check=False,
            tree='build/linux-unfixed',
            what='negative control: the series without the min_mem_align fix'),
    Variant('unfixed-x86_64', 'x86_64', in_check=False,
            tree='build/linux-unfixed',
            what='negative control: the series without the min_mem_align fix'),
)})


def in_check(full=False):
    """The variants `make check` builds (in_check=True), with FULL also
    those of `make check-full` (in_check='full'), in table order."""
    tiers = (True, 'full') if full else (True,)
    return [v for v in VARIANTS.values() if v.in_check in tiers]


def variant(name):
    try:
        return VARIANTS[name]
    except KeyError:
        raise SystemExit('unknown kernel variant %r (variants: %s)' % (
            name, ' '.join(VARIANTS)))
