# SPDX-License-Identifier: GPL-2.0
"""Kernel builds: the guest kernel of a variant, and kernel make calls.

A variant's directory is configured from allnoconfig with its fragments
merged (KCONFIG_ALLCONFIG), again only when the fragments, the tree or
the compiler changed, then olddefconfig; an option of the fragments that
Kconfig did not take (a missing dependency) fails the build, unless the
base doesn't have it (Base.absent, harness/bases.py).  Builds are out of tree (O=) with
ccache (CCACHE_BASEDIR = the repository root, so that clones share hits).
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys

from . import paths

os.environ.setdefault('CCACHE_BASEDIR', paths.ROOT)
os.environ.setdefault('CCACHE_MAXSIZE', '10G')
# our own make's command line must not leak into kernel makes
for _v in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES',
           'GNUMAKEFLAGS'):
    os.environ.pop(_v, None)


def kmake(mach, src, out, *args, quiet=False, cc=True, **kw):
    """make -C SRC O=OUT ARCH= CROSS_COMPILE= [CC="ccache gcc"] ARGS"""
    cmd = ['make', '-C', src, 'O=' + out, 'ARCH=' + mach.arch,
           'CROSS_COMPILE=' + mach.cross]
    if cc:
        cmd.append('CC=ccache %sgcc' % mach.cross)
    cmd += list(mach.make_args)
    if quiet:
        cmd.append('-s')
    return subprocess.run(cmd + list(args), **kw)


def jobs():
    return '-j%d' % (os.cpu_count() or 1)


def info(msg, log=None):
    print('>>> ' + msg, file=log or sys.stderr, flush=True)


def configure(v, log=None):
    """Configure variant V's build directory; LOG: file for the output."""
    io = {'stdout': log, 'stderr': log} if log else {}
    mach, src, out = v.mach, v.src, v.out
    if not os.path.isdir(os.path.join(src, '.git')) and \
            not os.path.isfile(os.path.join(src, 'Makefile')):
        raise SystemExit('%s is not a kernel tree (pcialign.py tree)' % src)
    if not shutil.which(mach.cross + 'gcc'):
        raise SystemExit('%sgcc not found (pcialign.py deps)' % mach.cross)
    frags = v.config_fragments()
    for f in frags:
        if not os.path.isfile(f):
            raise SystemExit('missing config fragment %s' % f)
    os.makedirs(out, exist_ok=True)
    text = ''.join(open(f).read() for f in frags)
    digest = hashlib.sha256(('%s %s\n' % (src, mach.cross) +
                             text).encode()).hexdigest()
    stamp = os.path.join(out, '.pci-align-config.sha256')
    if not os.path.isfile(os.path.join(out, '.config')) or \
            not os.path.isfile(stamp) or open(stamp).read().strip() != digest:
        info('configuring %s: allnoconfig + %s' % (
            out, ' '.join(os.path.basename(f) for f in frags)), log)
        merged = os.path.join(out, 'pci-align.config')
        with open(merged, 'w') as f:
            f.write(text)
        if os.path.exists(stamp):
            os.unlink(stamp)
        kmake(mach, src, out, 'KCONFIG_ALLCONFIG=' + merged, 'allnoconfig',
              quiet=True, check=True, **io)
        with open(stamp, 'w') as f:
            f.write(digest + '\n')
    kmake(mach, src, out, 'olddefconfig', quiet=True, check=True, **io)
    config = open(os.path.join(out, '.config')).read()
    bad = []
    for line in text.splitlines():
        m = re.match(r'^(CONFIG_\w+)=(.*)$', line)
        if not m or m.group(1) in paths.BASE.absent:
            continue
        if m.group(2) == 'n':
            if re.search('^%s=' % m.group(1), config, re.M):
                bad.append(line)
        elif not re.search('^%s$' % re.escape(line), config, re.M):
            bad.append(line)
    for line in bad:
        print('warning: %s config: %s requested but not set' % (v.name, line),
              file=log or sys.stderr)
    return not bad


def build(v, log=None):
    """Build variant V's image; returns its path.  LOG: file for the
    output (default: ours)."""
    if not configure(v, log):
        # e.g. arm's CONFIG_PHYS_ADDR_T_64BIT=n: the variant would not be
        # what its name says
        raise SystemExit('%s: fragment options Kconfig did not take (see '
                         'the warnings above)' % v.name)
    io = {'stdout': log, 'stderr': log} if log else {}
    info('building %s for %s in %s' % (v.mach.image, v.name, v.out), log)
    kmake(v.mach, v.src, v.out, jobs(), v.mach.image, check=True, **io)
    if not os.path.isfile(v.image):
        raise SystemExit('%s was not built' % v.image)
    return v.image
