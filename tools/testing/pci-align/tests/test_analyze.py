# SPDX-License-Identifier: GPL-2.0
"""The analyzer and the expectations on saved guest logs, one per verdict.

tests/logs/ holds real serial logs of the QEMU scenarios, trimmed to the
guest's report lines and the kernel's PCI messages: arm64-none (the stock
placement: 2 shared pages), arm64-all (0 shared, 6 BARs moved against
arm64-none), prec-13dev (13@0000:00:02.0;all: that device's 2 small BARs
inflated to 8 KiB), rescan (the report after remove + rescan with "all"),
badinput-garbage ("all;garbage": one error line), fallback-30 (30@all: a
warning per BAR that is not 1 GiB aligned), decode-ok (arm64 seed, no
parameter, with the decode section and PCIDRV lines) and decode-overlap
(the same with 0000:01:02.0's BAR 2 written onto 0000:01:01.0's address
by a throwaway guest program: one overlapping pair).  Variants of them (a
BAR unassigned, an oops, no end marker, decoding off, ...) are made here.
"""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from harness import analyze, expect, ktap  # noqa: E402

LOGS = os.path.join(HERE, 'logs')


def log(name):
    return os.path.join(LOGS, name + '.log')


def variant(tmp_path, name, edit):
    """A copy of log NAME with EDIT applied to its lines."""
    with open(log(name)) as f:
        lines = f.read().splitlines()
    path = tmp_path / (name + '-edited.log')
    path.write_text('\n'.join(edit(lines)) + '\n')
    return str(path)


def checks(path, exp, refs=None, report='boot', decode=False):
    """{check name: ok} of expectations EXP on the log at PATH (without
    no-overlapping-decode unless DECODE: most saved logs predate it)."""
    run = analyze.Run(path, report)
    ref = (refs or {}).get(exp.get('ref'))
    t = ktap.Test('t')
    verdict = analyze.Verdict(run, ref, exp.get('page_size'))
    expect.check(t, 'x', run, verdict, exp, refs or {})
    got = {r.name[2:]: r.ok for r in t.results()}
    if not decode:
        got.pop('no-overlapping-decode', None)
    return got


def test_shared_pages_of_the_stock_placement():
    v = analyze.Verdict(analyze.Run(log('arm64-none')))
    assert len(v.shared) == 2
    owners = sorted(sorted(o) for o in v.shared.values())
    assert owners == [
        ['0000:00:01.0', '0000:00:02.0', '0000:00:03.0', '0000:00:04.0',
         '0000:00:05.0'],
        ['0000:01:01.0', '0000:01:02.0', '0000:01:03.0']]
    assert (len(v.inflated), len(v.unassigned)) == (0, 0)
    assert len(v.run.bars) == 17


def test_all_moves_the_small_bars_apart():
    none = analyze.Run(log('arm64-none'))
    v = analyze.Verdict(analyze.Run(log('arm64-all')), none)
    assert len(v.shared) == 0
    assert len(v.moved) == 6
    assert {m[0] for m in v.moved} == {
        ('0000:01:02.0', 2), ('0000:01:03.0', 2), ('0000:00:02.0', 2),
        ('0000:00:03.0', 2), ('0000:00:04.0', 2), ('0000:00:05.0', 2)}
    assert v.line('a').startswith(
        'VERDICT a: shared_pages=0 inflated=0 moved=6 unassigned=0')


def test_per_device_entry_inflates_only_that_device():
    v = analyze.Verdict(analyze.Run(log('prec-13dev')))
    assert {(b.bdf, b.size) for b in v.inflated} == {('0000:00:02.0', 0x2000)}
    assert len(v.inflated) == 2
    got = checks(log('prec-13dev'), {'dev_align': ['0000:00:02.0:0x2000'],
                                     'shared': 0})
    assert all(got.values()), got
    # the same expectation names the wrong device: it must fail
    got = checks(log('prec-13dev'), {'dev_align': ['0000:00:03.0:0x2000']})
    assert not got['0000:00:03.0-small-bars-inflated-to-0x2000']
    assert not got['inflated-outside-named==0']


def test_unassigned_bar(tmp_path):
    def unset(lines):
        out, done = [], False
        for line in lines:
            f = line.split()
            if not done and f[:1] == ['PCIBAR'] and f[2] == '2':
                f[3], f[5] = '0x0', '0x20142200'    # start 0, UNSET
                line, done = ' '.join(f), True
            out.append(line)
        return out
    path = variant(tmp_path, 'arm64-none', unset)
    v = analyze.Verdict(analyze.Run(path))
    assert len(v.unassigned) == 1
    assert checks(path, {'unassigned': 0}) == {
        'run-completed': True, 'no-oops-bug-warning': True,
        'unassigned==0': False}


def test_oops_and_missing_end_marker(tmp_path):
    def warn(lines):
        i = lines.index('PCIALIGN-DMESG-BEGIN') + 1     # the kernel log
        return lines[:i] + [
            '[    1.0] WARNING: CPU: 0 PID: 1 at drivers/pci/setup-bus.c:1'
        ] + lines[i:]
    oops = variant(tmp_path, 'arm64-all', warn)
    assert checks(oops, {}) == {'run-completed': True,
                                'no-oops-bug-warning': False}
    cut = variant(tmp_path, 'arm64-all',
                  lambda ls: [x for x in ls if x != 'PCIALIGN-END'])
    assert checks(cut, {})['run-completed'] is False


def test_bad_value_gives_one_message_naming_it():
    got = checks(log('badinput-garbage'), {'param_error': 'garbage'})
    assert got == {'run-completed': True, 'no-oops-bug-warning': True,
                   'one-resource_alignment-log-line': True,
                   'log-line-names-garbage': True}
    got = checks(log('badinput-garbage'), {'param_error': 'bogus',
                                           'param_ok': True})
    assert not got['log-line-names-bogus']
    assert not got['resource_alignment-accepted']


def test_rescan_report():
    boot = analyze.Verdict(analyze.Run(log('rescan')))
    after = analyze.Verdict(analyze.Run(log('rescan'), 'rescan'))
    assert len(boot.shared) == 2 and len(after.shared) == 0
    got = checks(log('rescan'), {'rescan': True, 'shared': 0},
                 report='rescan')
    assert all(got.values()), got


def test_fallback_warnings_name_each_unaligned_bar(tmp_path):
    exp = {'align_warnings': 0x40000000,
           'warn_re': 'assigned without requested alignment'}
    assert all(checks(log('fallback-30'), exp).values())
    # one warning less: the counts and the named BARs differ
    seen = []

    def drop_one(lines):
        dmesg = False
        for line in lines:
            dmesg |= line == 'PCIALIGN-DMESG-BEGIN'     # the kernel log
            if dmesg and not seen and \
                    'assigned without requested alignment' in line:
                seen.append(line)
                continue
            yield line
    path = variant(tmp_path, 'fallback-30', lambda ls: list(drop_one(ls)))
    got = checks(path, exp)
    assert seen
    assert not got['warnings==unaligned-bars-at-0x40000000']
    assert not got['warned-bars==unaligned-bars']


def test_moved_against_a_reference_boot():
    refs = {'none': analyze.Run(log('arm64-none'))}
    got = checks(log('arm64-all'), {'ref': 'none', 'moved': 0}, refs)
    assert got['moved==0'] is False
    got = checks(log('arm64-none'), {'ref': 'none', 'moved': 0}, refs)
    assert got['moved==0'] is True


def test_unknown_expectation_is_refused():
    with pytest.raises(SystemExit, match='unknown expectation'):
        checks(log('arm64-none'), {'shraed': 0})


DECODE = 'no-overlapping-decode'


def test_overlapping_decode_is_found():
    assert checks(log('decode-ok'), {}, decode=True)[DECODE] is True
    assert checks(log('decode-overlap'), {}, decode=True)[DECODE] is False
    pairs = analyze.decode_overlaps(analyze.Run(log('decode-overlap')))
    assert list(pairs) == [('0000:01:01.0', '0000:01:02.0')]
    (kind, a, b), = pairs[('0000:01:01.0', '0000:01:02.0')]
    assert (kind, a[2], a[3], a[4]) == ('mem', 0x8010000000, 0x801000001f,
                                        'bar2')
    # 25 ranges of 9 devices (the host bridge has no BAR), no bridge window
    ranges = analyze.decoded_ranges(analyze.Run(log('decode-ok')))
    assert len(ranges) == 25 and len({r[0] for r in ranges}) == 9


def test_no_decode_report_fails(tmp_path):
    # a log of before the decode step, and one cut short
    assert checks(log('arm64-none'), {}, decode=True)[DECODE] is False
    cut = variant(tmp_path, 'decode-ok', lambda ls: [
        x for x in ls if not x.startswith('PCIDECODE-END')])
    assert checks(cut, {}, decode=True)[DECODE] is False
    # a device without its PCIDEC line
    gone = variant(tmp_path, 'decode-ok', lambda ls: [
        x for x in ls if not x.startswith('PCIDEC 0000:00:03.0')])
    assert checks(gone, {}, decode=True)[DECODE] is False


def _edit(lines, prefix, new):
    return [new if x.startswith(prefix) else x for x in lines]


def test_decode_rules(tmp_path):
    # memory decoding off on one of the two: no overlap
    off = variant(tmp_path, 'decode-overlap', lambda ls: _edit(
        ls, 'PCIDEC 0000:01:02.0 cmd', 'PCIDEC 0000:01:02.0 cmd 0x0001 '
        'hdr 0x0'))
    assert checks(off, {}, decode=True)[DECODE] is True
    # I/O decoding off instead: the memory BARs still overlap
    io = variant(tmp_path, 'decode-overlap', lambda ls: _edit(
        ls, 'PCIDEC 0000:01:02.0 cmd', 'PCIDEC 0000:01:02.0 cmd 0x0002 '
        'hdr 0x0'))
    assert checks(io, {}, decode=True)[DECODE] is False
    # the other device in another domain: no overlap
    dom = variant(tmp_path, 'decode-overlap', lambda ls: [
        x.replace('0000:01:02.0', '0001:01:02.0') if x.startswith('PCIDEC')
        else x for x in ls])
    assert checks(dom, {}, decode=True)[DECODE] is True

    # a ROM on 01:01.0's BAR 0: counted only when enabled
    def rom(en):
        def edit(ls):
            i = ls.index('PCIDEC 0000:01:02.0 cmd 0x0003 hdr 0x0')
            return ls[:i + 1] + [
                'PCIDEC 0000:01:02.0 mem 0x10000800 0x800 rom en=%d' % en
            ] + ls[i + 1:]
        return edit
    ok = variant(tmp_path, 'decode-ok', rom(0))
    assert checks(ok, {}, decode=True)[DECODE] is True
    bad = variant(tmp_path, 'decode-ok', rom(1))
    assert checks(bad, {}, decode=True)[DECODE] is False
    # a zero-size BAR decodes nothing
    zero = variant(tmp_path, 'decode-overlap', lambda ls: _edit(
        ls, 'PCIDEC 0000:01:02.0 mem 0x8010000000',
        'PCIDEC 0000:01:02.0 mem 0x8010000000 0x0 bar2'))
    assert checks(zero, {}, decode=True)[DECODE] is True


def test_same_devices_and_kept_assigned(tmp_path):
    exp = {'same_devices': 'none', 'kept_assigned': 'none'}
    refs = {'none': analyze.Run(log('decode-ok'))}
    got = checks(log('decode-ok'), exp, refs)
    assert got == {'run-completed': True, 'no-oops-bug-warning': True,
                   'same-devices-and-drivers-as-none': True,
                   'kept-assigned-as-none': True}

    def change(ls):
        ls = _edit(ls, 'PCIDRV 0000:00:02.0', 'PCIDRV 0000:00:02.0 '
                   '1b36:0005 pci-testdev')
        out = []
        for x in ls:
            f = x.split()
            if f[:1] == ['PCIIO'] and f[1] == '0000:00:03.0':
                f[3], f[5] = '0x0', '0x20000100'    # start 0, UNSET
                x = ' '.join(f)
            out.append(x)
        return out
    path = variant(tmp_path, 'decode-ok', change)
    got = checks(path, exp, refs)
    assert not got['same-devices-and-drivers-as-none']
    assert not got['kept-assigned-as-none']
    gone = variant(tmp_path, 'decode-ok', lambda ls: [
        x for x in ls if x.split()[1:2] != ['0000:01:04.0']])
    got = checks(gone, exp, refs)
    assert not got['same-devices-and-drivers-as-none']
    assert not got['kept-assigned-as-none']
    # without PCIDRV lines (an old log) there is nothing to compare
    got = checks(log('arm64-none'), exp, {'none': analyze.Run(
        log('arm64-none'))})
    assert not got['same-devices-and-drivers-as-none']


def test_no_parameter_equals_stock(tmp_path):
    """expect key stock: the same BARs and windows, devices and drivers,
    and PCI core log lines (timestamps masked) as the stock boot; each
    part fails on its own."""
    exp = {'stock': 'stock'}
    refs = {'stock': analyze.Run(log('decode-ok'))}
    names = ('same-bars-and-windows-as-stock', 'same-pci-log-as-stock',
             'same-devices-and-drivers-as-stock')
    got = checks(log('decode-ok'), exp, refs)
    assert all(got[n] for n in names), got

    def retimed(ls):      # other timestamps only: still equal
        return [x.replace('[    0.', '[    1.') for x in ls]
    got = checks(variant(tmp_path, 'decode-ok', retimed), exp, refs)
    assert all(got[n] for n in names), got

    def window(ls):       # a bridge window moved (sysfs) only
        out = []
        for x in ls:
            f = x.split()
            if f[:1] == ['PCIWIN'] and not out.count('moved'):
                f[3] = hex(int(f[3], 16) + 0x100000)
                x = ' '.join(f)
                out.append('moved')
            out.append(x)
        return [x for x in out if x != 'moved']
    got = checks(variant(tmp_path, 'decode-ok', window), exp, refs)
    assert not got[names[0]] and got[names[1]] and got[names[2]]

    def logline(ls):      # one more PCI core line, nothing else
        i = next(i for i, x in enumerate(ls) if '] pci 0000:00:02.0:' in x)
        return ls[:i] + [ls[i].replace('0000:00:02.0: ', '0000:00:02.0: '
                                       'extra ')] + ls[i:]
    got = checks(variant(tmp_path, 'decode-ok', logline), exp, refs)
    assert got[names[0]] and not got[names[1]] and got[names[2]]
    # a boot with the parameter is not stock: BARs moved, log differs
    got = checks(log('arm64-all'), exp, {'stock': analyze.Run(
        log('arm64-none'))})
    assert not got[names[0]] and not got[names[1]]


def _source(path):
    with open(os.path.join(os.path.dirname(HERE), path)) as f:
        return f.read()


def test_line_kinds_spec_ties_writers_and_readers():
    """analyze.LINE_KINDS is the one spec of the report lines: every kind
    the harness compares a line with is in it, its writer writes it, and
    every kind the guest writes is in it or in UNREAD."""
    import glob
    import re
    read = set()
    for path in ('harness/analyze.py', 'harness/expect.py', 'harness/qemu.py'):
        src = _source(path)
        src = src[src.index('UNREAD'):] if path.endswith('analyze.py') else src
        read |= set(re.findall(
            r"(?:f\[0\] ==|f\[0\]\.startswith\(|line ==|startswith\(|tag ==|"
            r"f\[0\] in \()\s*'([A-Z][A-Z0-9-]*)", src))
        read |= set(re.findall(r"b'\\n([A-Z][A-Z0-9-]+)'", src))
        read |= set(re.findall(r"f\[0\] in \(([^)]*)\)", src) and
                    re.findall(r"'(PCI[A-Z-]+)'", ' '.join(
                        re.findall(r"f\[0\] in \(([^)]*)\)", src))))
    kinds = analyze.LINE_KINDS
    for tag in sorted(read):
        assert tag in kinds or any(k.startswith(tag) for k in kinds), tag
    for tag, (writer, _) in kinds.items():
        assert re.search(r'(^|["\'\\n ])%s([ "\\\\]|$)' % re.escape(tag),
                         _source(writer), re.M), (tag, writer)
    guest = ''.join(_source(os.path.relpath(p, os.path.dirname(HERE)))
                    for p in glob.glob(os.path.join(os.path.dirname(HERE),
                                                    'guest', '**', '*.c'),
                                       recursive=True))
    written = set(re.findall(r'printf\(\s*"\\?n?([A-Z][A-Z0-9-]+)[ \\"]',
                             guest))
    assert written, 'no printf of a line kind found'
    for tag in sorted(written):
        assert tag in kinds or tag in analyze.UNREAD, tag
