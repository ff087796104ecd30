# SPDX-License-Identifier: GPL-2.0
"""The benchmark: what pci=resource_alignment=all costs, on arm64 virt.

Count, don't time: every boot runs under QEMU `-icount shift=0,sleep=off`
(ICOUNT), so the guest clock advances 1 ns per guest instruction (idle
time is skipped to the next timer deadline), and the initcall_debug
duration of the host bridge driver ("initcall gen_pci_driver_init ...
returned 0 after N usecs") is N thousand guest instructions, the same
figure every time the same boot runs.  Each boot runs BENCH_RUNS (2)
times and the report asserts the figures equal.

Topologies bench-<shape>-<N> (topologies.py: flat, bridge, switch) of N
small-BAR pci-testdevs, each booted, in turn, as
  stock   no parameter
  perdev  pci=resource_alignment=12@pci:1b36:0005 (the per-device syntax:
          one entry naming pci-testdev's vendor:device matches every test
          device; 256 BDF entries don't fit arm64's command line)
  all     pci=resource_alignment=all
  pab     the CONFIG_PCI_PAGE_ALIGN_BARS=y kernel (variant arm64-pab)
with "loglevel=1 log_buf_len=4M initcall_debug" on every command line.
Then (not in --check):
  breakdown  BENCH_BREAKDOWN ("bridge 256"; "" skips it): stock and all
             once more with QEMU's config-access trace and call counts
             (benchtrace.py), kept in <log>.counts
  vfio       the vfio scenario's guest (guest/vfiocheck.c) with
             pcialign.vfioreads=BENCH_VFIO_READS (5000), without the
             parameter, with all and on the pab kernel, no -icount:
             ns per 32-bit read of each small BAR through mmap() and
             through pread() (BENCH_VFIO=0 skips it)
  kunit      the KUnit suite pci_align_bench (drivers/pci/tests) with
             `kunit.py exec --arch x86_64 --qemu_args "-icount
             shift=0,sleep=off"`, twice (BENCH_KUNIT=0 skips it); its
             ktime figures are guest instructions as well
benchreport.py turns the logs into BENCHMARKS.md and the plots'
data and scripts (bench/*.dat, *.gp); gnuplot draws the PNGs.

run(test, check_only=True) is make check's sanity run (bench --check):
shape bridge at N = 8, every variant, two runs each, report in
build/bench-check; it asserts that each figure was produced and that the
two runs' counts are identical (no thresholds).  Env: BENCH_SIZES
("8 64 256"), BENCH_SHAPES ("bridge switch flat"), BENCH_RUNS (2),
BENCH_KUNIT (1), BENCH_KUNIT_SIZES ("256 1024 4096"), BENCH_KUNIT_TREE
(TREE), BENCH_KUNIT_BUILD
(build/bench-kunit-x86_64), BENCH_BREAKDOWN, BENCH_VFIO, BENCH_VFIO_READS,
BENCH_OUT (BENCHMARKS.md), BENCH_PLOTDIR (bench/), TIMEOUT (per boot,
300 s).
"""

import os
import shlex
import shutil
import subprocess
import sys
import time

from . import benchreport, benchtrace, initramfs, kunit, paths, qemu, \
    topologies
from .variants import variant

# initramfs_async=0: the initramfs is unpacked before the device
# initcalls, not by a worker that runs while the host bridge's initcall
# sleeps (pciehp behind the switch): the count then does not depend on the
# initramfs (see the docstring)
COMMON = 'loglevel=1 log_buf_len=4M initcall_debug initramfs_async=0'
VARIANTS = ('stock', 'perdev', 'all', 'pab')
APPEND = {'stock': COMMON,
          'perdev': COMMON + ' pci=resource_alignment=12@pci:1b36:0005',
          'all': COMMON + ' pci=resource_alignment=all', 'pab': COMMON}
KERNEL = {'stock': 'arm64', 'perdev': 'arm64', 'all': 'arm64',
          'pab': 'arm64-pab'}
ICOUNT = ('-icount', 'shift=0,sleep=off')
BREAKDOWN_VARIANTS = ('stock', 'all')
VFIO_APPEND = 'vfio.enable_unsafe_noiommu_mode=1 pcialign.run=/bin/vfiocheck'
VFIO_BOOTS = (('none', 'arm64', ''),
              ('all', 'arm64', 'pci=resource_alignment=all'),
              ('pab', 'arm64-pab', ''))
VFIO_TOPOLOGY = 'seed'
KUNIT_GLOB = 'pci_align_bench.*'


def _env(name, default):
    v = os.environ.get(name)
    return default if v is None else v


def kunit_command(build, tree, n='N'):
    """the kunit.py exec command line of the KUnit benchmark at N devices
    (pci_align_kunit.bench_devices; one repetition: the count does not
    vary)"""
    return [sys.executable, os.path.join(tree, 'tools/testing/kunit/kunit.py'),
            'exec', '--arch=x86_64', '--build_dir=' + build,
            '--timeout=900', '--raw_output=all',
            '--qemu_args', ' '.join(ICOUNT),
            '--kernel_args', 'printk.time=1',
            '--kernel_args', 'pci_align_kunit.bench_devices=%s' % n,
            '--kernel_args', 'pci_align_kunit.bench_reps=1', KUNIT_GLOB]


def kunit_sizes():
    """BENCH_KUNIT_SIZES: the emulated bus sizes"""
    return _env('BENCH_KUNIT_SIZES', '256 1024 4096').split()


def kunit_bench(check, tree, build, runs=2):
    """pci_align_bench on x86_64 under -icount in its own build directory,
    RUNS times; the logs (build/run<k>.log), or None"""
    src = os.path.join(tree, 'drivers/pci/tests/pci_align_kunit.c')
    if not os.path.isfile(src) or 'pci_align_bench' not in open(src).read():
        print('kunit: %s has no pci_align_bench suite, skipped' % tree)
        return None
    if not kunit.build(build, ['--arch', 'x86_64'], tree=tree):
        check('bench-kunit build', False, 'log: %s/build.log' % build)
        return None
    logs = []
    for r in range(1, runs + 1):
        log = os.path.join(build, 'bench-run%d.log' % r)
        with open(log, 'w') as f:
            for n in kunit_sizes():
                f.flush()
                subprocess.run(kunit_command(build, tree, n), cwd=tree,
                               stdin=subprocess.DEVNULL, stdout=f,
                               stderr=subprocess.STDOUT)
        logs.append(log)
    return logs


def breakdown_boots(shape, n, initrd, logdir, timeout):
    """the breakdown boots of SHAPE at N: rows for breakdown.tsv"""
    rows = []
    devs = topologies.bench(shape, n)
    for v in BREAKDOWN_VARIANTS:
        kv = variant(KERNEL[v])
        build = kv.out
        args, entries, prk = benchtrace.plan(
            build, os.path.join(build, 'System.map'))
        log = os.path.join(logdir, 'breakdown-%s-%d-%s.log' % (shape, n, v))
        trace = log + '.trace'
        extra = list(ICOUNT) + ['-D', trace] + args
        ended, secs = qemu.boot(kv, 'none', APPEND[v], log, initrd,
                                timeout=timeout, devices=devs, extra=extra)
        print('BREAKDOWN %s %s-%d %s %.1fs%s' % (
            kv.name, shape, n, v, secs, '' if ended else ' (no end marker)'))
        if os.path.isfile(trace):
            res = benchtrace.summarize(trace, entries, prk)
            benchtrace.write_counts(log + '.counts', res)
            os.unlink(trace)
        rows.append((shape, n, v, log, kv.image, APPEND[v],
                     ' '.join(shlex.quote(a) for a in extra)))
    return rows


def vfio_boots(reads, logdir, timeout, initrd):
    """the vfio timing boots: rows for vfio.tsv"""
    rows = []
    for name, kvname, param in VFIO_BOOTS:
        kv = variant(kvname)
        append = ' '.join(x for x in (param, VFIO_APPEND,
                                      'pcialign.vfioreads=%d' % reads) if x)
        log = os.path.join(logdir, 'vfio-%s.log' % name)
        ended, secs = qemu.boot(kv, VFIO_TOPOLOGY, append, log, initrd,
                                timeout=timeout)
        print('VFIO %s %s %.1fs%s' % (kv.name, name, secs,
                                      '' if ended else ' (no end marker)'))
        rows.append((name, log, kv.image, VFIO_TOPOLOGY, append))
    return rows


def run(test, check_only=False):
    def check(name, ok, detail=''):
        test.check(ok, name, detail)
    sub = 'bench-check' if check_only else 'bench'
    logdir = os.path.join(paths.BUILD, sub)
    if check_only:
        sizes, runs, kunit_on, shapes = '8', 2, False, ['bridge']
        breakdown, vfio_reads = '', 0
        out = os.path.join(logdir, 'BENCHMARKS.md')
        plotdir = os.path.join(logdir, 'plot')
        command = 'tools/testing/pci-align/pcialign.py bench --check'
    else:
        sizes = _env('BENCH_SIZES', '8 64 256')
        runs = int(_env('BENCH_RUNS', '2'))
        kunit_on = _env('BENCH_KUNIT', '1') == '1'
        shapes = _env('BENCH_SHAPES', 'bridge switch flat').split()
        breakdown = _env('BENCH_BREAKDOWN', 'bridge 256')
        vfio_reads = int(_env('BENCH_VFIO_READS', '5000')) \
            if _env('BENCH_VFIO', '1') == '1' else 0
        out = paths.under_root(_env('BENCH_OUT', 'BENCHMARKS.md'))
        plotdir = paths.under_root(_env('BENCH_PLOTDIR', 'bench'))
        command = 'make bench'
        for v in ('BENCH_SIZES', 'BENCH_SHAPES', 'BENCH_RUNS', 'BENCH_KUNIT',
                  'BENCH_KUNIT_SIZES',
                  'BENCH_KUNIT_TREE', 'BENCH_KUNIT_BUILD', 'BENCH_BREAKDOWN',
                  'BENCH_VFIO', 'BENCH_VFIO_READS'):
            if os.environ.get(v) is not None:
                command = '%s=%s %s' % (v, shlex.quote(os.environ[v]),
                                        command)
    timeout = int(_env('TIMEOUT', '300'))
    t_start = time.time()
    tree_commit = subprocess.run(
        ['git', '-C', paths.TREE, 'log', '-1', '--format=%h %s'],
        capture_output=True, text=True).stdout.strip() or '?'
    load_start = ' '.join(open('/proc/loadavg').read().split()[:3])
    os.makedirs(logdir, exist_ok=True)
    for f in os.listdir(logdir):
        if f.endswith(('.log', '.log.cmd', '.counts', '.trace', '.tsv')):
            os.unlink(os.path.join(logdir, f))
    kernels = {v: variant(KERNEL[v]) for v in VARIANTS}
    for kv in set(kernels.values()):
        if not os.path.isfile(kv.image):
            check('bench kernel image %s missing (pcialign.py kernel %s)' % (
                kv.image, kv.name), False)
            return
    initrd = os.path.join(logdir, 'initramfs.cpio.gz')
    shutil.copyfile(initramfs.build(kernels['stock'].mach), initrd)
    print('sizes: %s; shapes: %s; runs: %d; logs: %s' % (
        sizes, ' '.join(shapes), runs, logdir))
    nboot = 0
    tsv = os.path.join(logdir, 'runs.tsv')
    qargs = ' '.join(ICOUNT)
    for r in range(1, runs + 1):
        # rotate the order of the variants from run to run
        k = (r - 1) % 4
        order = VARIANTS[k:] + VARIANTS[:k]
        for shape in shapes:
            for size in sizes.split():
                n = min(int(size), topologies.BENCH_MAX[shape])
                devs = topologies.bench(shape, n)
                for v in order:
                    log = os.path.join(logdir, '%s-%d-%s-r%d.log' % (
                        shape, n, v, r))
                    nboot += 1
                    kv = kernels[v]
                    ended, secs = qemu.boot(kv, 'none', APPEND[v], log,
                                            initrd, timeout=timeout,
                                            devices=devs, extra=ICOUNT)
                    print('BOOT %s %s-%d %s r%d %.1fs%s' % (
                        kv.name, shape, n, v, r, secs,
                        '' if ended else ' (no end marker)'))
                    with open(tsv, 'a') as f:
                        f.write('\t'.join(map(str, (
                            shape, n, v, r, log, kv.image, APPEND[v],
                            qargs))) + '\n')
    t_qemu = time.time()
    args = []
    if breakdown.split():
        shape, n = breakdown.split()[0], int(breakdown.split()[1])
        n = min(n, topologies.BENCH_MAX[shape])
        btsv = os.path.join(logdir, 'breakdown.tsv')
        with open(btsv, 'w') as f:
            for row in breakdown_boots(shape, n, initrd, logdir, timeout):
                f.write('\t'.join(map(str, row)) + '\n')
        args += ['--breakdown', btsv]
    if vfio_reads:
        vtsv = os.path.join(logdir, 'vfio.tsv')
        with open(vtsv, 'w') as f:
            for row in vfio_boots(vfio_reads, logdir, timeout, initrd):
                f.write('\t'.join(map(str, row)) + '\n')
        args += ['--vfio', vtsv]
    t_extra = time.time()
    ktree = paths.under_root(_env('BENCH_KUNIT_TREE', paths.TREE))
    kbuild = paths.under_root(_env('BENCH_KUNIT_BUILD',
                                   'build/bench-kunit-x86_64'))
    klogs = kunit_bench(check, ktree, kbuild) if kunit_on else None
    t_end = time.time()
    os.makedirs(os.path.dirname(out), exist_ok=True)
    args += ['--runs', tsv, '--out', out, '--plotdir', plotdir,
             '--wall', str(int(t_end - t_start)),
             '--qemu-wall', str(int(t_qemu - t_start)),
             '--extra-wall', str(int(t_extra - t_qemu)),
             '--boots', str(nboot),
             '--kunit-tree', ktree, '--kunit-build', kbuild,
             '--load-start', load_start, '--load-end',
             ' '.join(open('/proc/loadavg').read().split()[:3]),
             '--command', command, '--tree-commit', tree_commit]
    if klogs:
        args += ['--kunit-command', ' '.join(
            shlex.quote(a) for a in kunit_command(
                os.path.relpath(kbuild, ktree), '.'))]
        for log in klogs:
            args += ['--kunit', log]
    benchreport.main(args, check)
    for gp in ('address-space.gp', 'vfio-access.gp'):
        if not os.path.isfile(os.path.join(plotdir, gp)):
            continue
        try:
            r = subprocess.run(['gnuplot', gp], cwd=plotdir,
                               capture_output=True, text=True)
        except FileNotFoundError:
            print('plot: gnuplot not installed (make deps), no PNG')
            break
        if r.returncode:
            print(r.stdout + r.stderr)
            check('bench-plot (gnuplot %s)' % gp, False)
        else:
            print('plot: %s/%s' % (plotdir, gp.replace('.gp', '.png')))
    print('bench wall time: %d s' % (time.time() - t_start))
