# SPDX-License-Identifier: GPL-2.0
"""The guest initramfs: /init and the report programs, static.

/init is guest/init/*.c compiled together (the dispatcher and one file
per mode); /bin/pcibars and /bin/vfiocheck are guest/pcibars.c and
guest/vfiocheck.c.  extras: (SRC, /ABS/PATH) pairs, SRC a C file (built
like the others) or a static binary for the machine (copied), e.g. the
kselftest.  Built with the machine's guest_cc into
build/initramfs/<machine>[-<tag>].cpio.gz, again only when a source, the
compiler or the extras changed (a hash of them is kept beside it).
"""

import glob
import gzip
import hashlib
import os
import shutil
import subprocess
import tempfile

from . import paths

CFLAGS = ['-static', '-O2', '-Wall', '-D_FILE_OFFSET_BITS=64']


def init_sources():
    return sorted(glob.glob(os.path.join(paths.GUEST, 'init', '*.c')))


def programs(extras=()):
    """[(sources, path in the initramfs)]"""
    progs = [(init_sources(), '/init'),
             ([os.path.join(paths.GUEST, 'pcibars.c')], '/bin/pcibars'),
             ([os.path.join(paths.GUEST, 'vfiocheck.c')], '/bin/vfiocheck')]
    return progs + [([src], dst) for src, dst in extras]


def _digest(mach, progs):
    h = hashlib.sha256(repr((mach.guest_cc, CFLAGS)).encode())
    files = [f for srcs, _ in progs for f in srcs]
    files += glob.glob(os.path.join(paths.GUEST, '**', '*.h'), recursive=True)
    for f in sorted(set(files)):
        h.update(f.encode())
        with open(f, 'rb') as fh:
            h.update(fh.read())
    h.update(repr([d for _, d in progs]).encode())
    return h.hexdigest()


def _is_static(path):
    r = subprocess.run(['readelf', '-l', path], capture_output=True,
                       text=True, env=dict(os.environ, LC_ALL='C'))
    return 'program interpreter' not in r.stdout


def build(mach, tag='', extras=()):
    """Path of the initramfs for MACH, (re)built when stale."""
    progs = programs(extras)
    for srcs, _ in progs:
        for s in srcs:
            if not os.path.isfile(s):
                raise SystemExit('initramfs: %s not found' % s)
    out = os.path.join(paths.BUILD, 'initramfs', mach.name +
                       ('-' + tag if tag else '') + '.cpio.gz')
    digest = _digest(mach, progs)
    stamp = out + '.sha256'
    if os.path.isfile(out) and os.path.isfile(stamp) and \
            open(stamp).read().strip() == digest:
        return out
    if not shutil.which(mach.guest_cc):
        raise SystemExit('initramfs: %s not found (pcialign.py deps)' %
                         mach.guest_cc)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    root = tempfile.mkdtemp(prefix='initramfs-', dir=os.path.dirname(out))
    try:
        for d in ('bin', 'dev', 'proc', 'sys'):
            os.makedirs(os.path.join(root, d))
        for srcs, dst in progs:
            target = root + dst
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if srcs[0].endswith('.c'):
                subprocess.run([mach.guest_cc] + CFLAGS + [
                    '-I', paths.GUEST, '-o', target] + srcs, check=True)
            else:
                if not _is_static(srcs[0]):
                    raise SystemExit('initramfs: %s is not statically '
                                     'linked' % srcs[0])
                shutil.copy(srcs[0], target)
                os.chmod(target, 0o755)
        names = subprocess.run('find . -print | LC_ALL=C sort', shell=True,
                               cwd=root, capture_output=True, check=True)
        cpio = subprocess.run(['cpio', '--quiet', '-o', '-H', 'newc',
                               '--owner=0:0'], cwd=root, input=names.stdout,
                              capture_output=True, check=True)
        with open(out + '.tmp', 'wb') as f:
            f.write(gzip.compress(cpio.stdout, 9, mtime=0))
        os.replace(out + '.tmp', out)
        with open(stamp, 'w') as f:
            f.write(digest + '\n')
    finally:
        shutil.rmtree(root)
    return out
