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
kinsn       the initcall of the host bridge driver (initcall_debug:
            "initcall gen_pci_driver_init ... returned 0 after N usecs"):
            scan, resource assignment, adding the devices.  The boots run
            under QEMU -icount shift=0,sleep=off: a guest ns is one guest
            instruction, N usecs are N thousand instructions, the same in
            every run of the same boot (checked: "-deterministic");
            ratio to stock as the exact quotient of the two counts
unassigned  memory BARs without an address (analyze.py); I/O BARs are
            counted apart (io_unassigned: the 64 KiB I/O space of arm64
            virt can't hold 256 I/O BARs of 256 bytes plus 4 KiB windows)
shared      4 KiB pages with memory BARs of two or more devices
inflated    memory BARs whose resource size differs from the hardware size

Medians over the runs (which must be equal for kinsn).  --kunit LOG
(given once per run) adds the "bench:" lines of the KUnit suite
pci_align_bench; --breakdown TSV the counts of the breakdown boots
(benchtrace.py); --vfio TSV the VFIO-ACCESS lines of vfiocheck.  Gives
sanity checks "bench-..." to its check callback: every boot completed and
its figures parsed, the runs of a boot counted the same, unassigned == 0
for every variant but perdev, shared pages == 0 for all and pab; no
thresholds on the counts (the goal all/stock <= GOAL is reported, not
checked).  Writes --out (Markdown) and, in --plotdir, address-space.dat/.gp
and vfio-access.dat/.gp (run gnuplot there for the PNGs).
"""

import argparse
import os
import re
import statistics
from fractions import Fraction

from . import analyze, benchtrace, paths

GOAL = Fraction(102, 100)       # all/stock instructions, the goal

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

    def __init__(self, shape, n, variant, run, path, kernel, append,
                 qemu_args=''):
        self.shape, self.n, self.variant = shape, int(n), variant
        self.run, self.path = int(run), path
        self.kernel, self.append, self.qemu_args = kernel, append, qemu_args
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
        self.records = len(r.klog)
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
    return statistics.median_low(xs) if xs else None


def rel(path, top):
    try:
        r = os.path.relpath(path, top)
    except ValueError:
        return path
    return path if r.startswith('..') else r


def _bench_lines(path):
    """the key=value dicts of the "bench:" lines of pci_align_bench in the
    log PATH, in order"""
    if not path or not os.path.exists(path):
        return
    with open(path, 'rb') as f:
        text = f.read().decode('utf-8', 'replace')
    for line in text.splitlines():
        i = line.find('bench: ')
        if i >= 0:
            yield dict(x.split('=', 1) for x in line[i + 7:].split()
                       if '=' in x)


def parse_kunit(path):
    """(per-repetition kv dicts, summary kv dict or None) of the "bench:"
    lines of pci_align_bench in the log PATH"""
    reps, summary = [], None
    for kv in _bench_lines(path):
        if 'rep' in kv:
            reps.append(kv)
        elif 'n' in kv:
            summary = kv
    return reps, summary


def parse_kunit_groups(path):
    """[(reps, summary)]: the "bench:" lines of PATH, one group per summary
    line ("bench: n=..."), each with the repetition lines before it (a
    suite that runs the benchmark at several N gives several groups)"""
    groups, cur = [], []
    for kv in _bench_lines(path):
        if 'rep' in kv:
            cur.append(kv)
        elif 'n' in kv:
            groups.append((cur, kv))
            cur = []
    return groups


VFIO_RE = re.compile(r'^VFIO-ACCESS (\S+) (\d+) (.*)$')


def parse_vfio(path):
    """[{bdf, bar, size, reads, mmap_ns, pread_ns}] of the VFIO-ACCESS lines
    of a vfiocheck log (ns: float or None for "-")"""
    out = []
    if not os.path.exists(path):
        return out
    with open(path, 'rb') as f:
        text = f.read().decode('utf-8', 'replace')
    for line in text.splitlines():
        m = VFIO_RE.match(line.replace('\r', '').strip())
        if not m:
            continue
        kv = dict(x.split('=', 1) for x in m.group(3).split() if '=' in x)

        def ns(v):
            try:
                return float(v)
            except (TypeError, ValueError):
                return None
        out.append({'bdf': m.group(1), 'bar': int(m.group(2)),
                    'size': int(kv.get('size', '0'), 16),
                    'reads': int(kv.get('reads', '0')),
                    'mmap_ns': ns(kv.get('mmap_ns')),
                    'pread_ns': ns(kv.get('pread_ns'))})
    return out


def ratio_text(a, b):
    """the exact quotient a/b of two counts, with 4 decimals"""
    if not a or not b:
        return '-'
    return '%d/%d = %.4f' % (a, b, a / b)


def read_tsv(path, width):
    rows = []
    if path and os.path.isfile(path):
        with open(path) as f:
            for line in f:
                p = line.rstrip('\n').split('\t')
                if len(p) >= width:
                    rows.append(p)
    return rows


def main(argv, check):
    """Write the report of the boots listed in --runs; CHECK(name, ok,
    detail) takes each sanity check."""
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--runs', required=True, metavar='TSV')
    ap.add_argument('--kunit', metavar='LOG', action='append', default=[])
    ap.add_argument('--kunit-command', default='')
    ap.add_argument('--kunit-tree', default='')
    ap.add_argument('--kunit-build', default='')
    ap.add_argument('--breakdown', metavar='TSV')
    ap.add_argument('--vfio', metavar='TSV')
    ap.add_argument('--out', required=True)
    ap.add_argument('--plotdir', required=True)
    ap.add_argument('--wall', type=int)
    ap.add_argument('--qemu-wall', type=int)
    ap.add_argument('--extra-wall', type=int)
    ap.add_argument('--boots', type=int)
    ap.add_argument('--command', default='make bench')
    ap.add_argument('--load-start', default='?')
    ap.add_argument('--load-end', default='?')
    ap.add_argument('--tree-commit', default='?')
    args = ap.parse_args(argv)
    top = paths.ROOT

    boots = [Boot(*p[:8]) for p in read_tsv(args.runs, 7)]
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
            counts = [b.usecs for b in sorted(good, key=lambda b: b.run)]
            same = len(set(counts)) == 1
            if len(runs) > 1:
                check('%s-deterministic' % name, same and not bad,
                      'kinsn per run: %s' % ', '.join(map(str, counts)))
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
            rows[(shape, n, v)] = dict(
                ntest=good[0].ntest, space=med(b.space for b in good),
                minimum=med(b.minimum for b in good),
                moved=med(m for m, _ in mn) if mn else None,
                need=med(nd for _, nd in mn) if mn else None,
                us=med(counts), counts=counts, same=same,
                records=med(b.records for b in good),
                runs=len(good), unassigned=unassigned, shared=shared,
                inflated=max(b.inflated for b in good),
                io_unassigned=max(b.io_unassigned for b in good),
                kernel=good[0].kernel, append=good[0].append,
                qemu_args=good[0].qemu_args)
    for (shape, n, v), r in rows.items():
        st = rows.get((shape, n, 'stock'))
        r['stock_us'] = st['us'] if st else None

    kruns = [parse_kunit_groups(p) for p in args.kunit]
    for k, groups in enumerate(kruns, 1):
        check('bench-kunit-run%d-result' % k, bool(groups),
              '' if groups else 'no "bench: n=" line in %s' %
              args.kunit[k - 1])
        for kreps, ksum in groups:
            for kv in kreps:
                if kv.get('unassigned', '0') != '0' or (
                        kv.get('param') == 'all' and kv.get('shared') != '0'):
                    check('bench-kunit-run%d-n%s-rep%s-%s' % (
                        k, ksum.get('n'), kv.get('rep'), kv.get('param')),
                        False, 'unassigned=%s shared=%s' % (
                            kv.get('unassigned'), kv.get('shared')))
    if len(kruns) > 1 and all(kruns):
        figs = [[(s.get('n'), [(kv.get('param'), kv.get('ns'))
                               for kv in reps]) for reps, s in g]
                for g in kruns]
        check('bench-kunit-deterministic', all(f == figs[0] for f in figs),
              'per run stock/all: %s' % '; '.join(', '.join(
                  'n=%s %s/%s' % (s.get('n'), s.get('stock_ns'),
                                  s.get('all_ns')) for _, s in g)
                  for g in kruns))

    brk = []
    for p in read_tsv(args.breakdown, 7):
        b = Boot(p[0], p[1], p[2], 0, p[3], p[4], p[5], p[6])
        b.counts = benchtrace.read_counts(p[3] + '.counts')
        check('bench-breakdown-%s-%s-%s-counts' % (p[0], p[1], p[2]),
              bool(b.counts) and b.counts.get('marker') == 1 and
              not b.errors, '; '.join(b.errors) or
              ('' if b.counts else 'no %s.counts' % p[3]))
        brk.append(b)
        r = rows.get((b.shape, b.n, b.variant))
        if r:
            check('bench-breakdown-%s-%s-%s-same-count' % tuple(p[:3]),
                  b.usecs is not None and set(r['counts']) == {b.usecs},
                  'with QEMU logging %s kinsn, plain runs %s' % (
                      b.usecs, ', '.join(map(str, r['counts']))))

    vfio = []
    for p in read_tsv(args.vfio, 5):
        acc = parse_vfio(p[1])
        check('bench-vfio-%s-figures' % p[0], bool(acc) and all(
            a['pread_ns'] is not None for a in acc),
            '%d VFIO-ACCESS lines in %s' % (len(acc), rel(p[1], top)))
        vfio.append({'name': p[0], 'log': p[1], 'kernel': p[2],
                     'topology': p[3], 'append': p[4], 'access': acc})

    write_plot(rows, args.plotdir)
    write_vfio_plot(vfio, args.plotdir)
    write_md(rows, args, top, boots, kruns, brk, vfio)
    print('bench: wrote %s, %s/*.{dat,gp}' % (args.out, args.plotdir))
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


def vfio_bars(vfio):
    """[(bdf, bar, size)] of the small BARs in any vfio boot, in order"""
    seen = {}
    for vb in vfio:
        for a in vb['access']:
            seen.setdefault((a['bdf'], a['bar']), a['size'])
    return [(k[0], k[1], s) for k, s in sorted(seen.items())]


def write_vfio_plot(vfio, plotdir):
    """vfio-access.dat/.gp: ns per read of each small BAR, per boot, mmap
    (where mapped) and pread"""
    dat = os.path.join(plotdir, 'vfio-access.dat')
    gpf = os.path.join(plotdir, 'vfio-access.gp')
    if not vfio:
        for f in (dat, gpf):
            if os.path.exists(f):
                os.unlink(f)
        return
    os.makedirs(plotdir, exist_ok=True)
    bars = vfio_bars(vfio)
    cols, table = [], []
    for vb in vfio:
        cols += [(vb['name'], 'mmap'), (vb['name'], 'pread')]
    for bdf, bar, size in bars:
        vals = []
        for vb in vfio:
            a = next((x for x in vb['access'] if x['bdf'] == bdf and
                      x['bar'] == bar), {})
            vals += [a.get('mmap_ns'), a.get('pread_ns')]
        table.append(('"%s/%d(%d)"' % (bdf[5:], bar, size), vals))
    with open(dat, 'w') as f:
        f.write('# generated by tools/testing/pci-align/harness/benchreport.py\n')
        f.write('# ns per 32-bit read (median; NaN: not mapped)\n')
        f.write('# label %s\n' % ' '.join('%s-%s' % c for c in cols))
        for label, vals in table:
            f.write('%s %s\n' % (label, ' '.join(
                '%.1f' % v if v is not None else 'NaN' for v in vals)))
    gp = ['# generated by tools/testing/pci-align/harness/benchreport.py; run gnuplot '
          'in this directory',
          'set terminal png size 1500,500 noenhanced',
          "set output 'vfio-access.png'",
          'set title "cost of a 32-bit read of a small BAR through vfio-pci: '
          'mmap() vs. pread() (arm64 virt, QEMU TCG; make bench; no bar: '
          'not mmap-able)"',
          'set style data histograms', 'set style histogram clustered gap 1',
          'set style fill solid 0.8 border -1', 'set logscale y 10',
          'set ylabel "ns per read (median)"', 'set xlabel "BDF/BAR(size)"',
          'set xtics rotate by -30', 'set key outside right top',
          'set grid ytics',
          'set yrange [10:*]']
    plots = []
    # a column without any figure (mmap without the parameter) gets no
    # bars: gnuplot refuses a histogram of NaN only
    for j, (name, how) in enumerate(cols):
        if all(vals[j] is None for _, vals in table):
            continue
        plots.append("%s using %d%s title '%s, %s'" % (
            "'vfio-access.dat'" if not plots else "''", j + 2,
            ':xtic(1)' if not plots else '', name, how))
    gp.append('plot ' + ', \\\n     '.join(plots))
    with open(gpf, 'w') as f:
        f.write('\n'.join(gp) + '\n')


def write_md(rows, args, top, boots, kruns, brk, vfio):
    here = rel(paths.HARNESS, top)
    o = []
    o.append('# pci-align benchmarks')
    o.append('')
    o.append('Generated by `%s` (tools/testing/pci-align/harness/bench.py, '
             'summarized by harness/benchreport.py); do not edit.  '
             'Wall time %s s (%d counted QEMU boots in %s s, breakdown and '
             'vfio boots %s s, the rest KUnit build and runs).  Host: %d '
             'CPUs, load average (1/5/15 min) %s at the start, %s at the '
             'end.  The figures below are guest instruction counts, not '
             'times, so the load does not change them (the vfio access '
             'times excepted).  Kernel tree: `%s` at %s (the arm64 and '
             'arm64-pab kernels are built from it, incrementally, by make '
             'bench).' % (
                 args.command, args.wall, args.boots or len(boots),
                 args.qemu_wall, args.extra_wall, os.cpu_count(),
                 args.load_start, args.load_end,
                 rel(paths.TREE, top), args.tree_commit))
    o.append('')
    o.append('**Count, don\'t time.**  Every counted boot runs under QEMU '
             '`-icount shift=0,sleep=off`: the guest\'s clock advances '
             'exactly 1 ns per guest instruction executed (and, with '
             'sleep=off, jumps over idle time to the next timer deadline '
             'instead of following the host clock), so the initcall_debug '
             'line `initcall gen_pci_driver_init+0x0/0x... returned 0 after '
             'N usecs` gives N thousand guest instructions (to the guest '
             'clock\'s resolution: the arm64 generic timer of QEMU runs at '
             '62.5 MHz, 16 instructions, and the line\'s 1 us, 1000 '
             'instructions).  The same boot gives the same count each time: '
             'every boot runs twice (runs column) and the two counts are '
             'checked to be identical (`bench-...-deterministic`).  QEMU\'s '
             'virt machine puts fresh random bytes into the device tree '
             '(/chosen/rng-seed, kaslr-seed) at each start: the counts '
             'are equal anyway (this kernel has no KASLR, and nothing on '
             'the PCI path depends on the random pool).  The count is guest '
             'time, so it includes whatever else the guest runs during the '
             'initcall: with the default `initramfs_async=1` a worker '
             'unpacks the initramfs while the initcall sleeps (pciehp\'s '
             'waits behind the switch), and the switch shape\'s counts '
             'changed by 2 to 19 thousand between two runs when the '
             'initramfs was rebuilt in between; every boot therefore has '
             '`initramfs_async=0` and all boots of a run use one copy of '
             'the initramfs.  Nothing else was needed (no `align=off`: it '
             'is the default, no `-rtc clock=vm`: the guest has no RTC '
             'driver).')
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
    qa = next((r['qemu_args'] for r in rows.values() if r['qemu_args']), '')
    o.append('')
    o.append('`perdev` uses the existing per-device syntax with one entry, '
             '`12@pci:1b36:0005`, which names every test device by vendor '
             'and device ID: 256 BDF entries would not fit in arm64\'s '
             '2048-byte command line.  It inflates each small BAR\'s '
             'resource to 4 KiB (the `inflated` column).  '
             '`loglevel=1 log_buf_len=4M initcall_debug` is added to every '
             'boot: kernel messages go to the log buffer (read back by the '
             'guest), not to the serial console, so the count below is the '
             'PCI core\'s, not the console\'s.')
    o.append('')
    o.append('Command of every counted figure: `%s/pcialign.py boot '
             '<kernel variant: arm64|arm64-pab> bench-<shape>-<N> '
             '"<append>"` with the QEMU options `%s` added (harness/bench.py '
             'passes them as qemu.boot(extra=...)); the QEMU command line '
             'of each boot is in its `.log.cmd`, the boots of this run are '
             'listed in `%s`.' % (here, qa or '-', rel(args.runs, top)))
    o.append('')
    o.append('Columns:')
    o.append('')
    o.append('- **kinsn**: thousands of guest instructions in the host '
             'bridge driver\'s initcall (enumeration, sizing and '
             'assignment, adding the devices); **runs**: the count of each '
             'run (must be equal).  **/stock**: the exact quotient of the '
             'variant\'s count and stock\'s.')
    o.append('- **records**: kernel log records of the whole boot (lines of '
             'the guest\'s dmesg dump).')
    o.append('- **space**: MMIO address space consumed = span of the root '
             'bus devices\' memory BARs and top-level bridge windows in '
             'each root bus memory resource, summed.  **minimum**: every '
             'memory BAR rounded up to a 4 KiB page, each bridge memory '
             'window rounded up to 1 MiB.')
    o.append('- **moved/need**: BARs at another address than in the stock '
             'boot / small BARs the stock boot left unaligned (ideal: '
             'equal).  **unassigned**: memory BARs without an address (must '
             'be 0); **shared**: 4 KiB pages holding BARs of two devices; '
             '**inflated**: resources larger than the hardware BAR; **io '
             'unas.**: I/O BARs without an address (the 64 KiB I/O space of '
             'arm64 virt runs out at a few hundred test devices; not a '
             'memory figure).')
    o.append('')
    for s in SHAPES:
        keys = sorted(k for k in rows if k[0] == s)
        if not keys:
            continue
        o.append('## %s' % s)
        o.append('')
        o.append('Topology: `bench-%s-<N>` (%s/harness/topologies.py).' % (
            s, here))
        o.append('')
        o.append('| N | variant | kinsn | runs | /stock | records | space | '
                 'minimum | moved/need | unassigned | shared | inflated | '
                 'io unas. |')
        o.append('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
        for n in sorted({k[1] for k in keys}):
            for v in VARIANTS:
                r = rows.get((s, n, v))
                if not r:
                    continue
                mvd = '-' if v == 'stock' or r['moved'] is None else \
                    '%g/%g' % (r['moved'], r['need'])
                o.append('| %d | %s | %s | %s%s | %s | %s | %s | %s | %s | '
                         '%d | %d | %d | %d |' % (
                             n, v, '-' if r['us'] is None else r['us'],
                             ' = '.join(map(str, r['counts'])),
                             '' if r['same'] else ' (DIFFER)',
                             '1' if v == 'stock' else
                             ratio_text(r['us'], r['stock_us']),
                             '-' if r['records'] is None else
                             '%d' % r['records'],
                             fmt_size(r['space']), fmt_size(r['minimum']),
                             mvd, r['unassigned'], r['shared'],
                             r['inflated'], r['io_unassigned']))
        o.append('')

    o.append('## Goal: all/stock <= %.2f' % float(GOAL))
    o.append('')
    o.append('The goal: `pci=resource_alignment=all` (and the '
             'CONFIG_PCI_PAGE_ALIGN_BARS kernel) costs at most 2% more '
             'guest instructions than stock in the host bridge\'s initcall. '
             ' Measured (exact quotients of the counts above; not a check '
             'of `make check`):')
    o.append('')
    o.append('| shape | N | all/stock | met | pab/stock | met |')
    o.append('|---|---|---|---|---|---|')
    for s in SHAPES:
        for n in sorted({k[1] for k in rows if k[0] == s}):
            st = rows.get((s, n, 'stock'))
            if not st or not st['us']:
                continue
            cells = []
            for v in ('all', 'pab'):
                r = rows.get((s, n, v))
                if not r or not r['us']:
                    cells += ['-', '-']
                    continue
                q = Fraction(r['us'], st['us'])
                cells += [ratio_text(r['us'], st['us']),
                          'yes' if q <= GOAL else '**no**']
            o.append('| %s | %d | %s |' % (s, n, ' | '.join(cells)))
    o.append('')

    write_breakdown(o, brk, rows, top)
    write_removed(o)

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

    write_vfio_md(o, vfio, args, top)
    write_kunit_md(o, kruns, args, top)
    with open(args.out, 'w') as f:
        f.write('\n'.join(o))


REMOVED = """\
## What was removed, and what remains

A per-function profile of the bridge shape at N=256 (every guest
instruction of the initcall attributed to its kernel function from QEMU's
`-d exec,nochain,in_asm` over the kernel text, stock against all; method,
tables and commands in `bench/profile-bridge-256.md`, measured with
throw-away scripts that are not part of the harness) found the extra
instructions of `all` and the series now removes most of them.  Before
(initcall counts of the same boots: all/stock 57528/51223 = 1.1231):

- the sort of a bus's resources, `pdev_sort_resources()`: a list insertion
  that walks every resource inserted before, calling
  `pci_resource_alignment()` and, for equal alignments (every small BAR
  with `all`), `pci_bar_min_align()` twice per entry: about 4 M.  The
  patch "PCI: Compute the sort keys of a bus's resources once" keeps the
  keys in the list entries and looks for the place from the end of the
  list, so that resources of equal alignment are not passed (on the x86
  emulated bus, where every small BAR has the same key with `all`, that
  walk alone was +435 k for 256 devices; profile in
  `bench/profile-kunit-x86-256.md`); stock got faster too
  (51223 -> 46318 k on arm64);
- `__find_resource_space()`, first fit: every allocation visits every gap
  between the resources placed before it, and page-aligned small BARs
  leave a gap after each one (256 x 253 / 2 = 32 901 visits of
  `arch_remove_reservations()` and `pcibios_align_resource()` on the bus
  of 256): 1.3 M on arm64, and on x86, whose
  `arch_remove_reservations()` walks the e820 table, 44% of the emulated
  bus's cost.  "resource: Skip gaps that can't hold an allocation before
  clipping them" rejects such a gap before that work;
- one `pci_info()` per realigned BAR, 256 records at about 7 900
  instructions each (2 M): "PCI: Log realigned BARs only for entries that
  name the device" logs them at debug level for `all`.

What remains at N=256 (arm64 profile of the kernel before the sort
walk went to the end of the list: +570 k, 1.2%):
`__find_resource_space()` still steps over the 32 901 gaps, about 11
instructions each (+356 k): the walk is the base's first-fit allocator,
quadratic in the resources of a bus without the parameter too, and only
a different allocator in kernel/resource.c (next fit, or a tree of free
gaps) would remove it.  The rest is the parameter's work per device
(`pci_reassigndev_resource_alignment()` and the parse, about 100
instructions per device; `strcmp()` and `strcspn()`, +74 k) and one
config read of PCI_COMMAND per device (+27 k): linear, flat per device.
On the x86 emulated bus the same gap walk is most of what remains (it
was +842 k of +1476 k at N=256 before the sort change); the per-device
figures of the KUnit table below are flat from N=256 to 4096 because the
emulated buses hold 256 functions each, whatever N.
"""


def write_removed(o):
    o.extend(REMOVED.splitlines())
    o.append('')


def write_breakdown(o, brk, rows, top):
    o.append('## Where the extra instructions of `all` go')
    o.append('')
    if not brk:
        o.append('Not run (BENCH_BREAKDOWN="", or make check\'s sanity '
                 'run).')
        o.append('')
        return
    by = {b.variant: b for b in brk}
    st, al = by.get('stock'), by.get('all')
    shape, n = brk[0].shape, brk[0].n
    o.append('%s shape, N=%d: stock and all booted once more with QEMU\'s '
             'own logging (harness/benchtrace.py): `-trace pci_cfg_read '
             '-trace pci_cfg_write` (every config access the devices see), '
             '`-d exec,nochain -dfilter <entry of a function>` (one line '
             'per call of it) and `-d in_asm` on the ranges of the printk '
             'code and of the parameter\'s parser (instructions per '
             'translation block x executions), all into one `-D` file in '
             'the order the guest did it; everything before the first call '
             'of `run_init_process` is the kernel\'s boot, after it the '
             'guest\'s report.  The guest executes the same: the initcall '
             'count of each breakdown boot is in the table and equals the '
             'plain boots\'.' % (shape, n))
    o.append('')
    if not (st and al and st.counts and al.counts):
        o.append('Incomplete: no counts for stock and all.')
        o.append('')
        return
    sc, ac = st.counts, al.counts
    o.append('| figure (kernel boot, before /init) | stock | all | all - '
             'stock |')
    o.append('|---|---|---|---|')
    plain = [rows.get((shape, n, v), {}).get('counts') for v in
             ('stock', 'all')]
    items = [
        ('initcall gen_pci_driver_init, kinsn', st.usecs, al.usecs),
        ('the same, plain boots (each run; no QEMU logging)',
         ' = '.join(map(str, plain[0] or [])) or '-',
         ' = '.join(map(str, plain[1] or [])) or '-'),
        ('kernel log records (dmesg dump lines, whole boot)', st.records,
         al.records),
        ('printk calls (`vprintk_emit`)', sc.get('calls_vprintk_emit'),
         ac.get('calls_vprintk_emit')),
        ('instructions in printk code', sc.get('insns_printk'),
         ac.get('insns_printk')),
        ('config reads the devices saw (`pci_cfg_read`)', sc.get('cfg_read'),
         ac.get('cfg_read')),
        ('config writes the devices saw (`pci_cfg_write`)',
         sc.get('cfg_write'), ac.get('cfg_write')),
        ('calls of `pci_generic_config_read`',
         sc.get('calls_pci_generic_config_read'),
         ac.get('calls_pci_generic_config_read')),
        ('calls of `pci_generic_config_write`',
         sc.get('calls_pci_generic_config_write'),
         ac.get('calls_pci_generic_config_write')),
        ('devices checked (`pci_reassigndev_resource_alignment`)',
         sc.get('calls_pci_reassigndev_resource_alignment'),
         ac.get('calls_pci_reassigndev_resource_alignment')),
        ('parses of the parameter (`pci_parse_resource_alignment`)',
         sc.get('calls_pci_parse_resource_alignment'),
         ac.get('calls_pci_parse_resource_alignment')),
        ('instructions in the parser (+ sscanf)', sc.get('insns_parse'),
         ac.get('insns_parse')),
        ('config reads / writes of the guest\'s report (after /init)',
         '%s / %s' % (sc.get('after_cfg_read'), sc.get('after_cfg_write')),
         '%s / %s' % (ac.get('after_cfg_read'), ac.get('after_cfg_write'))),
    ]
    for label, a, b in items:
        d = b - a if isinstance(a, int) and isinstance(b, int) else '-'
        o.append('| %s | %s | %s | %s |' % (label, a, b, d))
    o.append('')
    tot = (al.usecs - st.usecs) * 1000 if al.usecs and st.usecs else None
    dlines = ac.get('calls_vprintk_emit', 0) - sc.get('calls_vprintk_emit', 0)
    dprk = ac.get('insns_printk', 0) - sc.get('insns_printk', 0)
    parses = ac.get('calls_pci_parse_resource_alignment', 0)
    dparse = ac.get('insns_parse', 0) - sc.get('insns_parse', 0)
    devs = ac.get('calls_pci_reassigndev_resource_alignment', 0)
    o.append('Per unit (the printk and parser figures count the whole '
             'kernel boot; the extra records are all printed inside the '
             'initcall; a block whose execution the icount budget cuts off '
             'is logged twice, so call counts can be off by a few):')
    o.append('')
    drec = (al.records or 0) - (st.records or 0)
    if drec > 0:
        o.append('- **%d extra log records** (dmesg lines; %+d calls of '
                 'vprintk_emit counted), **%.0f instructions per extra '
                 'record** in the printk code (formatting, ring buffer, '
                 'dev_printk; callees outside kernel/printk and '
                 'lib/vsprintf.c, e.g. memcpy and locks, not included): %d '
                 'instructions, %.1f%% of the initcall\'s extra %s' % (
                     drec, dlines, dprk / drec, dprk,
                     100.0 * dprk / tot if tot else 0,
                     '%d' % tot if tot else '-'))
    if parses:
        o.append('- **%d parses of the parameter for %d devices checked** '
                 '(%.2f per device: the check of the parameter when it is '
                 'set, then one per device); %.0f instructions per parse, '
                 '%d in all (%.1f%%)' % (
                     parses, devs, parses / devs if devs else 0,
                     dparse / parses, dparse,
                     100.0 * dparse / tot if tot else 0))
    dcfg = (ac.get('cfg_read', 0) + ac.get('cfg_write', 0)) - \
        (sc.get('cfg_read', 0) + sc.get('cfg_write', 0))
    o.append('- **%+d config accesses** (%+d reads, %+d writes)' % (
        dcfg, ac.get('cfg_read', 0) - sc.get('cfg_read', 0),
        ac.get('cfg_write', 0) - sc.get('cfg_write', 0)))
    if tot:
        o.append('- the rest, %d instructions (%.1f%%), is the PCI core\'s '
                 'own work for the aligned BARs (sizing with the '
                 'alignment, assigning them again, config accessors), '
                 'counted only as a whole' % (
                     tot - dprk - dparse,
                     100.0 * (tot - dprk - dparse) / tot))
    o.append('')
    o.append('Commands: the boots of the table above with `%s` added to '
             'QEMU\'s options (the whole command line in `%s.cmd`); counts '
             'in `%s.counts`.' % (
                 al.qemu_args[:200] + ('...' if len(al.qemu_args) > 200
                                       else ''),
                 rel(al.path, top), rel(al.path, top)))
    o.append('')


def write_vfio_md(o, vfio, args, top):
    o.append('## Cost of an access to a small BAR, mmap vs. trapped')
    o.append('')
    if not vfio:
        o.append('Not run (BENCH_VFIO=0).')
        o.append('')
        return
    o.append('![ns per read of a small BAR: mmap vs. pread](%s)' % rel(
        os.path.join(args.plotdir, 'vfio-access.png'), top))
    o.append('')
    o.append('The consumer\'s gain: the vfio scenario\'s guest '
             '(guest/vfiocheck.c, vfio-pci in no-IOMMU mode, topology `%s`) '
             'reads offset 0 of every small BAR of each pci-testdev with '
             '32-bit loads, through the mmap() of the vfio region where '
             'vfio-pci allows it (only a BAR alone on its page), and '
             'through pread() of the device fd at the region offset (vfio-'
             'pci does the access in the kernel: the trapped path).  Median '
             'ns per access (CLOCK_MONOTONIC, batches of 8) over the reads '
             'shown; these are times of QEMU TCG, without -icount, on this '
             'host.  "-": the region could not be mapped.' %
             vfio[0]['topology'])
    o.append('')
    o.append('| boot | command line | log |')
    o.append('|---|---|---|')
    for vb in vfio:
        o.append('| %s | `%s` (kernel `%s`) | `%s` |' % (
            vb['name'], vb['append'], rel(vb['kernel'], top),
            rel(vb['log'], top)))
    o.append('')
    head = '| BDF | BAR | size |'
    sep = '|---|---|---|'
    for vb in vfio:
        head += ' %s mmap ns | %s pread ns |' % (vb['name'], vb['name'])
        sep += '---|---|'
    o.append(head)
    o.append(sep)
    for bdf, bar, size in vfio_bars(vfio):
        line = '| %s | %d | %d |' % (bdf, bar, size)
        for vb in vfio:
            a = next((x for x in vb['access'] if x['bdf'] == bdf and
                      x['bar'] == bar), {})
            for k in ('mmap_ns', 'pread_ns'):
                v = a.get(k)
                line += ' %s |' % ('-' if v is None else '%.1f' % v)
        o.append(line)
    o.append('')
    for vb in vfio:
        acc = vb['access']
        mm = [a['mmap_ns'] for a in acc if a['mmap_ns'] is not None]
        pr = [a['pread_ns'] for a in acc if a['pread_ns'] is not None]
        reads = acc[0]['reads'] if acc else 0
        o.append('- %s: %d of %d small BARs mmap-able%s; pread median %s ns'
                 '%s (%d reads each)' % (
                     vb['name'], len(mm), len(acc),
                     ', mmap median %.1f ns' % statistics.median(mm)
                     if mm else '',
                     '%.1f' % statistics.median(pr) if pr else '-',
                     ', pread/mmap %.1fx' % (statistics.median(pr) /
                                             statistics.median(mm))
                     if mm and pr else '', reads))
    o.append('')
    o.append('Data: `%s`, drawn by `gnuplot vfio-access.gp` (run in that '
             'directory).' % rel(os.path.join(args.plotdir,
                                              'vfio-access.dat'), top))
    o.append('')


def write_kunit_md(o, kruns, args, top):
    o.append('## KUnit: emulated bus, large N')
    o.append('')
    runs = [g for g in kruns if g]
    if not runs:
        o.append('Not run (BENCH_KUNIT=0, or the tree lacks the '
                 'pci_align_bench suite, or its run failed: see the '
                 'make bench output).')
        o.append('')
        return
    ns = [s.get('n') for _, s in runs[0]]
    o.append('Suite `pci_align_bench` of drivers/pci/tests/pci_align_kunit.c '
             'on x86_64 under QEMU `-icount shift=0,sleep=off` (the ktime '
             'figures of the suite are then guest instructions, 1 per ns): '
             'an emulated host bridge (config space in memory) with N '
             'devices (N = %s), each with a 32-bit BAR and a 64-bit '
             'prefetchable BAR of 32-256 bytes.  Each repetition creates the '
             'bus, then counts `pci_scan_root_bus_bridge()` + '
             '`pci_bus_size_bridges()` + `pci_bus_assign_resources()` (as '
             'pci_host_probe()); "off" (stock) and "all" alternate.  '
             'Command: `cd %s && %s` (after `kunit.py build --arch x86_64 '
             '--kunitconfig=drivers/pci/tests`), %d times.' % (
                 ', '.join(map(str, ns)), rel(args.kunit_tree, top) or '.',
                 args.kunit_command, len(runs)))
    if ns == ['1056']:
        o.append('')
        o.append('N is fixed at 1056 by the suite (`EMU_BIG_FUNCS` = 4 '
                 'bridges x 256 + 4 root slots x 8 functions, a compile-time '
                 'constant): N = 256, 1024, 4096 need the kernel change '
                 'described in tools/testing/pci-align/README.md (the '
                 'report takes one table per "bench: n=" line, so the same '
                 'command then measures every N).')
    o.append('')
    for g, (reps0, s0) in enumerate(runs[0]):
        o.append('N = %s:' % s0.get('n'))
        o.append('')
        o.append('| rep | param | %s | host window span | unassigned | '
                 'shared |' % ' | '.join('run %d kinsn' % k
                                         for k in range(1, len(runs) + 1)))
        o.append('|---|---|%s---|---|---|' % ('---|' * len(runs)))
        for i, kv in enumerate(reps0):
            vals = []
            for run in runs:
                reps = run[g][0] if g < len(run) else []
                x = reps[i] if i < len(reps) else {}
                vals.append('%.3f' % (int(x.get('ns', 0)) / 1e3)
                            if x else '-')
            o.append('| %s | %s | %s | %s | %s | %s |' % (
                kv.get('rep'), 'stock (off)' if kv.get('param') == 'off'
                else kv.get('param'), ' | '.join(vals),
                fmt_size(int(kv.get('span', 0))), kv.get('unassigned'),
                kv.get('shared')))
        o.append('')
        for k, run in enumerate(runs, 1):
            if g >= len(run):
                continue
            s = run[g][1]
            o.append('- N = %s, run %d: median stock %s, all %s '
                     'instructions: all/stock = **%s**' % (
                         s.get('n'), k, s.get('stock_ns'), s.get('all_ns'),
                         ratio_text(int(s.get('all_ns', 0)),
                                    int(s.get('stock_ns', 0)))))
        o.append('')
