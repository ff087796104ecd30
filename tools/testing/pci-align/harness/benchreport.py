# SPDX-License-Identifier: GPL-2.0
"""Summarize the boots of harness/bench.py into BENCHMARKS.md and a plot.

--runs TSV lists the boots, one a line: shape, N, variant, run, log,
kernel image, appended command line.  For every log (serial output of
harness/qemu.py, parsed with harness/analyze.py) the figures are:

space       MMIO address space consumed: for each root bus memory
            resource, the span from the lowest to the highest address used
            by the root bus devices' memory BARs and the top-level bridges'
            memory windows (PCIWIN); summed over the root resources
minimum     the physical minimum: every memory BAR rounded up to a 4 KiB
            page, summed per bridge window (prefetchable or not, by the
            BAR's flags), each window rounded up to 1 MiB (the memory
            window granularity), summed over the root bus
moved/need  BARs whose address differs from the stock boot of the same run
            (same shape and N) / small BARs (hardware size < 4 KiB) that
            the stock boot left at an address that is not page aligned
time        the initcall of the host bridge driver (initcall_debug:
            "initcall gen_pci_driver_init ... returned 0 after N usecs"):
            scan, resource assignment, adding the devices; ratio to the
            stock boot of the same run
unassigned  memory BARs without an address (analyze.py); I/O BARs are
            counted apart (io_unassigned: the 64 KiB I/O space of arm64
            virt can't hold 256 I/O BARs of 256 bytes plus 4 KiB windows)
shared      4 KiB pages with memory BARs of two or more devices
inflated    memory BARs whose resource size differs from the hardware size

Medians over the runs; the time ratio's spread is the range of the per-run
ratios.  --kunit LOG adds the "bench:" lines of the KUnit suite
pci_align_bench.  Gives sanity checks "bench-..." to its check callback:
every boot completed and its figures parsed, unassigned == 0 for every
variant but perdev, shared pages == 0 for all and pab.  Writes --out
(Markdown) and, in --plotdir, address-space.dat and address-space.gp (run
gnuplot there for address-space.png).  Exit 1 if a sanity check failed.
"""

import argparse
import os
import re
import statistics

from . import analyze, paths

PAGE = 4096
WINDOW_GRAN = 1 << 20
IORESOURCE_MEM = 0x200
IORESOURCE_PREFETCH = 0x2000
IORESOURCE_UNSET = 0x20000000
IORESOURCE_DISABLED = 0x10000000
VARIANTS = ['stock', 'perdev', 'all', 'pab']
SHAPES = ['bridge', 'switch', 'flat']

ROOT_RE = re.compile(r'pci_bus [0-9a-f]{4}:00: root bus resource '
                     r'\[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)')
BRIDGE_RE = re.compile(r'pci ([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]): '
                       r'PCI bridge to \[bus ([0-9a-f]{2})')
INITCALL_RE = re.compile(r'initcall gen_pci_driver_init\+\S+ returned -?\d+ '
                         r'after (\d+) usecs')


def bus_of(bdf):
    return int(bdf.split(':')[1], 16)


def roundup(x, a):
    return (x + a - 1) // a * a


class Boot:
    """Figures of one log"""

    def __init__(self, shape, n, variant, run, path, kernel, append):
        self.shape, self.n, self.variant = shape, int(n), variant
        self.run, self.path = int(run), path
        self.kernel, self.append = kernel, append
        self.ok = os.path.exists(path)
        self.errors = []
        if not self.ok:
            self.errors.append('no log')
            return
        r = analyze.Run(path)
        self.r = r
        self.completed = r.started and r.ended and bool(r.bars)
        if not self.completed:
            self.errors.append('timeout' if r.timeout else 'no end marker')
        self.bad = [line for line in r.klog if analyze.BAD_RE.search(line)]
        self.wins = []
        self.io_unassigned = 0
        for line in r.console:
            f = line.split()
            if len(f) >= 6 and f[0] == 'PCIWIN':
                self.wins.append((f[1], int(f[2]), int(f[3], 16),
                                  int(f[4], 16), int(f[5], 16)))
            elif len(f) >= 7 and f[0] == 'PCIIO':
                flags = int(f[5], 16)
                if int(f[3], 16) == 0 or flags & (IORESOURCE_UNSET |
                                                  IORESOURCE_DISABLED):
                    self.io_unassigned += 1
        self.roots, self.secondary, self.usecs = [], {}, None
        for line in r.klog:
            m = ROOT_RE.search(line)
            if m:
                self.roots.append((int(m.group(1), 16), int(m.group(2), 16)))
            m = BRIDGE_RE.search(line)
            if m:
                self.secondary[m.group(1)] = int(m.group(2), 16)
            m = INITCALL_RE.search(line)
            if m:
                self.usecs = int(m.group(1))
        if self.usecs is None:
            self.errors.append('no "initcall gen_pci_driver_init" line')
        if not self.roots:
            self.errors.append('no root bus resources in the kernel log')
        self.bars = [b for b in r.bars if not b.vf]
        self.unassigned = sum(1 for b in self.bars if not b.assigned and
                              (b.hwsize is None or b.hwsize > 0))
        self.shared = len(analyze.shared_pages(self.bars, PAGE))
        self.inflated = sum(1 for b in self.bars if b.assigned and
                            b.hwsize is not None and b.hwsize != b.size)
        self.ntest = len({b.bdf for b in self.bars if b.ids == '1b36:0005'})
        self.space = self.consumed()
        self.minimum = self.physical_minimum()
        if self.completed and not self.space:
            self.errors.append('no address space figure')

    def assigned_wins(self):
        return [w for w in self.wins if w[4] & IORESOURCE_MEM and w[2] and
                not w[4] & (IORESOURCE_UNSET | IORESOURCE_DISABLED)]

    def consumed(self):
        items = [(b.start, b.end) for b in self.bars
                 if b.assigned and bus_of(b.bdf) == 0]
        items += [(w[2], w[3]) for w in self.assigned_wins()
                  if bus_of(w[0]) == 0]
        total = 0
        for lo, hi in self.roots:
            inside = [i for i in items if lo <= i[0] <= hi]
            if inside:
                total += max(i[1] for i in inside) - \
                    min(i[0] for i in inside) + 1
        return total

    def physical_minimum(self):
        below = {}      # secondary bus -> bridge
        for bdf, sec in self.secondary.items():
            below.setdefault(sec, bdf)
        bridges_on = {}
        for sec, bdf in below.items():
            bridges_on.setdefault(bus_of(bdf), []).append(sec)
        bars_on = {}
        for b in self.bars:
            if b.hwsize and b.hwsize > 0 and b.flags & IORESOURCE_MEM:
                bars_on.setdefault(bus_of(b.bdf), []).append(b)

        def need(bus, pref, depth=0):
            s = sum(roundup(max(b.hwsize, PAGE), PAGE)
                    for b in bars_on.get(bus, [])
                    if bool(b.flags & IORESOURCE_PREFETCH) == pref)
            if depth < 256:
                for sec in bridges_on.get(bus, []):
                    s += roundup(need(sec, pref, depth + 1), WINDOW_GRAN)
            return s

        return need(0, False) + need(0, True)

    def moved_need(self, ref):
        """(moved, need) against the stock boot ref"""
        if ref is None or not getattr(ref, 'completed', False):
            return None
        cur = {b.key: b.start for b in self.bars if b.assigned}
        old = {b.key: b.start for b in ref.bars if b.assigned}
        moved = sum(1 for k, a in cur.items() if k in old and old[k] != a)
        moved += sum(1 for k in old if k not in cur)
        need = sum(1 for b in ref.bars if b.assigned and b.hwsize and
                   b.hwsize < PAGE and b.start % PAGE)
        return moved, need


def fmt_size(x):
    if x is None:
        return '-'
    if x >= 1 << 20 and x % (1 << 20) == 0:
        return '%d MiB' % (x >> 20)
    if x >= 1 << 20:
        return '%.2f MiB' % (x / (1 << 20))
    return '%d KiB' % (x >> 10)


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def rel(path, top):
    try:
        r = os.path.relpath(path, top)
    except ValueError:
        return path
    return path if r.startswith('..') else r


def parse_kunit(path):
    reps, summary = [], None
    if not path or not os.path.exists(path):
        return reps, summary
    with open(path, 'rb') as f:
        text = f.read().decode('utf-8', 'replace')
    for line in text.splitlines():
        i = line.find('bench: ')
        if i < 0:
            continue
        kv = dict(x.split('=', 1) for x in line[i + 7:].split() if '=' in x)
        if 'rep' in kv:
            reps.append(kv)
        elif 'n' in kv:
            summary = kv
    return reps, summary


def main(argv, check):
    """Write the report of the boots listed in --runs; CHECK(name, ok,
    detail) takes each sanity check."""
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--runs', required=True, metavar='TSV')
    ap.add_argument('--kunit', metavar='LOG')
    ap.add_argument('--kunit-tree', default='')
    ap.add_argument('--kunit-build', default='')
    ap.add_argument('--out', required=True)
    ap.add_argument('--plotdir', required=True)
    ap.add_argument('--wall', type=int)
    ap.add_argument('--qemu-wall', type=int)
    ap.add_argument('--boots', type=int)
    ap.add_argument('--command', default='make bench')
    ap.add_argument('--load-start', default='?')
    ap.add_argument('--load-end', default='?')
    args = ap.parse_args(argv)
    top = paths.ROOT

    boots = []
    with open(args.runs) as f:
        for line in f:
            p = line.rstrip('\n').split('\t')
            if len(p) >= 7:
                boots.append(Boot(*p[:7]))
    check('bench-boots-listed', bool(boots), '%d boots' % len(boots))
    groups = {}
    for b in boots:
        groups.setdefault((b.shape, b.n), {}).setdefault(
            b.variant, {})[b.run] = b

    rows = {}
    for (shape, n), byv in sorted(groups.items(),
                                  key=lambda kv: (SHAPES.index(kv[0][0])
                                                  if kv[0][0] in SHAPES
                                                  else 9, kv[0][1])):
        stock = byv.get('stock', {})
        stock_us = med(s.usecs for s in stock.values() if s.ok)
        for v in VARIANTS:
            if v not in byv:
                continue
            runs = byv[v]
            name = 'bench-%s-%d-%s' % (shape, n, v)
            good = [b for b in runs.values() if b.ok and not b.errors]
            bad = [b for b in runs.values() if not b.ok or b.errors]
            check('%s-figures' % name, not bad and bool(good),
                  '%d boots%s' % (len(runs), ''.join(
                      ', run %d: %s' % (b.run, '; '.join(b.errors))
                      for b in bad)))
            oops = [b for b in good if b.bad]
            check('%s-no-oops-bug-warning' % name, not oops,
                  oops[0].bad[0].strip() if oops else '')
            if not good:
                continue
            unassigned = max(b.unassigned for b in good)
            shared = max(b.shared for b in good)
            if v != 'perdev':
                check('%s-unassigned==0' % name, unassigned == 0,
                      'got %d' % unassigned)
            if v in ('all', 'pab'):
                check('%s-shared_pages==0' % name, shared == 0,
                      'got %d' % shared)
            mn = [b.moved_need(stock.get(b.run)) for b in good]
            mn = [x for x in mn if x is not None]
            ratios = [b.usecs / stock[b.run].usecs for b in good
                      if b.run in stock and stock[b.run].ok and
                      stock[b.run].usecs and b.usecs is not None]
            us = med(b.usecs for b in good)
            rows[(shape, n, v)] = dict(
                ntest=good[0].ntest, space=med(b.space for b in good),
                minimum=med(b.minimum for b in good),
                moved=med(m for m, _ in mn) if mn else None,
                need=med(nd for _, nd in mn) if mn else None,
                us=us, ratio=(us / stock_us if us and stock_us else None),
                rmin=min(ratios) if ratios else None,
                rmax=max(ratios) if ratios else None,
                runs=len(good), unassigned=unassigned, shared=shared,
                inflated=max(b.inflated for b in good),
                io_unassigned=max(b.io_unassigned for b in good),
                kernel=good[0].kernel, append=good[0].append)

    kreps, ksum = parse_kunit(args.kunit)
    if args.kunit:
        check('bench-kunit-result', ksum is not None,
              '' if ksum else 'no "bench: n=" line in %s' % args.kunit)
        for kv in kreps:
            if kv.get('unassigned', '0') != '0' or (
                    kv.get('param') == 'all' and kv.get('shared') != '0'):
                check('bench-kunit-rep%s-%s' % (kv.get('rep'),
                                                kv.get('param')), False,
                      'unassigned=%s shared=%s' % (kv.get('unassigned'),
                                                   kv.get('shared')))

    write_plot(rows, args.plotdir)
    write_md(rows, args, top, boots, kreps, ksum)
    print('bench: wrote %s, %s/address-space.{dat,gp}' % (args.out,
                                                          args.plotdir))
    return 0


def write_plot(rows, plotdir):
    os.makedirs(plotdir, exist_ok=True)
    shapes = [s for s in SHAPES if any(k[0] == s for k in rows)]
    with open(os.path.join(plotdir, 'address-space.dat'), 'w') as f:
        f.write('# generated by tools/testing/pci-align/harness/benchreport.py\n')
        f.write('# one block per shape (%s); MiB\n' % ' '.join(shapes))
        f.write('# N minimum %s\n' % ' '.join(VARIANTS))
        for s in shapes:
            f.write('# %s\n' % s)
            for n in sorted({k[1] for k in rows if k[0] == s}):
                vals = [rows.get((s, n, v), {}).get('space') for v in VARIANTS]
                mins = [rows.get((s, n, v), {}).get('minimum')
                        for v in VARIANTS]
                mins = [m for m in mins if m]
                f.write('%d %s %s\n' % (n, '%.4f' % (mins[0] / 2**20)
                                        if mins else 'NaN', ' '.join(
                    '%.4f' % (x / 2**20) if x else 'NaN' for x in vals)))
            f.write('\n\n')
    gp = ['# generated by tools/testing/pci-align/harness/benchreport.py; run gnuplot '
          'in this directory',
          'set terminal png size 1500,500 noenhanced',
          "set output 'address-space.png'",
          'set multiplot layout 1,%d title "MMIO address space consumed '
          'vs N (arm64 virt, QEMU pci-testdev; make bench)"' % max(
              1, len(shapes)),
          'set logscale x 2', 'set logscale y 2', 'set key top left',
          'set xlabel "N (devices)"', 'set ylabel "MiB"', 'set grid',
          'set pointsize 1.2']
    styles = ['lt 1 pt 5', 'lt 2 pt 7', 'lt 3 pt 9', 'lt 4 pt 11']
    for i, s in enumerate(shapes):
        plots = ["'address-space.dat' index %d using 1:2 with lines dt 2 "
                 "lc rgb 'black' title 'minimum'" % i]
        for j, v in enumerate(VARIANTS):
            plots.append("'' index %d using 1:%d with linespoints %s "
                         "title '%s'" % (i, 3 + j, styles[j], v))
        gp.append('set title "%s"' % s)
        gp.append('plot ' + ', \\\n     '.join(plots))
    gp.append('unset multiplot')
    with open(os.path.join(plotdir, 'address-space.gp'), 'w') as f:
        f.write('\n'.join(gp) + '\n')


def write_md(rows, args, top, boots, kreps, ksum):
    here = rel(paths.HARNESS, top)
    o = []
    o.append('# pci-align benchmarks')
    o.append('')
    o.append('Generated by `%s` (tools/testing/pci-align/harness/bench.py, '
             'summarized by harness/benchreport.py); do not edit.  '
             'Wall time %s s (%d QEMU boots in %s s, the rest KUnit build '
             'and run).  Host: %d CPUs, load average (1/5/15 min) %s at '
             'the start, %s at the end: the times are those of a shared '
             'machine, compare ratios measured in the same run.' % (
                 args.command, args.wall, args.boots or len(boots),
                 args.qemu_wall, os.cpu_count(), args.load_start,
                 args.load_end))
    o.append('')
    o.append('Machine: arm64 `virt` under QEMU TCG (`pcialign.py boot arm64 '
             'bench-<shape>-<N>`), 1 CPU, Linux assigns all BARs.  Devices: QEMU '
             '`pci-testdev` (1b36:0005): BAR 0 = 4 KiB memory, BAR 1 = 256 '
             'bytes I/O, BAR 2 = 64-bit prefetchable memory of 32, 64, 128, '
             '256 bytes in turn (the small BARs).  Shapes:')
    o.append('')
    o.append('- **bridge**: N devices behind one `pci-bridge` (shpc=off), '
             'filled slot first (32 slots x 8 functions, at most 256).')
    o.append('- **switch**: `pcie-root-port` -> `x3130-upstream` -> '
             'downstream ports -> `x3130-upstream` -> downstream ports '
             '(two switch levels, up to 8 last-level ports per switch), 8 '
             'functions behind each last-level port.  The downstream ports '
             'are hotplug slots, so Linux pads each last-level port\'s '
             'windows to 2 MiB (pci=hpmemsize default) in every variant; '
             'the minimum below does not include that padding.')
    o.append('- **flat**: N devices on the root bus; slots 1-31 x 8 '
             'functions (00:00.0 is the host bridge), so at most **248**: '
             'N=256 runs as 248.')
    o.append('')
    o.append('Variants (the same kernel image for the first three):')
    o.append('')
    o.append('| variant | kernel | appended to the command line |')
    o.append('|---|---|---|')
    seen = {}
    for (s, n, v), r in rows.items():
        seen.setdefault(v, r)
    for v in VARIANTS:
        if v in seen:
            o.append('| %s | `%s` | `%s` |' % (v, rel(seen[v]['kernel'], top),
                                              seen[v]['append']))
    o.append('')
    o.append('`perdev` uses the existing per-device syntax with one entry, '
             '`12@pci:1b36:0005`, which names every test device by vendor '
             'and device ID: 256 BDF entries would not fit in arm64\'s '
             '2048-byte command line.  It inflates each small BAR\'s '
             'resource to 4 KiB (the `inflated` column).  '
             '`loglevel=1 log_buf_len=4M initcall_debug` is added to every '
             'boot: kernel messages go to the log buffer (read back by the '
             'guest), not to the serial console, so the time below is the '
             'PCI core\'s, not the console\'s.')
    o.append('')
    o.append('Every boot can be repeated with `%s/pcialign.py boot '
             '<arm64|arm64-pab> bench-<shape>-<N> "<append>"`, which prints '
             'the analyzer\'s table (harness/analyze.py); the logs of this '
             'run are listed in `%s`.' % (here, rel(args.runs, top)))
    o.append('')
    o.append('Columns (medians over the runs; see `%s/harness/benchreport.py`):' %
             here)
    o.append('')
    o.append('- **space**: MMIO address space consumed = span of the root '
             'bus devices\' memory BARs and top-level bridge windows in '
             'each root bus memory resource, summed.  **minimum**: every '
             'memory BAR rounded up to a 4 KiB page, each bridge memory '
             'window rounded up to 1 MiB.  **space/min**: their ratio.')
    o.append('- **moved/need**: BARs at another address than in the stock '
             'boot of the same run / small BARs the stock boot left '
             'unaligned (ideal: equal).')
    o.append('- **probe ms**: the host bridge driver\'s initcall '
             '(`initcall gen_pci_driver_init ... returned 0 after N usecs`, '
             'initcall_debug): enumeration, sizing and assignment, adding '
             'the devices.  **time/stock**: median of this variant / median '
             'of stock, [range of the per-run ratios].')
    o.append('- **unassigned**: memory BARs without an address (must be 0); '
             '**shared**: 4 KiB pages holding BARs of two devices; '
             '**inflated**: resources larger than the hardware BAR; '
             '**io unas.**: I/O BARs without an address (the 64 KiB I/O '
             'space of arm64 virt runs out at a few hundred test devices; '
             'not a memory figure).')
    o.append('')
    for s in SHAPES:
        keys = sorted(k for k in rows if k[0] == s)
        if not keys:
            continue
        o.append('## %s' % s)
        o.append('')
        o.append('Topology: `bench-%s-<N>` (%s/harness/topologies.py).' % (s, here))
        o.append('')
        o.append('| N | variant | space | minimum | space/min | moved/need '
                 '| probe ms | time/stock [range] | unassigned | shared | '
                 'inflated | io unas. | runs |')
        o.append('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
        for n in sorted({k[1] for k in keys}):
            for v in VARIANTS:
                r = rows.get((s, n, v))
                if not r:
                    continue
                ratio = '-' if r['ratio'] is None else '%.3f' % r['ratio']
                if r['rmin'] is not None and v != 'stock':
                    ratio += ' [%.3f-%.3f]' % (r['rmin'], r['rmax'])
                mvd = '-' if v == 'stock' or r['moved'] is None else \
                    '%g/%g' % (r['moved'], r['need'])
                o.append('| %d | %s | %s | %s | %s | %s | %s | %s | %d | %d '
                         '| %d | %d | %d |' % (
                             n, v, fmt_size(r['space']),
                             fmt_size(r['minimum']),
                             '%.2f' % (r['space'] / r['minimum'])
                             if r['space'] and r['minimum'] else '-',
                             mvd, '-' if r['us'] is None else
                             '%.1f' % (r['us'] / 1000.0), ratio,
                             r['unassigned'], r['shared'], r['inflated'],
                             r['io_unassigned'], r['runs']))
        o.append('')

    o.append('## Address space against N')
    o.append('')
    o.append('![MMIO address space against N](%s)' % rel(
        os.path.join(args.plotdir, 'address-space.png'), top))
    o.append('')
    o.append('Data: `%s`, drawn by `gnuplot %s` (run in that directory).  '
             'Log scales; variants with the same figures are drawn over '
             'each other (the tables have the numbers).' % (
                 rel(os.path.join(args.plotdir, 'address-space.dat'), top),
                 'address-space.gp'))
    o.append('')
    o.append('Address space of `all` against stock at the largest N:')
    o.append('')
    for s in SHAPES:
        ns = sorted(k[1] for k in rows if k[0] == s and k[2] == 'all')
        if not ns or (s, ns[-1], 'stock') not in rows:
            continue
        a, st = rows[(s, ns[-1], 'all')], rows[(s, ns[-1], 'stock')]
        if a['space'] and st['space'] and a['minimum']:
            o.append('- %s, N=%d: all %s, stock %s (all/stock %.2f), '
                     'minimum %s (all/minimum %.2f)' % (
                         s, ns[-1], fmt_size(a['space']),
                         fmt_size(st['space']), a['space'] / st['space'],
                         fmt_size(a['minimum']),
                         a['space'] / a['minimum']))
    o.append('')

    o.append('## KUnit: emulated bus, large N')
    o.append('')
    if ksum:
        kb = os.path.relpath(args.kunit_build, args.kunit_tree)
        kcmd = ('cd %s && ./tools/testing/kunit/kunit.py build '
                '--kunitconfig=drivers/pci/tests --build_dir=%s '
                '--make_options "CC=ccache gcc" && %s/linux kunit.enable=1 '
                'printk.time=1 mem=1G console=tty kunit_shutdown=halt '
                "kunit.filter_glob='pci_align_bench.*'" % (
                    rel(args.kunit_tree, top) or '.', kb, kb))
        o.append('Suite `pci_align_bench` of drivers/pci/tests/'
                 'pci_align_kunit.c under UML: an emulated host bridge '
                 '(config space in memory) with 4 PCI-to-PCI bridges x 256 '
                 'functions plus 32 functions on the root bus = %s devices, '
                 'each with a 32-bit BAR and a 64-bit prefetchable BAR of '
                 '32-256 bytes, all in one 256 MiB host bridge window.  '
                 'Each repetition creates the bus, then times '
                 '`pci_scan_root_bus_bridge()` + `pci_bus_size_bridges()` + '
                 '`pci_bus_assign_resources()` (as pci_host_probe()) with '
                 'ktime, kernel messages kept off the console; "off" (stock) '
                 'and "all" alternate.  **shared**: BARs of one device '
                 'followed, in address order, by a BAR of another device in '
                 'the same 4 KiB page.  Command: `%s` (harness/bench.py runs it; '
                 'log `%s`).' % (ksum.get('n'), kcmd, rel(args.kunit, top)))
        o.append('')
        o.append('| rep | param | scan+assign ms | host window span | '
                 'unassigned | shared |')
        o.append('|---|---|---|---|---|---|')
        per = {}
        for kv in kreps:
            o.append('| %s | %s | %.2f | %s | %s | %s |' % (
                kv.get('rep'), 'stock (off)' if kv.get('param') == 'off'
                else kv.get('param'), int(kv.get('ns', 0)) / 1e6,
                fmt_size(int(kv.get('span', 0))), kv.get('unassigned'),
                kv.get('shared')))
            per.setdefault(kv.get('rep'), {})[kv.get('param')] = \
                int(kv.get('ns', 0))
        rr = [p['all'] / p['off'] for p in per.values()
              if p.get('off') and 'all' in p]
        o.append('')
        o.append('Median over %s repetitions: stock %.2f ms, all %.2f ms, '
                 '**all/stock = %s** (per-repetition ratios %.3f-%.3f); '
                 'host window span stock %s, all %s.' % (
                     ksum.get('reps'), int(ksum['stock_ns']) / 1e6,
                     int(ksum['all_ns']) / 1e6, ksum.get('ratio'),
                     min(rr) if rr else 0, max(rr) if rr else 0,
                     fmt_size(int(ksum.get('stock_span', 0))),
                     fmt_size(int(ksum.get('all_span', 0)))))
    else:
        o.append('Not run (BENCH_KUNIT=0, or the tree lacks the '
                 'pci_align_bench suite).')
    o.append('')

    o.append('## Time of `all` against stock at the largest N')
    o.append('')
    for s in SHAPES:
        ns = sorted(k[1] for k in rows if k[0] == s and k[2] == 'all')
        if not ns:
            continue
        r = rows[(s, ns[-1], 'all')]
        if r['ratio'] is None:
            continue
        o.append('- %s, N=%d: all/stock = **%.3f** (median of %d boots; '
                 'per-run ratios %.3f-%.3f)' % (s, ns[-1], r['ratio'],
                                                r['runs'], r['rmin'],
                                                r['rmax']))
    if ksum:
        o.append('- KUnit emulated bus, N=%s: all/stock = **%s** (median of '
                 '%s repetitions; per-repetition ratios as above)' % (
                     ksum.get('n'), ksum.get('ratio'), ksum.get('reps')))
    o.append('')
    with open(args.out, 'w') as f:
        f.write('\n'.join(o))
