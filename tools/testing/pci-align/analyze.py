#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Analyze pci-align QEMU run logs (serial output of run-qemu.sh).

For each LOG: print a table of the memory BARs reported by the guest's
pcibars tool and one verdict line

  VERDICT <label>: shared_pages=N inflated=N moved=N unassigned=N \
shared_pages_<PAGE_SIZE>=N

shared_pages  4 KiB pages holding assigned memory BARs of two or more
              different devices (shared_pages_<PAGE_SIZE>: the same for
              --page-size, default 4096 = the guests' PAGE_SIZE)
inflated      assigned BARs whose resource size differs from the size the
              hardware BAR decodes (x86 shadow ROM at 0xc0000 excluded)
moved         BARs whose address differs from the reference: the
              PCIBAR lines of --ref LOG, or else the address the kernel
              printed at enumeration ("pci BDF: BAR n [mem ...]"), i.e. the
              firmware placement; BARs the reference left unassigned, or
              missing from either side, are counted as moved only when
              missing from this log
unassigned    BARs the hardware implements that have no address

--report NAME picks the guest report analyzed: "boot" (default, the first
pcibars run) or the one following a "PCIALIGN-REPORT NAME" line (e.g.
"rescan", "remove", "hotplug": pcialign.test=rescan/remove/hotplug).
--page-size defaults to the guest's PAGE_SIZE ("PCIALIGN-PAGESIZE" line),
else 4096.

Checks (each prints "PASS: <label> <check>" or "FAIL: <label> <check>"):
  always: the run completed (end marker) and the kernel log has no
  Oops/BUG/WARNING/panic; then every --expect-* option given, and with
  --sysfs the results of the guest's sysfs bad-input test.
Exit status 1 if any check failed, 2 on usage errors.
"""

import argparse
import os
import re
import sys

IORESOURCE_IO = 0x100
IORESOURCE_MEM = 0x200
IORESOURCE_ROM_SHADOW = 0x2          # IORESOURCE_BITS, for ROM resources
IORESOURCE_DISABLED = 0x10000000
IORESOURCE_UNSET = 0x20000000
ROM_INDEX = 6
SHADOW_ROM = 0xC0000

ENUM_RE = re.compile(
    r'pci (?P<bdf>[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]): '
    r'(?:BAR (?P<bar>\d+)|(?P<rom>ROM)) '
    r'\[mem (?P<start>0x[0-9a-f]+)-(?P<end>0x[0-9a-f]+)[^\]]*\]\s*$')
# The command line echoes: "Kernel command line:" (all), "Command line:" (x86)
CMDLINE_RE = re.compile(r'\b[Cc]ommand line: ')
PARAM_ERR_RE = re.compile(r"can't|cannot|ignor|invalid|pars|error|too long",
                          re.IGNORECASE)
ASSIGNED_RE = re.compile(
    r'pci (?P<bdf>[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]): '
    r'(?:BAR (?P<bar>\d+)|(?P<rom>ROM)) '
    r'\[mem (?P<start>0x[0-9a-f]+)-(?P<end>0x[0-9a-f]+)[^\]]*\]: assigned')
RETRY_RE = re.compile(r'No\. (\d+) try to assign unassigned res')
RELEASE_CHILD_RE = re.compile(
    r'release child resource \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)')
REALLOC_LOG_RE = re.compile(r"No\. \d+ try to assign|release child resource|"
                            r"\] released$|can't assign|failed to assign")
BDF_RE = re.compile(r'\b([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])\b')
BARNAME_RE = re.compile(r'\b(?:BAR (\d+)|(ROM))\b')
BAD_RE = re.compile(r'(Oops|BUG:|WARNING:|Kernel panic|Unable to handle|'
                    r'Call trace:|general protection fault)')


class Bar:
    def __init__(self, bdf, idx, start, end, flags, hwsize, ids):
        self.bdf = bdf
        self.idx = idx
        self.start = start
        self.end = end
        self.flags = flags
        self.hwsize = hwsize        # None when unknown
        self.ids = ids

    @property
    def key(self):
        return (self.bdf, self.idx)

    @property
    def size(self):
        return self.end - self.start + 1 if self.flags else 0

    @property
    def assigned(self):
        return (self.flags != 0 and self.start != 0 and
                not self.flags & (IORESOURCE_UNSET | IORESOURCE_DISABLED))

    @property
    def shadow_rom(self):
        return self.idx == ROM_INDEX and (
            self.flags & IORESOURCE_ROM_SHADOW or self.start == SHADOW_ROM)

    @property
    def name(self):
        return 'ROM' if self.idx == ROM_INDEX else 'BAR %d' % self.idx


class Run:
    def __init__(self, path, report='boot'):
        self.path = path
        self.report = report
        self.reports = {'boot': []}
        self.cmds = {'boot': {}}
        self.rescan = []
        self.started = False
        self.ended = False
        self.timeout = False
        self.boot_seconds = None
        self.dmesg = []
        self.console = []
        self.sysfs = []
        self.hotplug = []
        self.page_size = None
        self.parse()
        self.bars = self.reports.get(report, [])
        self.cmd = self.cmds.get(report, {})

    def parse(self):
        with open(self.path, 'rb') as f:
            text = f.read().decode('utf-8', 'replace')
        in_dmesg = False
        cur = 'boot'
        for raw in text.splitlines():
            line = raw.replace('\r', '').rstrip()
            if line == 'PCIALIGN-DMESG-BEGIN':
                in_dmesg = True
                continue
            if line == 'PCIALIGN-DMESG-END':
                in_dmesg = False
                continue
            if in_dmesg:
                self.dmesg.append(line)
                continue
            self.console.append(line)
            f = line.split()
            if not f:
                continue
            if f[0] == 'PCIALIGN-START':
                self.started = True
            elif f[0] == 'PCIALIGN-END':
                self.ended = True
            elif f[0].startswith('PCIALIGN-TIMEOUT'):
                self.timeout = True
            elif f[0] == 'PCIALIGN-BOOT-SECONDS' and len(f) > 1:
                self.boot_seconds = float(f[1])
            elif f[0] == 'PCIALIGN-REPORT' and len(f) > 1:
                cur = f[1]
                self.reports.setdefault(cur, [])
                self.cmds.setdefault(cur, {})
            elif f[0] == 'PCIALIGN-PAGESIZE' and len(f) > 1:
                self.page_size = int(f[1])
            elif f[0] == 'HOTPLUG' and len(f) >= 2:
                self.hotplug.append(dict(
                    [kv.split('=', 1) for kv in f[1:] if '=' in kv],
                    result=f[-1]))
            elif f[0] == 'RESCAN' and len(f) >= 3:
                self.rescan.append(f[1:])
            elif f[0] == 'PCICMD' and len(f) >= 3:
                self.cmds[cur][f[1]] = int(f[2], 16)
            elif f[0] == 'PCIBAR' and len(f) >= 8:
                hw = None if f[6] == '-' else int(f[6], 16)
                self.reports[cur].append(Bar(f[1], int(f[2]), int(f[3], 16),
                                     int(f[4], 16), int(f[5], 16), hw, f[7]))
            elif f[0] == 'SYSFS' and len(f) >= 3:
                self.sysfs.append(line)

    @property
    def klog(self):
        """Kernel messages: the guest's dmesg dump, else the console."""
        return self.dmesg if self.dmesg else self.console

    def firmware_placement(self):
        ref = {}
        for line in self.klog:
            m = ENUM_RE.search(line)
            if not m:
                continue
            idx = ROM_INDEX if m.group('rom') else int(m.group('bar'))
            key = (m.group('bdf'), idx)
            if key not in ref:      # first print = enumeration
                ref[key] = int(m.group('start'), 16)
        return ref


def klog_after(lines, regex):
    """(trigger line, lines after the first one matching regex) or None"""
    for i, line in enumerate(lines):
        if re.search(regex, line):
            return line, lines[i + 1:]
    return None


def small_assigned(lines, page):
    """BAR keys with an "assigned" message for a range smaller than page"""
    keys = []
    for line in lines:
        m = ASSIGNED_RE.search(line)
        if not m:
            continue
        if int(m.group('end'), 16) - int(m.group('start'), 16) + 1 < page:
            key = (m.group('bdf'),
                   ROM_INDEX if m.group('rom') else int(m.group('bar')))
            if key not in keys:
                keys.append(key)
    return keys


def placement(run):
    return {b.key: (b.start if b.assigned else 0) for b in run.bars}


def shared_pages(bars, page):
    owners = {}
    for b in bars:
        if not b.assigned or b.shadow_rom:
            continue
        for p in range(b.start // page, b.end // page + 1):
            owners.setdefault(p, set()).add(b.bdf)
    return {p: o for p, o in owners.items() if len(o) > 1}


def analyze(run, ref, cmd_ref, args, label):
    checks = []
    page = 4096
    page_os = args.page_size or run.page_size or 4096
    small_size = args.small
    shared = shared_pages(run.bars, page)
    shared_os = shared_pages(run.bars, page_os)

    inflated = [b for b in run.bars if b.assigned and not b.shadow_rom and
                b.hwsize is not None and b.hwsize != b.size]
    unassigned = [b for b in run.bars if not b.assigned and
                  (b.hwsize is None or b.hwsize > 0)]

    if ref is None:
        refmap = run.firmware_placement()
        refname = 'firmware'
    else:
        refmap = placement(ref)
        refname = os.path.basename(ref.path)
    cur = placement(run)
    moved = []
    for key, addr in sorted(cur.items()):
        want = refmap.get(key)
        if want and addr != want:
            moved.append((key, want, addr))
    if ref is not None:
        for key in sorted(set(refmap) - set(cur)):
            moved.append((key, refmap[key], None))

    print('== %s (%s)%s' % (label, run.path,
                            '' if run.boot_seconds is None else
                            ', boot %.1fs' % run.boot_seconds))
    print('%-13s %-5s %-18s %-18s %-10s %-10s %-13s %s' % (
        'BDF', 'BAR', 'start', 'end', 'size', 'hwsize', '4K-page', 'note'))
    for b in sorted(run.bars, key=lambda b: (b.start, b.bdf, b.idx)):
        notes = []
        if b.assigned:
            pg = '0x%x' % (b.start // page * page)
            if any(b.start // page <= p <= b.end // page for p in shared):
                notes.append('SHARED')
        else:
            pg = '-'
            notes.append('UNASSIGNED')
        if b in inflated:
            notes.append('INFLATED')
        if any(m[0] == b.key for m in moved):
            notes.append('MOVED(from 0x%x)' % next(
                m[1] for m in moved if m[0] == b.key))
        if b.shadow_rom:
            notes.append('shadow-rom')
        print('%-13s %-5s 0x%-16x 0x%-16x 0x%-8x %-10s %-13s %s' % (
            b.bdf, b.name, b.start, b.end, b.size,
            '?' if b.hwsize is None else '0x%x' % b.hwsize, pg,
            ' '.join(notes)))
    for p, o in sorted(shared.items()):
        print('shared page 0x%x: %s' % (p * page, ' '.join(sorted(o))))
    for key, want, addr in moved:
        if addr is None:
            print('moved: %s BAR %d missing (was 0x%x)' % (key[0], key[1], want))

    print('VERDICT %s: shared_pages=%d inflated=%d moved=%d unassigned=%d '
          'shared_pages_%d=%d ref=%s bars=%d' % (
              label, len(shared), len(inflated), len(moved), len(unassigned),
              page_os, len(shared_os), refname, len(run.bars)))

    def check(name, ok, detail=''):
        print('%s: %s %s%s' % ('PASS' if ok else 'FAIL', label, name,
                               ' (%s)' % detail if detail else ''))
        checks.append(ok)

    check('run-completed', run.started and run.ended and bool(run.bars),
          'timeout' if run.timeout else
          '%d BARs' % len(run.bars) if run.ended else 'no end marker')
    bad = [line for line in run.klog if BAD_RE.search(line)]
    check('no-oops-bug-warning', not bad, bad[0].strip() if bad else '')

    def expect(name, val, op, want):
        if want is None:
            return
        ok = val >= want if op == '>=' else val == want
        check('%s%s%d' % (name, op if op == '>=' else '==', want), ok,
              'got %d' % val)

    expect('shared_pages', len(shared), '>=', args.expect_shared_min)
    expect('shared_pages', len(shared), '==', args.expect_shared)
    expect('shared_pages_%d' % page_os, len(shared_os), '==',
           args.expect_shared_os)
    expect('inflated', len(inflated), '==', args.expect_inflated)
    expect('moved', len(moved), '==', args.expect_moved)
    expect('unassigned', len(unassigned), '==', args.expect_unassigned)

    if args.expect_param_error is not None:
        part = args.expect_param_error
        lines = [line for line in run.klog if 'resource_alignment' in line
                 and not CMDLINE_RE.search(line)]
        for line in lines:
            print('  log: %s' % line.strip())
        check('one-resource_alignment-log-line', len(lines) == 1,
              'got %d' % len(lines))
        check('log-line-names-%s' % (part.replace(' ', '_') or '""'),
              len(lines) == 1 and part in lines[0],
              'wanted "%s"' % part)

    if args.expect_param_ok:
        lines = [line for line in run.klog if 'resource_alignment' in line
                 and not CMDLINE_RE.search(line) and
                 PARAM_ERR_RE.search(line)]
        check('resource_alignment-accepted', not lines,
              '%d error line(s), first: %s' % (len(lines), lines[0].strip())
              if lines else '')

    if args.sysfs:
        fails = [s for s in run.sysfs if s.split()[1] != 'PASS']
        for s in run.sysfs:
            f = s.split(None, 2)
            print('%s: %s sysfs %s' % ('PASS' if f[1] == 'PASS' else 'FAIL',
                                       label, f[2]))
            checks.append(f[1] == 'PASS')
        check('sysfs-test-ran', bool(run.sysfs), '%d results, %d failed' % (
            len(run.sysfs), len(fails)))
    for spec in args.expect_dev_align:
        bdf, align = spec.rsplit(':', 1)
        align = int(align, 0)
        mine = [b for b in run.bars if b.bdf == bdf and b.assigned and
                not b.shadow_rom and b.hwsize]
        small = [b for b in mine if b.hwsize < align]
        bad = [b for b in small if b.size != align]
        check('%s-small-bars-inflated-to-0x%x' % (bdf, align),
              bool(small) and not bad, '%d BARs < 0x%x%s' % (
                  len(small), align, ''.join(
                      ', %s size 0x%x' % (b.name, b.size) for b in bad)))
        bad = [b for b in mine if b.start % align]
        check('%s-bars-0x%x-aligned' % (bdf, align), bool(mine) and not bad,
              '%d BARs%s' % (len(mine), ''.join(
                  ', %s at 0x%x' % (b.name, b.start) for b in bad)))
    if args.expect_dev_align:
        named = {spec.rsplit(':', 1)[0] for spec in args.expect_dev_align}
        other = [b for b in inflated if b.bdf not in named]
        check('inflated-outside-named==0', not other, 'got %d%s' % (
            len(other), ''.join(', %s %s' % (b.bdf, b.name)
                                for b in other)))

    if args.expect_moved_unaligned:
        align = args.expect_moved_unaligned
        fw = run.firmware_placement()
        unal = {b.key for b in run.bars if not b.shadow_rom and
                fw.get(b.key) and fw[b.key] % align}
        mv = {m[0] for m in moved}
        detail = '%d firmware addresses not 0x%x-aligned, %d moved' % (
            len(unal), align, len(mv))
        for key in sorted(unal ^ mv):
            detail += ', %s BAR %d %s' % (
                key[0], key[1], 'not moved' if key in unal else
                'moved although aligned')
        check('moved==unaligned-at-0x%x' % align, bool(unal) and unal == mv,
              detail)

    if args.expect_mem_decoding:
        devs = sorted({b.bdf for b in run.bars if b.idx < ROM_INDEX and
                       b.assigned and b.hwsize})
        off = [d for d in devs if not run.cmd.get(d, 0) & 0x2]
        check('memory-decoding-on', bool(devs) and not off,
              '%d devices with memory BARs%s' % (len(devs), ''.join(
                  ', %s command 0x%04x' % (d, run.cmd.get(d, 0))
                  for d in off)))

    if cmd_ref is not None:
        lost = [(d, c, run.cmd.get(d)) for d, c in sorted(cmd_ref.items())
                if run.cmd.get(d) is None or c & 0x3 & ~run.cmd[d]]
        check('no-decoding-lost-vs-%s' % os.path.basename(args.cmd_ref),
              bool(cmd_ref) and not lost, '%d devices compared%s' % (
                  len(cmd_ref), ''.join(
                      ', %s 0x%04x -> %s' % (d, c, 'missing' if n is None
                                             else '0x%04x' % n)
                      for d, c, n in lost)))

    if args.expect_rescan:
        removed = [r for r in run.rescan if r[0] == 'remove']
        bad = [r for r in run.rescan if r[-1] != '0']
        check('rescan-steps', bool(removed) and not bad and
              any(r[0] == 'rescan' for r in run.rescan),
              '%d devices removed%s' % (len(removed), ''.join(
                  ', %s' % ' '.join(r) for r in bad)))
        before = {b.key for b in run.reports['boot']}
        after = {b.key for b in run.bars}
        check('rescan-same-bars-as-boot', bool(after) and before == after,
              '%d before, %d after%s' % (len(before), len(after), ''.join(
                  ', %s BAR %d %s' % (k[0], k[1], 'gone' if k in before
                                      else 'new')
                  for k in sorted(before ^ after))))

    if args.expect_aligned is not None:
        align = args.expect_aligned
        small = [b for b in run.bars if b.assigned and b.idx <= ROM_INDEX and
                 not b.shadow_rom and b.size < align]
        bad = [b for b in small if b.start % align]
        check('bars-below-0x%x-aligned' % align, bool(small) and not bad,
              '%d BARs%s' % (len(small), ''.join(
                  ', %s %s at 0x%x' % (b.bdf, b.name, b.start)
                  for b in bad)))

    if args.expect_hotplug is not None:
        want = args.expect_hotplug
        hp = run.hotplug[-1] if run.hotplug else {}
        got = int(hp.get('after', 0)) - int(hp.get('before', 0))
        check('hotplug-%d-devices' % want,
              hp.get('result') == 'ok' and got == want,
              'no HOTPLUG line' if not hp else '%d new after %s ms, %s' % (
                  got, hp.get('ms'), hp.get('result')))
        old = {b.bdf for b in run.reports['boot']}
        new = sorted({b.bdf for b in run.bars if b.bdf not in old and
                      b.idx < ROM_INDEX and (b.hwsize or b.size)})
        check('hotplug-new-devices-with-memory-bars==%d' % want,
              len(new) == want, 'got %d: %s' % (len(new), ' '.join(new)))

    if args.expect_realloc:
        lines = [line for line in run.klog if REALLOC_LOG_RE.search(line)]
        for line in lines[:args.log_lines]:
            print('  log: %s' % line.strip())
        if len(lines) > args.log_lines:
            print('  log: ... %d more' % (len(lines) - args.log_lines))
        retries = [line for line in run.klog if RETRY_RE.search(line)]
        check('realloc-retried', bool(retries),
              '%d "No. N try to assign unassigned res" line(s)' %
              len(retries))
        released = []
        for line in run.klog:
            m = RELEASE_CHILD_RE.search(line)
            if m and int(m.group(2), 16) - int(m.group(1), 16) + 1 < small_size:
                released.append(line)
        check('small-bar-released-with-window', bool(released),
              '%d "release child resource" line(s) for < 0x%x' % (
                  len(released), small_size))
        after = klog_after(run.klog, RETRY_RE.pattern)
        keys = small_assigned(after[1], small_size) if after else []
        check('small-bar-assigned-after-retry', bool(keys),
              '%d BAR(s) < 0x%x%s' % (len(keys), small_size, ''.join(
                  ', %s %s' % (k[0], 'ROM' if k[1] == ROM_INDEX
                               else 'BAR %d' % k[1]) for k in keys[:8])))

    for regex in args.expect_assigned_after:
        after = klog_after(run.klog, regex)
        keys = small_assigned(after[1], small_size) if after else []
        if after:
            print('  log: %s' % after[0].strip())
        check('small-bar-assigned-after-"%s"' % regex, bool(keys),
              'no line matches' if not after else '%d BAR(s) < 0x%x%s' % (
                  len(keys), small_size, ''.join(
                      ', %s %s' % (k[0], 'ROM' if k[1] == ROM_INDEX
                                   else 'BAR %d' % k[1])
                      for k in keys[:8])))

    if args.expect_align_warnings is not None:
        align = args.expect_align_warnings
        warn_re = re.compile(args.warn_re)
        lines = [line for line in run.klog if warn_re.search(line) and
                 not CMDLINE_RE.search(line)]
        for line in lines[:args.log_lines]:
            print('  warning: %s' % line.strip())
        unal = {b.key for b in run.bars if b.assigned and b.idx <= ROM_INDEX
                and not b.shadow_rom and b.start % align}
        warned, unnamed = [], []
        for line in lines:
            m, n = BDF_RE.search(line), BARNAME_RE.search(line)
            if m and n:
                warned.append((m.group(1), ROM_INDEX if n.group(2)
                               else int(n.group(1))))
            else:
                unnamed.append(line)
        check('warnings==unaligned-bars-at-0x%x' % align,
              bool(unal) and len(lines) == len(unal),
              '%d warning line(s), %d BAR(s) not '
              '0x%x-aligned' % (len(lines), len(unal), align))
        check('each-warning-names-a-bar', not unnamed, '%d without BDF and '
              'BAR%s' % (len(unnamed), ': ' + unnamed[0].strip()
                         if unnamed else ''))
        diff = set(warned) ^ unal
        check('warned-bars==unaligned-bars', not diff and
              len(warned) == len(set(warned)), '%d warned%s' % (
                  len(warned), ''.join(
                      ', %s %s %s' % (k[0], 'ROM' if k[1] == ROM_INDEX else
                                      'BAR %d' % k[1], 'unaligned, no warning'
                                      if k in unal else 'warned, aligned')
                      for k in sorted(diff))))

    for want in args.expect_log:
        hits = [line for line in run.klog if want in line]
        check('log-has-"%s"' % want, bool(hits), '%d line(s)' % len(hits))
    return all(checks)


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument('logs', nargs='+', metavar='LOG')
    ap.add_argument('--ref', metavar='LOG',
                    help='reference run for "moved" (default: firmware '
                         'placement printed at enumeration)')
    ap.add_argument('--label', help='name used in verdict/check lines '
                    '(default: log file name)')
    ap.add_argument('--page-size', type=int,
                    help="page size for shared_pages_<N> (default: the "
                    "guest's PAGE_SIZE if reported, else 4096)")
    ap.add_argument('--expect-shared-min', type=int)
    ap.add_argument('--expect-shared', type=int)
    ap.add_argument('--expect-shared-os', type=int, metavar='N',
                    help='pages of --page-size shared by devices == N')
    ap.add_argument('--expect-inflated', type=int)
    ap.add_argument('--expect-moved', type=int)
    ap.add_argument('--expect-unassigned', type=int)
    ap.add_argument('--expect-param-error', metavar='PART',
                    help='exactly one kernel log line (besides the command '
                         'line echo) mentions resource_alignment and it '
                         'contains PART')
    ap.add_argument('--expect-param-ok', action='store_true',
                    help='no kernel log line reports a resource_alignment '
                         'error (parse failure, ignored parameter)')
    ap.add_argument('--report', default='boot', metavar='NAME',
                    help='guest report to analyze (default boot)')
    ap.add_argument('--expect-dev-align', action='append', default=[],
                    metavar='BDF:ALIGN',
                    help='every BAR of BDF smaller than ALIGN is inflated '
                         'to ALIGN, all its BARs are ALIGN-aligned, and no '
                         'other device has an inflated BAR (repeatable)')
    ap.add_argument('--expect-moved-unaligned', type=lambda v: int(v, 0),
                    metavar='ALIGN',
                    help='the moved BARs (vs firmware) are exactly those '
                         'whose firmware address is not ALIGN-aligned, and '
                         'there is at least one')
    ap.add_argument('--expect-mem-decoding', action='store_true',
                    help='every device with an assigned memory BAR has '
                         'PCI_COMMAND_MEMORY set (PCICMD lines)')
    ap.add_argument('--cmd-ref', metavar='LOG',
                    help='no device has memory/I/O decoding off that had '
                         'it on in LOG (PCICMD lines)')
    ap.add_argument('--expect-rescan', action='store_true',
                    help='the guest rescan steps (RESCAN lines) succeeded '
                         'and the report has the same BARs as the boot one')
    ap.add_argument('--expect-log', action='append', default=[],
                    metavar='TEXT', help='some kernel log line contains '
                    'TEXT (repeatable)')
    ap.add_argument('--expect-aligned', type=lambda v: int(v, 0),
                    metavar='ALIGN', help='every assigned memory BAR/ROM '
                    'smaller than ALIGN starts at a multiple of ALIGN')
    ap.add_argument('--expect-hotplug', type=int, metavar='N',
                    help='the guest saw exactly N devices hot-added (HOTPLUG '
                         'line) and the report has N devices with memory '
                         'BARs that the boot report did not have')
    ap.add_argument('--expect-realloc', action='store_true',
                    help='the kernel log shows a resource retry ("No. N try '
                         'to assign unassigned res"), a small BAR (see '
                         '--small) released with its bridge window '
                         '("release child resource") and a small BAR '
                         'assigned after the retry; prints those log lines')
    ap.add_argument('--expect-assigned-after', action='append', default=[],
                    metavar='REGEX', help='a small BAR (see --small) is '
                    'assigned after the first kernel log line matching '
                    'REGEX (repeatable)')
    ap.add_argument('--small', type=lambda v: int(v, 0), default=4096,
                    metavar='SIZE', help='"small BAR" for --expect-realloc '
                    'and --expect-assigned-after: smaller than SIZE '
                    '(default 4096)')
    ap.add_argument('--expect-align-warnings', type=lambda v: int(v, 0),
                    metavar='ALIGN', help='the kernel log lines matching '
                    '--warn-re are exactly one per assigned memory BAR/ROM '
                    'whose address is not ALIGN-aligned, each naming its '
                    'BDF and BAR, and there is at least one such BAR')
    ap.add_argument('--warn-re', metavar='REGEX', default='$^',
                    help='regular expression of the warning for '
                         '--expect-align-warnings')
    ap.add_argument('--log-lines', type=int, default=40, metavar='N',
                    help='print at most N matching log lines (default 40)')
    ap.add_argument('--sysfs', action='store_true',
                    help='turn the guest sysfs test results (SYSFS lines) '
                         'into checks')
    args = ap.parse_args()

    try:
        ref = Run(args.ref) if args.ref else None
        cmd_ref = Run(args.cmd_ref).cmd if args.cmd_ref else None
        runs = [Run(p, args.report) for p in args.logs]
    except OSError as e:
        print('analyze.py: %s' % e, file=sys.stderr)
        return 2
    ok = True
    for run in runs:
        label = args.label or os.path.basename(run.path)
        if len(runs) > 1 and args.label:
            label += ':' + os.path.basename(run.path)
        ok &= analyze(run, ref, cmd_ref, args, label)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
