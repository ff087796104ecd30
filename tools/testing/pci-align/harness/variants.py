# SPDX-License-Identifier: GPL-2.0
"""The kernel variant table: every guest kernel and where it is built.

Every bootable machine has three variants derived from its row
(_derived()): the series (<name>), the CONFIG_PCI_PAGE_ALIGN_BARS build
(<name>-pab) and the unpatched base (stock-<name>); the rows below are
the other kernels.  A variant is a machine plus config fragments: allnoconfig +
configs/common.config + the machine's fragment + the variant's own, in
that order.  Its output directory is build/<base>/<name>; every image path the
harness uses comes from Variant.image.  in_check, the tier: True = built
by `make check`, 'full' = by `make check-full` only (what does not fit
into CI's time), False = on demand only (`pcialign.py kernel NAME`).
"""

import os
from dataclasses import dataclass
from typing import Tuple, Union

from . import paths
from .machines import bootable, machine as _machine

_BUILD = os.path.relpath(paths.BUILD, paths.ROOT)   # build/<base>


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


def _derived(m):
    """The kernels of machine M: the series (<name>), its
    CONFIG_PCI_PAGE_ALIGN_BARS build (<name>-pab) and the unpatched base
    (stock-<name>), in the tier the base gives the machine (Base.check;
    the others in make check-full).  Without a series on the base, only
    stock-<name> runs; with the v4 series, the stock kernels are built
    by make check-full only; with v5, in the machine's tier, as its
    make check compares the no-parameter boots with them."""
    b = paths.BASE
    tier = m.tier if b.check is None or m.name in b.check else 'full'
    pab = tier if m.pab is None else m.pab
    if b.series and b.checks != 'v5':
        stock = 'full'
    else:
        stock = tier
    return (
        Variant(m.name, m.name, in_check=tier if b.series else False,
                what='the series, default configuration'),
        Variant(m.name + '-pab', m.name, ('configs/page-align-bars.config',),
                in_check=pab if b.series else False,
                what='CONFIG_PCI_PAGE_ALIGN_BARS=y'),
        Variant('stock-' + m.name, m.name, in_check=stock,
                tree=os.path.relpath(paths.PRISTINE, paths.ROOT),
                what='the unpatched base %s' % b.name),
    )


VARIANTS = {v.name: v for m in bootable() for v in _derived(m)}
VARIANTS.update({v.name: v for v in (
    Variant('arm64-64k', 'arm64', ('configs/arm64-64k.config',),
            in_check=paths.BASE.series and (paths.BASE.checks == 'v4' or
                                            'full'),
            what='64 KiB pages'),
    Variant('x86_64-acpi', 'x86_64', ('configs/x86_64-acpi.config',),
            in_check=False, what='ACPI + MMCONFIG (SR-IOV on x86_64)'),
    # KASAN, UBSAN, lockdep, kmemleak, debug objects (scenarios debug, race)
    Variant('arm64-debug', 'arm64', ('configs/debug.config',),
            in_check=paths.BASE.series and 'full', what='KASAN, UBSAN, lockdep, kmemleak, ODEBUG'),
    # negative control of the debug checks: the series plus a leak, an
    # ABBA lock order and a shift by 64 (negative/detectors.patch)
    Variant('broken-arm64-debug', 'arm64', ('configs/debug.config',),
            in_check=False, tree=os.path.join(_BUILD, 'linux-broken'),
            what='negative control: detectors.patch (leak, lock order, '
            'shift)'),
    # the stock base with the debug options: where a report of the debug
    # boots comes from (scenarios/debug.py KNOWN)
    Variant('stock-arm64-debug', 'arm64', ('configs/debug.config',),
            in_check=False, tree=os.path.join(_BUILD, 'pristine'),
            what='the pristine base (no series), debug options'),
    Variant('unfixed-arm64', 'arm64', in_check=False,
            tree=os.path.join(_BUILD, 'linux-unfixed'),
            what='negative control: the series without the min_mem_align fix'),
    Variant('unfixed-x86_64', 'x86_64', in_check=False,
            tree=os.path.join(_BUILD, 'linux-unfixed'),
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
