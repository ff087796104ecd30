# SPDX-License-Identifier: GPL-2.0
"""The base table: the one place that knows each kernel base.

A base is a Linux source tree from one of Debian's linux-source-X.Y
packages, fetched with `apt-get download` through a private apt
configuration (steps/base.sh; the suite is never added to the system's
sources and the package is never installed) and unpacked with dpkg -x.
Whatever point release the suite serves that day is taken, unless the
row (or BASE_VERSION=) pins one.

BASE=<name> selects the base of every command (default: DEFAULT); each
base has its own directories build/<name>/ (pristine tree, patched
tree, kernels, logs) and out/<name>/, so that switching bases rebuilds
nothing already built.  Adding a base is one row here.
"""

import os
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

MIRROR = 'http://deb.debian.org/debian'
SECURITY = 'http://deb.debian.org/debian-security'


@dataclass(frozen=True)
class Base:
    name: str                   # BASE=<name>, build/<name>/
    package: str                # Debian binary package (Architecture: all)
    suite: str                  # Debian suite that serves it
    mirror: str                 # archive of that suite
    version: str = ''           # pinned package version ('' = newest)
    # the series for this base: '' = the overlay at the repository's top
    # level, None = no series yet (make tree gives the base commit alone)
    overlay: Optional[str] = ''
    # build workarounds of the base, per machine: extra make arguments of
    # every kernel make (they are not part of any series)
    make_args: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    # options of the harness's config fragments that this base doesn't
    # have (removed or renamed upstream): not required in the .config
    absent: Tuple[str, ...] = ()
    # the machines make check boots on this base (None: every machine of
    # tier True, harness/machines.py); the others run in make check-full
    check: Optional[Tuple[str, ...]] = None
    # the checks of its series: 'v4' (the 6.12 series' whole matrix) or
    # 'v5' (the mainline series: tree, series, checkpatch, its kernels,
    # KUnit, and the scenarios stock and mainline)
    checks: str = 'v4'
    # its reroll count (git format-patch -v) and the cover letter's text
    # (steps/<cover>: line 1 = subject, rest = blurb)
    reroll: int = 4
    cover: str = 'cover-letter.txt'
    # several series in one tree: (name, commits, cover, needs, reroll) in
    # order, needs a comma list of earlier parts or '-', reroll '-' for a
    # first posting (steps/series.sh); () = one series with cover, reroll
    parts: Tuple[Tuple[str, int, str, str, str], ...] = ()
    facts: str = field(default='', compare=False)

    @property
    def tarball(self):
        """the source tarball inside the package"""
        return '/usr/src/%s.tar.xz' % self.package

    @property
    def series(self):
        return self.overlay is not None


BASES = {b.name: b for b in (
    Base('6.12', 'linux-source-6.12', 'bookworm-security', SECURITY,
         # FMODE_NONOTIFY (1 << 25) is sparc's __O_TMPFILE, so
         # fcntl_init()'s BUILD_BUG_ON fails; keep the build going
         # (BUILD_BUG_ON is a no-op without __OPTIMIZE__)
         make_args={'sparc64': ('CFLAGS_fcntl.o=-U__OPTIMIZE__',)},
         facts='LTS of Debian 13 and RHEL 10; served by bookworm-security '
               '(6.12.117 and older stay served); sparc64 needs the '
               'fs/fcntl.c build workaround'),
    Base('7.3', 'linux-source-7.3', 'trixie-backports', MIRROR,
         overlay='mainline', checks='v5', check=('arm64', 'x86_64'),
         reroll=5, cover='cover-letter-v5.txt',
         parts=(('1-fixes', 2, 'cover-fixes-v5.txt', '-', '-'),
                ('2-feature', 12, 'cover-letter-v5.txt', '1-fixes', '5'),
                ('3-vfio', 2, 'cover-vfio-v5.txt', '1-fixes,2-feature',
                 '-'),
                ('4-cost', 1, 'cover-cost-v5.txt', '1-fixes,2-feature',
                 '-')),
         # CONFIG_VFIO_PCI_MMAP is gone (pdev->non_mappable_bars)
         absent=('CONFIG_VFIO_PCI_MMAP',),
         facts='mainline as Debian serves it (7.3.y); sparc64 builds '
               'without the fs/fcntl.c workaround; setup-bus.c reworked'),
)}

DEFAULT = '6.12'


def base(name=None):
    name = name or os.environ.get('BASE') or DEFAULT
    try:
        return BASES[name]
    except KeyError:
        raise SystemExit('unknown base %r (bases: %s)' % (
            name, ' '.join(BASES)))


def env_words():
    """PCIALIGN_BASES for the shell steps: name|package|suite|mirror|version
    ('-' for no pin), one word per base."""
    return ' '.join('%s|%s|%s|%s|%s' % (b.name, b.package, b.suite, b.mirror,
                                        b.version or '-')
                    for b in BASES.values())
