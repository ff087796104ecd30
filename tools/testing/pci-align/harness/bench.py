# SPDX-License-Identifier: GPL-2.0
"""The benchmark: what pci=resource_alignment=all costs, on arm64 virt.

Topologies bench-<shape>-<N> (topologies.py: flat, bridge, switch) of N
small-BAR pci-testdevs, each booted, in turn, as
  stock   no parameter
  perdev  pci=resource_alignment=12@pci:1b36:0005 (the per-device syntax:
          one entry naming pci-testdev's vendor:device matches every test
          device; 256 BDF entries don't fit arm64's command line)
  all     pci=resource_alignment=all
  pab     the CONFIG_PCI_PAGE_ALIGN_BARS=y kernel (variant arm64-pab)
with "loglevel=1 log_buf_len=4M initcall_debug" on every command line.
benchreport.py turns the logs into BENCHMARKS.md, bench/address-space.dat
and .gp; gnuplot draws bench/address-space.png.  The KUnit suite
pci_align_bench (drivers/pci/tests, UML) adds the scan and assign time of
an emulated bus with 1056 devices.

run(test, check=True) is make check's sanity run (N = 8, one boot each,
no KUnit, report in build/bench-check; sanity checks only).  Env:
BENCH_SIZES ("8 64 128 256"), BENCH_SHAPES ("bridge switch flat"),
BENCH_RUNS (7), BENCH_KUNIT (1), BENCH_KUNIT_TREE (TREE),
BENCH_KUNIT_BUILD (build/bench-kunit), BENCH_OUT (BENCHMARKS.md),
BENCH_PLOTDIR (bench/), TIMEOUT (per boot, 300 s).
"""

import os
import subprocess
import time

from . import benchreport, initramfs, kunit, paths, qemu, topologies
from .variants import variant

COMMON = 'loglevel=1 log_buf_len=4M initcall_debug'
VARIANTS = ('stock', 'perdev', 'all', 'pab')
APPEND = {'stock': COMMON,
          'perdev': COMMON + ' pci=resource_alignment=12@pci:1b36:0005',
          'all': COMMON + ' pci=resource_alignment=all', 'pab': COMMON}
KERNEL = {'stock': 'arm64', 'perdev': 'arm64', 'all': 'arm64',
          'pab': 'arm64-pab'}


def _env(name, default):
    return os.environ.get(name) or default


def kunit_bench(check, tree, build):
    """The pci_align_bench suite under UML in its own build directory."""
    log = os.path.join(build, 'bench.log')
    src = os.path.join(tree, 'drivers/pci/tests/pci_align_kunit.c')
    if not os.path.isfile(src) or 'pci_align_bench' not in open(src).read():
        print('kunit: %s has no pci_align_bench suite, skipped' % tree)
        return None
    if not kunit.build(build, tree=tree):
        check('bench-kunit build', False, 'log: %s/build.log' % build)
        return None
    kunit.run_uml(build, log, 600, ['kunit.filter_glob=pci_align_bench.*'])
    return log


def run(test, check_only=False):
    def check(name, ok, detail=''):
        test.check(ok, name, detail)
    sub = 'bench-check' if check_only else 'bench'
    logdir = os.path.join(paths.BUILD, sub)
    if check_only:
        sizes, runs, kunit_on = '8', 1, False
        out = os.path.join(logdir, 'BENCHMARKS.md')
        plotdir = os.path.join(logdir, 'plot')
        command = 'tools/testing/pci-align/pcialign.py bench --check'
    else:
        sizes = _env('BENCH_SIZES', '8 64 128 256')
        runs = int(_env('BENCH_RUNS', '7'))
        kunit_on = _env('BENCH_KUNIT', '1') == '1'
        out = paths.under_root(_env('BENCH_OUT', 'BENCHMARKS.md'))
        plotdir = paths.under_root(_env('BENCH_PLOTDIR', 'bench'))
        command = 'make bench'
        for v in ('BENCH_SIZES', 'BENCH_SHAPES', 'BENCH_RUNS', 'BENCH_KUNIT',
                  'BENCH_KUNIT_TREE', 'BENCH_KUNIT_BUILD'):
            if os.environ.get(v):
                command = '%s=%s %s' % (v, os.environ[v], command)
    shapes = _env('BENCH_SHAPES', 'bridge switch flat').split()
    timeout = int(_env('TIMEOUT', '300'))
    t_start = time.time()
    load_start = ' '.join(open('/proc/loadavg').read().split()[:3])
    os.makedirs(logdir, exist_ok=True)
    for f in os.listdir(logdir):
        if f.endswith(('.log', '.log.cmd')) or f == 'runs.tsv':
            os.unlink(os.path.join(logdir, f))
    kernels = {v: variant(KERNEL[v]) for v in VARIANTS}
    for kv in set(kernels.values()):
        if not os.path.isfile(kv.image):
            check('bench kernel image %s missing (pcialign.py kernel %s)' % (
                kv.image, kv.name), False)
            return
    initrd = initramfs.build(kernels['stock'].mach)
    print('sizes: %s; shapes: %s; runs: %d; logs: %s' % (
        sizes, ' '.join(shapes), runs, logdir))
    nboot = 0
    tsv = os.path.join(logdir, 'runs.tsv')
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
                                            devices=devs)
                    print('BOOT %s %s-%d %s %.1fs%s' % (
                        kv.name, shape, n, v, secs,
                        '' if ended else ' (no end marker)'))
                    with open(tsv, 'a') as f:
                        f.write('\t'.join(map(str, (
                            shape, n, v, r, log, kv.image, APPEND[v]))) +
                            '\n')
    t_qemu = time.time()
    ktree = paths.under_root(_env('BENCH_KUNIT_TREE', paths.TREE))
    kbuild = paths.under_root(_env('BENCH_KUNIT_BUILD', 'build/bench-kunit'))
    klog = kunit_bench(check, ktree, kbuild) if kunit_on else None
    t_end = time.time()
    os.makedirs(os.path.dirname(out), exist_ok=True)
    args = ['--runs', tsv, '--out', out, '--plotdir', plotdir,
            '--wall', str(int(t_end - t_start)),
            '--qemu-wall', str(int(t_qemu - t_start)), '--boots', str(nboot),
            '--kunit-tree', ktree, '--kunit-build', kbuild,
            '--load-start', load_start, '--load-end',
            ' '.join(open('/proc/loadavg').read().split()[:3]),
            '--command', command]
    if klog:
        args += ['--kunit', klog]
    benchreport.main(args, check)
    gp = os.path.join(plotdir, 'address-space.gp')
    if os.path.isfile(gp):
        try:
            r = subprocess.run(['gnuplot', 'address-space.gp'], cwd=plotdir,
                               capture_output=True, text=True)
        except FileNotFoundError:
            r = None
            print('plot: gnuplot not installed (make deps), no PNG')
        if r is None:
            pass
        elif r.returncode:
            print(r.stdout + r.stderr)
            check('bench-plot (gnuplot %s)' % gp, False)
        else:
            print('plot: %s/address-space.png' % plotdir)
    print('bench wall time: %d s' % (time.time() - t_start))
