# SPDX-License-Identifier: GPL-2.0
"""Every path the harness uses, resolved once.

The repository root is three levels above tools/testing/pci-align (or
PCI_ALIGN_ROOT).  BASE (harness/bases.py, default bases.DEFAULT) picks
the base: every output of it goes under build/<base>/ (BUILD), the
exported series under out/<base>/ (OUT).  TREE (the patched kernel git
tree, default build/<base>/linux) and KSRC (a tree to use as the base
instead of Debian's package) come from the environment, relative paths
being relative to the root.  APT is the private apt configuration and
the downloaded packages, shared by every base and every clone.
"""

import os

from . import bases

HARNESS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.abspath(os.environ.get('PCI_ALIGN_ROOT') or
                       os.path.join(HARNESS, '../../..'))


def under_root(path):
    """PATH made absolute, relative to the repository root."""
    return path if os.path.isabs(path) else os.path.join(ROOT, path)


BASE = bases.base()
BUILD = os.path.join(ROOT, 'build', BASE.name)
OUT = os.path.join(ROOT, 'out', BASE.name)
TREE = under_root(os.environ.get('TREE') or
                  os.path.join('build', BASE.name, 'linux'))
PRISTINE = os.path.join(BUILD, 'pristine')
# the series of this base: overlay files under OVERLAY ('' : none yet)
OVERLAY = os.path.normpath(os.path.join(ROOT, BASE.overlay)) \
    if BASE.series else ''
KSRC = os.environ.get('KSRC') or ''
APT = os.environ.get('PCIALIGN_APT') or os.path.join(
    os.path.expanduser('~'), '.cache', 'pci-align', 'apt')
# the trees unpacked from the package files, and the git dirs of their
# base commits (overlay.py), shared by every clone as ccache is
TREES = os.path.join(os.path.dirname(APT), 'trees')
LOGS = os.path.join(BUILD, 'logs')            # guest serial logs
CHECK = os.path.join(BUILD, 'check')          # make check: step logs, KTAP
GUEST = os.path.join(HARNESS, 'guest')        # guest programs (C)
CONFIGS = os.path.join(HARNESS, 'configs')    # kernel config fragments
STEPS = os.path.join(HARNESS, 'steps')        # shell steps (no boot)
KUNIT_TOOLS = os.path.join(TREE, 'tools/testing/kunit')


def kselftest(machine):
    """build/<base>/kselftest/<machine>/pci: the kselftest built for MACHINE"""
    return os.path.join(BUILD, 'kselftest', machine, 'pci')


def pristine_source():
    """Where build/<base>/pristine came from: steps/base.sh's stamp,
    deb:<package file> or ksrc:<tree> ('' before make base)."""
    try:
        with open(os.path.join(BUILD, '.pristine-source')) as f:
            return f.read().strip()
    except OSError:
        return ''


def base_git():
    """The .git of a tree holding only the base commit (overlay.py makes
    it once, make tree copies it): shared by every clone for a package
    file, in build/<base>/ for a KSRC tree."""
    src = pristine_source()
    if src.startswith('deb:') and src.endswith('.deb'):
        return os.path.join(TREES, src[4:-4] + '.git')
    return os.path.join(BUILD, 'base-git')


def kernel_version(tree):
    """VERSION.PATCHLEVEL.SUBLEVEL of the kernel tree TREE, from its
    Makefile ('' when there is none)."""
    v = {}
    try:
        with open(os.path.join(tree, 'Makefile')) as f:
            for line in f:
                k, sep, val = line.partition('=')
                if sep and k.strip() in ('VERSION', 'PATCHLEVEL', 'SUBLEVEL'):
                    v[k.strip()] = val.strip()
                if len(v) == 3:
                    break
    except OSError:
        return ''
    if len(v) < 3:
        return ''
    return '.'.join(v[k] for k in ('VERSION', 'PATCHLEVEL', 'SUBLEVEL'))
