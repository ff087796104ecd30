# SPDX-License-Identifier: GPL-2.0
"""The analyzer and the expectations on saved guest logs, one per verdict.

tests/logs/ holds real serial logs of the QEMU scenarios, trimmed to the
guest's report lines and the kernel's PCI messages: arm64-none (the stock
placement: 2 shared pages), arm64-all (0 shared, 6 BARs moved against
arm64-none), prec-13dev (13@0000:00:02.0;all: that device's 2 small BARs
inflated to 8 KiB), rescan (the report after remove + rescan with "all"),
badinput-garbage ("all;garbage": one error line), fallback-30 (30@all: a
warning per BAR that is not 1 GiB aligned).  Variants of them (a BAR
unassigned, an oops, no end marker) are made here.
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
