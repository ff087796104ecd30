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

VFs (PCIVF lines) are left out of shared_pages and --expect-aligned: their
BARs are carved out of the PF's VF BAR resource (7-12) at fixed offsets
(VF k's BAR i at the start of the PF's resource 7+i plus k times the VF
BAR size), which the kernel can't align, and which counts as a BAR of the
PF.  --expect-sriov checks that they are where they must be.

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
# Kernel log lines that report a problem (--expect-sriov)
ERROR_RE = re.compile(r"can't|cannot|fail|error|not enough|not assigned|"
                      r"not claimed|out of range|invalid|no space|disabl|"
                      r"BUG|WARNING|Oops|bad ", re.IGNORECASE)
# Messages of the alignment code (pci=resource_alignment)
ALIGN_MSG_RE = re.compile(r"requesting alignment|realign|resource_alignment|"
                          r"requested alignment")
IOV_FIRST = 7
CMD_DECODE = 0x7        # PCI_COMMAND_IO | _MEMORY | _MASTER
CMD_MEMORY = 0x2
SRIOV_CTRL_VFE_MSE = 0x9
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
        self.vf = False             # a VF's BAR (PCIVF line)

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
        self.vfs = {'boot': {}}
        self.sriov = {'steps': [], 'hwbars': {}, 'cmd': {}, 'ctrl': {},
                      'vf': {}, 'cap': {}, 'vfs': {}, 'numvfs': {},
                      'pf': None}
        self.page_size = None
        self.parse()
        self.bars = self.reports.get(report, [])
        self.cmd = self.cmds.get(report, {})
        self.vf = self.vfs.get(report, {})
        for b in self.bars:
            b.vf = b.bdf in self.vf

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
                self.vfs.setdefault(cur, {})
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
            elif f[0] == 'PCIVF' and len(f) >= 4:
                self.vfs[cur][f[1]] = (f[2], int(f[3]))
            elif f[0].startswith('SRIOV'):
                self.parse_sriov(f)

    def parse_sriov(self, f):
        """The guest's pcialign.test=sriov lines (see guest/init.c)"""
        sr = self.sriov
        kv = dict(x.split('=', 1) for x in f[1:] if '=' in x)
        if f[0] == 'SRIOV-PF' and len(f) >= 3:
            sr['pf'] = f[1]
            sr['ids'] = f[2]
            sr['want'] = int(kv.get('want', -1))
            sr['enable'] = kv.get('enable') == '1'
        elif f[0] == 'SRIOV-CAP':
            sr['cap'] = {k: int(v, 0) for k, v in kv.items()}
        elif f[0] == 'SRIOV-HWBAR' and len(f) >= 5:
            sr['hwbars'][int(f[2])] = (int(f[3], 16), f[4])
        elif f[0] == 'SRIOV-STEP' and len(f) >= 3:
            sr['steps'].append((f[1], int(f[2]), ' '.join(f[3:])))
        elif f[0] in ('SRIOV-CMD', 'SRIOV-CTRL') and len(f) >= 4:
            sr['cmd' if f[0] == 'SRIOV-CMD' else 'ctrl'][f[1]] = int(f[3], 16)
        elif f[0] == 'SRIOV-VFS':
            sr['vfs'] = dict(kv, result=f[-1])
        elif f[0] == 'SRIOV-VF' and len(f) >= 3:
            sr['vf'][int(f[1])] = f[2]
        elif f[0] == 'SRIOV-NUMVFS':
            sr['numvfs'] = {k: int(v) for k, v in kv.items()}

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
        if not b.assigned or b.shadow_rom or b.vf:
            continue
        for p in range(b.start // page, b.end // page + 1):
            owners.setdefault(p, set()).add(b.bdf)
    return {p: o for p, o in owners.items() if len(o) > 1}


def rid(bdf):
    """Routing ID (bus << 8 | devfn) of a "dddd:bb:dd.f" name"""
    _, bus, df = bdf.split(':')
    dev, fn = df.split('.')
    return int(bus, 16) << 8 | int(dev, 16) << 3 | int(fn)


def sriov_layout(run):
    """{(k, vf, i): (offset in the PF's resource 7+i, size)} and the PF's
    VF BAR resources {i: (start, size)} of a run's report"""
    pf = run.sriov['pf']
    pfres = {b.idx - IOV_FIRST: (b.start, b.size) for b in run.bars
             if b.bdf == pf and b.idx >= IOV_FIRST and b.assigned}
    lay = {}
    for b in run.bars:
        if not b.vf or run.vf[b.bdf][0] != pf:
            continue
        k = run.vf[b.bdf][1]
        base = pfres.get(b.idx, (None, 0))[0]
        lay[(k, b.bdf, b.idx)] = (None if base is None or not b.assigned
                                  else b.start - base, b.size)
    return lay, pfres


def sriov_checks(run, args, check):
    """--expect-sriov N and --sriov-ref LOG"""
    sr = run.sriov
    want = args.expect_sriov
    pf = sr['pf']
    if not pf:
        check('sriov-pf-found', False, 'no SRIOV-PF line; %s' % '; '.join(
            '%s %d %s' % st for st in sr['steps']))
        return
    cap, hw = sr['cap'], sr['hwbars']
    print('  sriov: PF %s %s, capability %s' % (pf, sr.get('ids'), ' '.join(
        '%s=%s' % (k, hex(v) if k in ('pos', 'ctrl', 'vfdid') else v)
        for k, v in cap.items())))
    for i, (size, kind) in sorted(hw.items()):
        print('  sriov: hardware VF BAR %d: 0x%x %s' % (i, size, kind))
    for name, ret, detail in sr['steps']:
        print('  sriov: step %s %d %s' % (name, ret, detail))
    for when in ('before', 'after'):
        print('  sriov: %s sriov_numvfs: PF command 0x%04x, SR-IOV control '
              '0x%04x' % (when, sr['cmd'].get(when, -1),
                          sr['ctrl'].get(when, -1)))
    mark = klog_after(run.klog, r'pcialign: sriov$')
    after = mark[1] if mark else []
    for line in after:
        print('  log: %s' % line.strip())

    bad = [st for st in sr['steps'] if st[1] != 0]
    check('sriov-steps-ok', bool(sr['steps']) and not bad,
          '%d steps%s' % (len(sr['steps']), ''.join(
              ', %s %d %s' % st for st in bad)))
    check('sriov-capability-total>=%d' % want,
          cap.get('total', 0) >= want and cap.get('numvfs', -1) == 0,
          'TotalVFs %s, NumVFs %s before' % (cap.get('total'),
                                              cap.get('numvfs')))
    check('sriov-hw-vf-bars', bool(hw) and all(
        sz >= 4096 and not sz & (sz - 1) for sz, _ in hw.values()),
        '%d memory VF BAR(s) sized through the SR-IOV capability%s' % (
            len(hw), ''.join(', BAR %d 0x%x' % (i, sz)
                             for i, (sz, _) in sorted(hw.items()))))

    vfs = sr['vfs']
    nv = sr['numvfs']
    check('sriov-%d-vfs-enabled' % want,
          vfs.get('result') == 'ok' and int(vfs.get('found', -1)) == want and
          nv.get('sysfs') == want and nv.get('cfg') == want,
          '%s virtfn links after %s ms, sriov_numvfs %s, NumVFs %s' % (
              vfs.get('found'), vfs.get('ms'), nv.get('sysfs'),
              nv.get('cfg')))
    mine = sorted((k, vf) for vf, (p, k) in run.vf.items() if p == pf)
    check('sriov-%d-vfs-in-report' % want,
          [vf for _, vf in mine] == [sr['vf'].get(k) for k in range(want)]
          and len(mine) == want, 'PCIVF: %s; virtfn links: %s' % (
              ' '.join('%d=%s' % m for m in mine) or 'none',
              ' '.join('%d=%s' % kv for kv in sorted(sr['vf'].items()))))
    off, stride = cap.get('offset', 0), cap.get('stride', 0)
    wrong = [(k, vf) for k, vf in mine
             if rid(vf) != rid(pf) + off + k * stride]
    check('sriov-vf-routing-ids', bool(mine) and not wrong,
          'VF k = PF + %d + k * %d%s' % (off, stride, ''.join(
              ', VF %d is %s' % w for w in wrong)))

    lay, pfres = sriov_layout(run)
    total = cap.get('total', 0)
    detail = []
    ok = bool(hw)
    for i, (size, _) in sorted(hw.items()):
        got = pfres.get(i)
        if got is None:
            ok = False
            detail.append('resource %d unassigned' % (IOV_FIRST + i))
        else:
            detail.append('resource %d [0x%x-0x%x] = %d x 0x%x' % (
                IOV_FIRST + i, got[0], got[0] + got[1] - 1, total, size))
            if got[1] != size * total:
                ok = False
                detail[-1] += ' WRONG SIZE 0x%x' % got[1]
    check('sriov-pf-vf-bar-resources', ok, ', '.join(detail))

    detail, ok = [], bool(lay) and set(hw) == {i for _, _, i in lay}
    vfbars = {vf: {i for kk, v, i in lay if v == vf} for _, vf in mine}
    for vf, idx in sorted(vfbars.items()):
        if idx != set(hw):
            ok = False
            detail.append('%s has BARs %s, hardware %s' % (
                vf, sorted(idx), sorted(hw)))
    for (k, vf, i), (offs, size) in sorted(lay.items()):
        hsize = hw.get(i, (None,))[0]
        good = offs is not None and hsize is not None and size == hsize \
            and offs == k * hsize and offs + size <= pfres[i][1]
        ok &= good
        detail.append('%s BAR %d: size 0x%x at PF+0x%s%s' % (
            vf, i, size, '?' if offs is None else '%x' % offs,
            '' if good else ' WRONG (want size 0x%x at PF+0x%x)' % (
                hsize or 0, k * (hsize or 0))))
    check('sriov-vf-bars-inside-pf-vf-bar', ok, '; '.join(detail))

    cb, ca = sr['cmd'].get('before'), sr['cmd'].get('after')
    tb, ta = sr['ctrl'].get('before'), sr['ctrl'].get('after')
    if cb is None or ca is None:
        check('sriov-pf-command', False, 'PCI_COMMAND not read')
    elif sr.get('enable'):
        check('sriov-pf-memory-decoding-on-before', bool(cb & CMD_MEMORY),
              'command 0x%04x' % cb)
        check('sriov-pf-decoding-unchanged', cb & CMD_DECODE ==
              ca & CMD_DECODE, 'command 0x%04x -> 0x%04x' % (cb, ca))
    else:
        # Without a driver that enabled the PF, sriov_enable() turns its
        # memory decoding on (pci_enable_resources() of the VF BARs)
        check('sriov-pf-decoding-after==before|memory',
              ca & CMD_DECODE == (cb | CMD_MEMORY) & CMD_DECODE,
              'command 0x%04x -> 0x%04x' % (cb, ca))
    check('sriov-vf-enable-and-vf-mse',
          tb is not None and ta is not None and
          not tb & SRIOV_CTRL_VFE_MSE and
          ta & SRIOV_CTRL_VFE_MSE == SRIOV_CTRL_VFE_MSE,
          'SR-IOV control %s -> %s' % (
              '?' if tb is None else '0x%04x' % tb,
              '?' if ta is None else '0x%04x' % ta))

    errs = [line for line in after if ERROR_RE.search(line)]
    check('sriov-no-error-logged', bool(mark) and not errs,
          'no "pcialign: sriov" mark' if not mark else
          '%d line(s) after "pcialign: sriov"%s' % (
              len(after), ''.join(', ' + e.strip() for e in errs)))
    names = {pf} | {vf for _, vf in mine}
    errs = [line for line in run.klog if ERROR_RE.search(line) and
            not CMDLINE_RE.search(line) and
            set(BDF_RE.findall(line)) & names]
    check('sriov-no-error-naming-pf-or-vfs', not errs,
          '%d line(s)%s' % (len(errs), ''.join(', ' + e.strip()
                                               for e in errs[:4])))
    vfnames = names - {pf}
    msgs = [line for line in run.klog if ALIGN_MSG_RE.search(line) and
            set(BDF_RE.findall(line)) & vfnames]
    check('sriov-alignment-code-leaves-vfs-alone', not msgs,
          '%d line(s)%s' % (len(msgs), ''.join(', ' + m.strip()
                                               for m in msgs[:4])))


def sriov_ref_checks(run, ref, refname, check):
    """--sriov-ref: the same VF layout and PF command values as LOG"""
    lay, pfres = sriov_layout(run)
    rlay, rpfres = sriov_layout(ref)
    diff = sorted(set(lay.items()) ^ set(rlay.items()))
    check('sriov-same-vf-layout-as-%s' % refname,
          bool(lay) and not diff and
          {i: s for i, (_, s) in pfres.items()} ==
          {i: s for i, (_, s) in rpfres.items()},
          '%d VF BARs (offset in the PF VF BAR, size)%s' % (
              len(lay), ''.join(', %s BAR %d: %s' % (
                  k[1], k[2], ('this 0x%x+0x%x' if k in lay and
                               lay[k] == v else 'ref 0x%x+0x%x') % (
                      v[0] or 0, v[1])) for k, v in diff)))
    mine = (run.sriov['cmd'], run.sriov['ctrl'])
    theirs = (ref.sriov['cmd'], ref.sriov['ctrl'])
    check('sriov-same-pf-registers-as-%s' % refname,
          bool(mine[0]) and mine == theirs,
          'command %s, SR-IOV control %s; ref: command %s, control %s' % (
              '/'.join('0x%04x' % mine[0].get(w, -1)
                       for w in ('before', 'after')),
              '/'.join('0x%04x' % mine[1].get(w, -1)
                       for w in ('before', 'after')),
              '/'.join('0x%04x' % theirs[0].get(w, -1)
                       for w in ('before', 'after')),
              '/'.join('0x%04x' % theirs[1].get(w, -1)
                       for w in ('before', 'after'))))


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
        if b.vf:
            notes.append('VF%d-of-%s' % (run.vf[b.bdf][1], run.vf[b.bdf][0]))
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
        # A VF's memory space enable is the PF's VF MSE bit
        devs = sorted({b.bdf for b in run.bars if b.idx < ROM_INDEX and
                       b.assigned and b.hwsize and not b.vf})
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
                 not b.shadow_rom and not b.vf and b.size < align]
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

    if args.expect_sriov is not None:
        sriov_checks(run, args, check)
    if args.sriov_ref:
        sriov_ref_checks(run, Run(args.sriov_ref, args.report),
                         os.path.basename(args.sriov_ref), check)
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
    ap.add_argument('--expect-sriov', type=int, metavar='N',
                    help='pcialign.test=sriov (use with --report sriov): '
                    'the guest steps succeeded, N VFs appeared at the '
                    'routing IDs of the SR-IOV capability, each VF BAR i '
                    'has the hardware VF BAR size and lies in the PF\'s '
                    'resource 7+i at VF index times that size, the PF '
                    'resources are TotalVFs times that size, the PF '
                    'decoding bits are unchanged (with the guest\'s '
                    '"enable": memory on before and after; without: only '
                    'memory turned on), VF Enable and VF MSE are set, no '
                    'kernel error line after "pcialign: sriov" or naming '
                    'the PF or a VF, no alignment message for a VF')
    ap.add_argument('--sriov-ref', metavar='LOG',
                    help='the same VF BAR layout (offsets in the PF VF '
                    'BARs, sizes, VF names) and PF command/SR-IOV control '
                    'values as the sriov report of LOG')
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
