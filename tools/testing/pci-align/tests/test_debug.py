# SPDX-License-Identifier: GPL-2.0
"""The debug kernel's reports (guest/init/debug.c sections, expect
debug_reports) and the race report (guest/init/race.c, expect race).

The sections are added to the saved arm64-all log (tests/logs/) before its
end marker, as the guest prints them: PCIALIGN-KMEMLEAK-BEGIN/-END around
KMEMLEAK lines, PCIALIGN-KLOGWARN-BEGIN/-END around "KLOG <level> <text>".
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from harness import analyze  # noqa: E402
from test_analyze import checks, variant  # noqa: E402

CLEAN_KLOG = ['PCIALIGN-KLOGWARN-BEGIN',
              'KLOG 4 PCI: Ignoring resource_alignment entry "garbage"',
              'PCIALIGN-KLOGWARN-END 1 lost=0']
CLEAN_LEAK = ['PCIALIGN-KMEMLEAK-BEGIN', 'PCIALIGN-KMEMLEAK-END 0 '
              'scan-ms=7012']
# what the broken kernel (negative/detectors.patch) prints, shortened
LEAK = ['PCIALIGN-KMEMLEAK-BEGIN',
        'KMEMLEAK unreferenced object 0xffff000004a1c600 (size 256):',
        'KMEMLEAK   comm "init", pid 1, jiffies 4294893350',
        'KMEMLEAK   backtrace (crc 0):',
        'KMEMLEAK     kmalloc_trace_noprof+0x2a8/0x3c0',
        'KMEMLEAK     resource_alignment_show+0x44/0x1c0',
        'PCIALIGN-KMEMLEAK-END 1 scan-ms=7400']
REPORTS = [
    'PCIALIGN-KLOGWARN-BEGIN',
    'KLOG 4 ======================================================',
    'KLOG 4 WARNING: possible circular locking dependency detected',
    'KLOG 4 6.12.0 #1 Not tainted',
    'KLOG 3 UBSAN: shift-out-of-bounds in ../drivers/pci/pci.c:7088:6',
    'KLOG 3 shift exponent 64 is too large for 64-bit type \'long long '
    'unsigned int\'',
    'KLOG 3 BUG: KASAN: slab-out-of-bounds in pci_foo+0x1c/0x30',
    'KLOG 3 BUG: sleeping function called from invalid context at '
    'kernel/locking/mutex.c:585',
    'KLOG 4 ODEBUG: free active (active state 0) object: 0000 object '
    'type: timer_list hint: 0x0',
    'KLOG 4 WARNING: CPU: 0 PID: 1 at lib/debugobjects.c:518',
    'KLOG 4 hidden by nothing: LOST is not a record',
    'PCIALIGN-KLOGWARN-END 9 lost=0']


def with_sections(tmp_path, *sections, name='arm64-all'):
    def edit(lines):
        end = lines.index('PCIALIGN-END')
        extra = [x for s in sections for x in s]
        return lines[:end] + extra + lines[end:]
    return variant(tmp_path, name, edit)


def test_clean_debug_boot_passes(tmp_path):
    got = checks(with_sections(tmp_path, CLEAN_LEAK, CLEAN_KLOG),
                 {'debug_reports': 0})
    assert got['debug-klog-kept'] and got['debug-kmemleak-scanned']
    for kind in analyze.DEBUG_KINDS:
        assert got['debug-%s==0' % kind], kind


def test_reports_are_counted_by_kind(tmp_path):
    path = with_sections(tmp_path, LEAK, REPORTS)
    run = analyze.Run(path)
    assert run.kmemleak['objects'] == 1 and run.kmemleak['ms'] == 7400
    assert run.klogwarn['n'] == 9 and run.klogwarn['lost'] == 0
    assert run.klogwarn['lines'][1] == (
        4, 'WARNING: possible circular locking dependency detected')
    reports = run.debug_reports()
    assert reports['known'] == {}
    got = {k: len(reports[k]) for k in analyze.DEBUG_KINDS}
    assert got == {'kasan': 1, 'ubsan': 1, 'lockdep': 1, 'atomic-sleep': 1,
                   'bug': 2, 'warning': 2, 'odebug': 1, 'kmemleak': 1}
    # the report lines are not the boot's console or kernel log
    assert not [x for x in run.console if x.startswith(('KLOG', 'KMEMLEAK'))]
    res = checks(path, {'debug_reports': 0})
    assert not res['debug-kmemleak==0'] and not res['debug-lockdep==0']
    assert not res['debug-ubsan==0'] and res['debug-klog-kept']


def test_missing_or_incomplete_sections_fail(tmp_path):
    got = checks(with_sections(tmp_path), {'debug_reports': 0})
    assert not got['debug-klog-kept'] and not got['debug-kmemleak-scanned']
    got = checks(with_sections(tmp_path), {'debug_reports': 0,
                                           'kmemleak': False})
    assert 'debug-kmemleak-scanned' not in got
    lost = CLEAN_KLOG[:-1] + ['PCIALIGN-KLOGWARN-END 1 lost=3']
    got = checks(with_sections(tmp_path, CLEAN_LEAK, lost),
                 {'debug_reports': 0})
    assert not got['debug-klog-kept']
    cut = CLEAN_KLOG[:-1]       # the guest died before the end
    got = checks(with_sections(tmp_path, CLEAN_LEAK, cut),
                 {'debug_reports': 0})
    assert not got['debug-klog-kept']


def test_without_klog_section_the_dump_is_counted(tmp_path):
    def edit(lines):
        i = lines.index('PCIALIGN-DMESG-END')
        return lines[:i] + ['[    2.5] UBSAN: shift-out-of-bounds in x.c:1:1'] \
            + lines[i:]
    run = analyze.Run(variant(tmp_path, 'arm64-all', edit))
    assert len(run.debug_reports()['ubsan']) == 1


RACE = ['RACE start secs=30 max=2000 bridge=0000:00:07.0 children=4 '
        'devices=16',
        'PCIALIGN-READY race',
        'RACE writer1 iterations=2000 ok=1000 einval=1000 errors=0',
        'RACE writer0 iterations=1999 ok=1000 einval=999 errors=0',
        'RACE remover iterations=120 errors=0 secs=30.0',
        'PCIALIGN-HOST-STOP',
        'RACE settle devices=16 boot=16 ms=5000',
        'RACE final-write ret=0 readback=[all]',
        'RACE final-rescan remove=0 rescan=0 children=4 boot=4']
HOST = ('HOST 0.01 ok info status -> VM status: running\n'
        'HOST-LOOP iterations=4 ok=16 errors=0 stopped=marker\nHOST-RC 0\n')


def race_log(tmp_path, race=RACE, host=HOST):
    def edit(lines):
        i = lines.index('PCIALIGN-DMESG-BEGIN')
        # the report after the race: the boot's devices again
        boot = [x for x in lines[:i] if x.startswith(('PCIBAR', 'PCIDRV'))]
        return lines[:i] + race + ['PCIALIGN-REPORT race'] + boot + lines[i:]
    path = variant(tmp_path, 'decode-ok', edit)
    if host is not None:
        with open(path + '.host', 'w') as f:
            f.write(host)
    return path


WANT = {'report': 'race', 'race': {'bridge': '0000:00:07.0', 'children': 4}}


def test_race_report_passes(tmp_path):
    path = race_log(tmp_path)
    run = analyze.Run(path, 'race')
    assert run.race['writer0']['iterations'] == '1999'
    assert run.race['final-write']['readback'] == '[all]'
    got = checks(path, WANT, report='race')
    race = {k: v for k, v in got.items() if k.startswith('race-')}
    assert len(race) == 8 and all(race.values()), race


def test_race_failures(tmp_path):
    bad = [x.replace('errors=0', 'errors=2 first=write:all:-22')
           if x.startswith('RACE writer1') else
           x.replace('readback=[all]', 'readback=[12@all]')
           if 'final-write' in x else x for x in RACE]
    host = HOST.replace('errors=0', 'errors=1').replace('HOST-RC 0',
                                                         'HOST-RC 1')
    got = checks(race_log(tmp_path, bad, host), WANT, report='race')
    assert not got['race-writer1-ok'] and got['race-writer0-ok']
    assert not got['race-final-all-read-back']
    assert not got['race-host-hotadd-remove-ok']
    got = checks(race_log(tmp_path, RACE[:2], None), WANT, report='race')
    assert not got['race-writer0-ok'] and not got['race-final-rescan']
    assert not got['race-host-hotadd-remove-ok']


def test_race_device_lost(tmp_path):
    def drop(lines):
        # the last PCIDRV line of the race report is gone
        i = max(n for n, x in enumerate(lines) if x.startswith('PCIDRV'))
        return lines[:i] + lines[i + 1:]
    path = race_log(tmp_path)
    with open(path) as f:
        lines = f.read().splitlines()
    with open(path, 'w') as f:
        f.write('\n'.join(drop(lines)) + '\n')
    got = checks(path, WANT, report='race')
    assert not got['race-same-devices-as-at-boot']


def test_debug_and_race_boots_are_valid():
    """scenarios debug and race (FULL): as test_tables checks ORDER's"""
    import importlib
    from test_tables import test_scenario_boots_are_valid
    from harness import variants
    for name in ('debug', 'race'):
        test_scenario_boots_are_valid(name)
        mod = importlib.import_module('scenarios.' + name)
        assert all(b.expect.get('debug_reports') == 0 for b in mod.BOOTS)
        assert all(b.timeout for b in mod.BOOTS)
    debug = importlib.import_module('scenarios.debug')
    assert {b.variant for b in debug.BOOTS} == {'arm64-debug'}
    assert len(debug.BOOTS) >= 20
    assert variants.VARIANTS['arm64-debug'].in_check == 'full'
    assert variants.VARIANTS['broken-arm64-debug'].in_check is False


PCIEHP = ['PCIALIGN-KLOGWARN-BEGIN',
          'KLOG 4 WARNING: possible circular locking dependency detected',
          'KLOG 4 irq/16-pciehp/27 is trying to acquire lock:',
          'KLOG 4 ffff80008131c7a8 (pci_rescan_remove_lock){+.+.}-{3:3}, at: '
          'pci_lock_rescan_remove+0x1c/0x24',
          'KLOG 4 \\x0abut task is already holding lock:',
          'KLOG 4 ffff000005845b00 (&ctrl->reset_lock){.+.+}-{3:3}, at: '
          'pciehp_ist+0x1ac/0x338',
          'KLOG 4 Call trace:',
          'KLOG 3 UBSAN: shift-out-of-bounds in ../drivers/pci/pci.c:7088:6',
          'PCIALIGN-KLOGWARN-END 7 lost=0']


def test_known_reports_are_shown_not_counted(tmp_path):
    from scenarios.debug import KNOWN
    path = with_sections(tmp_path, CLEAN_LEAK, PCIEHP)
    run = analyze.Run(path)
    got = run.debug_reports(KNOWN)
    name = list(KNOWN)[0]
    assert len(got['known'][name]) == 1
    assert not got['lockdep'] and not got['warning']
    # the report after it is not part of it
    assert len(got['ubsan']) == 1
    assert len(run.debug_reports()['lockdep']) == 1
    res = checks(path, {'debug_reports': 0, 'debug_known': KNOWN})
    assert res['debug-lockdep==0'] and not res['debug-ubsan==0']


def test_known_report_lines_leave_the_oops_check(tmp_path):
    from scenarios.debug import KNOWN
    splat = ['[    6.2] WARNING: possible circular locking dependency '
             'detected',
             '[    6.2] irq/16-pciehp/27 is trying to acquire lock:',
             '[    6.2] ffff8 (pci_rescan_remove_lock){+.+.}-{3:3}, at: x',
             '[    6.2] but task is already holding lock:',
             '[    6.2] ffff0 (&ctrl->reset_lock){.+.+}-{3:3}, at: y',
             '[    6.3] Call trace:']

    def edit(lines):
        i = lines.index('PCIALIGN-DMESG-END')
        return lines[:i] + splat + lines[i:]
    path = variant(tmp_path, 'arm64-all', edit)
    assert not checks(path, {})['no-oops-bug-warning']
    assert checks(path, {'debug_known': KNOWN})['no-oops-bug-warning']
