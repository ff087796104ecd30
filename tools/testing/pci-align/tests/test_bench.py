# SPDX-License-Identifier: GPL-2.0
"""The benchmark's parsers: QEMU's -D log of a breakdown boot
(benchtrace.summarize), vfiocheck's VFIO-ACCESS lines, the KUnit "bench:"
lines, the exact ratios and the report's determinism and goal lines, on
synthetic inputs."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from harness import benchreport, benchtrace  # noqa: E402

PARSE = 0xffff800080001000
MARK = 0xffff800080002000
PRK = 0xffff800080010000

# two translations in printk code (3 and 2 instructions), the parser's
# entry, the marker, config accesses before and after it
TRACE = """\
pci_cfg_read gpex-root 00:00.0 @0x0 -> 0x81b36
pci_cfg_write pci-testdev 01:00.0 @0x4 <- 0x0
IN: vprintk_emit
0xffff800080010000:  d503233f  paciasp
0xffff800080010004:  a9bd7bfd  stp x29, x30, [sp, #-0x30]!
0xffff800080010008:  910003fd  mov x29, sp

Trace 0: 0x7f0000001000 [0000000000005001/ffff800080010000/00000121/ff020200] vprintk_emit
Trace 0: 0x7f0000001000 [0000000000005001/ffff800080010000/00000121/ff020200] vprintk_emit
IN: vsnprintf
0xffff800080010100:  d503233f  paciasp
0xffff800080010104:  d65f03c0  ret

Trace 0: 0x7f0000002000 [0000000000005001/ffff800080010100/00000121/ff020200] vsnprintf
Trace 0: 0x7f0000002000 [0000000000005001/ffff800080010100/00000121/ff020001] vsnprintf
Trace 0: 0x7f0000003000 [0000000000005001/ffff800080001000/00000121/ff020200] pci_parse_resource_alignment
pci_cfg_read gpex-root 00:00.0 @0x4 -> 0x0
Trace 0: 0x7f0000004000 [0000000000005001/ffff800080002000/00000121/ff020200] run_init_process
pci_cfg_read pci-testdev 01:00.0 @0x0 -> 0x51b36
pci_cfg_read pci-testdev 01:00.0 @0x2 -> 0x5
pci_cfg_write pci-testdev 01:00.0 @0x4 <- 0x2
Trace 0: 0x7f0000001000 [0000000000005001/ffff800080010000/00000121/ff020200] vprintk_emit
"""


def test_summarize(tmp_path):
    p = tmp_path / 'x.trace'
    p.write_text(TRACE)
    entries = {'pci_parse_resource_alignment': PARSE,
               'run_init_process': MARK, 'vprintk_emit': PRK}
    cats = {'printk': [(PRK, PRK + 0x200)], 'parse': [(PARSE, PARSE + 0x40)]}
    r = benchtrace.summarize(str(p), entries, cats)
    assert r['marker']
    assert (r['cfg_read'], r['cfg_write']) == (2, 1)
    assert r['after'] == {'cfg_read': 2, 'cfg_write': 1}
    assert r['calls'] == {'pci_parse_resource_alignment': 1,
                          'run_init_process': 1, 'vprintk_emit': 2}
    # 2 x 3 + 2 + min(2, icount limit 1); the parser's block was not
    # translated in the log: 0
    assert r['insns'] == {'printk': 9, 'parse': 0}
    out = tmp_path / 'x.counts'
    benchtrace.write_counts(str(out), r)
    c = benchtrace.read_counts(str(out))
    assert c['calls_vprintk_emit'] == 2 and c['insns_printk'] == 9
    assert c['after_cfg_write'] == 1 and c['marker'] == 1


def test_ranges_of():
    syms = [(0x100, 't', 'a'), (0x180, 't', 'b'), (0x200, 'T', 'c'),
            (0x300, 't', 'd'), (0x340, 't', 'd'), (0x400, 'T', 'e')]
    # a and b merge; d occurs twice: left out
    assert benchtrace.ranges_of(syms, {'a', 'b', 'd', 'e'}) == [
        (0x100, 0x200), (0x400, 0x404)]


def test_parse_vfio(tmp_path):
    p = tmp_path / 'vfio.log'
    p.write_text(
        'VFIO-BAR 0000:00:02.0 2 size=0x20 start=0x80180002c0 mmap=0 '
        'mmap_ok=0 mmap: Invalid argument\n'
        'VFIO-ACCESS 0000:00:02.0 2 size=0x20 reads=400 mmap_ns=- '
        'pread_ns=2398.0\r\n'
        'VFIO-ACCESS 0000:01:01.0 2 size=0x100 reads=400 mmap_ns=83.5 '
        'pread_ns=2354.0\n')
    acc = benchreport.parse_vfio(str(p))
    assert acc == [
        {'bdf': '0000:00:02.0', 'bar': 2, 'size': 32, 'reads': 400,
         'mmap_ns': None, 'pread_ns': 2398.0},
        {'bdf': '0000:01:01.0', 'bar': 2, 'size': 256, 'reads': 400,
         'mmap_ns': 83.5, 'pread_ns': 2354.0}]
    assert benchreport.vfio_bars([{'access': acc}]) == [
        ('0000:00:02.0', 2, 32), ('0000:01:01.0', 2, 256)]


def test_parse_kunit(tmp_path):
    p = tmp_path / 'k.log'
    p.write_text(
        '[    1.0] # pci_align_test_bench: bench: rep=0 param=off ns=1000 '
        'span=8400896 unassigned=0 shared=2046\n'
        '[    1.1] # pci_align_test_bench: bench: rep=0 param=all ns=1100 '
        'span=8650752 unassigned=0 shared=0\n'
        '[    1.2] # pci_align_test_bench: bench: n=1056 reps=1 '
        'stock_ns=1000 all_ns=1100 ratio=1.100 stock_span=1 all_span=2\n')
    reps, s = benchreport.parse_kunit(str(p))
    assert [r['param'] for r in reps] == ['off', 'all']
    assert s['n'] == '1056' and s['all_ns'] == '1100'


def test_ratio_text():
    assert benchreport.ratio_text(57554, 51248) == '57554/51248 = 1.1230'
    assert benchreport.ratio_text(None, 5) == '-'


def _boots(tmp_path, counts):
    """a runs.tsv of bridge-8 stock/all boots whose initcall lines give
    COUNTS[(variant, run)] usecs"""
    src = os.path.join(HERE, 'logs', 'decode-ok.log')
    text = open(src, errors='replace').read()
    tsv = tmp_path / 'runs.tsv'
    rows = []
    for (v, r), us in counts.items():
        log = tmp_path / ('%s-r%d.log' % (v, r))
        line = ('[    0.1] initcall gen_pci_driver_init+0x0/0x38 returned 0 '
                'after %d usecs' % us)
        log.write_text(text.replace('PCIALIGN-DMESG-BEGIN\n',
                                    'PCIALIGN-DMESG-BEGIN\n' + line + '\n', 1))
        rows.append('\t'.join(('bridge', '8', v, str(r), str(log), 'Image',
                               'initcall_debug', '-icount shift=0')))
    tsv.write_text('\n'.join(rows) + '\n')
    return tsv


def _report(tmp_path, counts):
    tsv = _boots(tmp_path, counts)
    checks = {}
    out = tmp_path / 'B.md'
    benchreport.main(['--runs', str(tsv), '--out', str(out), '--plotdir',
                      str(tmp_path / 'plot')],
                     lambda name, ok, detail='': checks.__setitem__(name, ok))
    return checks, out.read_text()


def test_report_deterministic_and_goal(tmp_path):
    checks, md = _report(tmp_path, {('stock', 1): 1000, ('stock', 2): 1000,
                                    ('all', 1): 1010, ('all', 2): 1010})
    assert checks['bench-bridge-8-stock-deterministic']
    assert checks['bench-bridge-8-all-deterministic']
    assert '1010/1000 = 1.0100' in md
    assert '| bridge | 8 | 1010/1000 = 1.0100 | yes |' in md


def test_report_differs(tmp_path):
    checks, md = _report(tmp_path, {('stock', 1): 1000, ('stock', 2): 1001,
                                    ('all', 1): 1100, ('all', 2): 1100})
    assert not checks['bench-bridge-8-stock-deterministic']
    assert checks['bench-bridge-8-all-deterministic']
    assert '1000 = 1001 (DIFFER)' in md
    assert '| **no** |' in md


def test_parse_kunit_groups(tmp_path):
    p = tmp_path / 'k.log'
    lines = []
    for n in (256, 1024):
        lines += ['bench: rep=0 param=off ns=%d span=1 unassigned=0 '
                  'shared=3' % n,
                  'bench: rep=0 param=all ns=%d span=2 unassigned=0 '
                  'shared=0' % (n + 1),
                  'bench: n=%d reps=1 stock_ns=%d all_ns=%d ratio=1.000 '
                  'stock_span=1 all_span=2' % (n, n, n + 1)]
    p.write_text('\n'.join(lines) + '\n')
    g = benchreport.parse_kunit_groups(str(p))
    assert [s['n'] for _, s in g] == ['256', '1024']
    assert [r['ns'] for r in g[1][0]] == ['1024', '1025']
