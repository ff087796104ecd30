# SPDX-License-Identifier: GPL-2.0
"""What a boot must show: the expectation vocabulary of scenarios/.

A scenario's boot gives expect={key: value, ...}; check() turns each key
into one or more KTAP results named "<label> <check>", in the order of
ORDER (the same names the checks had before the harness was reshaped).
Every boot is also checked for completing (run-completed), for a clean
kernel log (no-oops-bug-warning) and for no address decoded by two
devices (no-overlapping-decode: the guest's last step enables every
device and reads its PCI_COMMAND and BARs from config space, see
analyze.decode_overlaps(); the check fails without that report).  Options that are not checks: small
(the "small BAR" size, default 4096), page_size, warn_re, log_lines.

  shared_min N, shared N      4 KiB pages shared by devices (>= N, == N)
  shared_os N                 guest-PAGE_SIZE (or page_size) pages, == N
  inflated N, moved N, unassigned N
  param_error PART            exactly one kernel line (besides the command
                              line echo) mentions resource_alignment, and
                              it contains PART
  param_ok                    no resource_alignment error line
  sysfs                       the guest's sysfs bad-input results (SYSFS)
  dev_align [BDF:ALIGN]       BDF's BARs < ALIGN inflated to ALIGN, all
                              ALIGN-aligned; no other device inflated
  moved_unaligned ALIGN       the moved BARs are exactly those the
                              firmware put on an address not ALIGN-aligned
  mem_decoding                PCI_COMMAND_MEMORY on every device with an
                              assigned memory BAR
  cmd_ref BOOT                no device lost memory/I/O decoding vs BOOT
  same_devices BOOT           the same devices (bdf, vendor:device) as
                              BOOT, each with the same driver (PCIDRV)
  stock BOOT                  no parameter = stock: against BOOT (the
                              unpatched base, same machine, config and
                              topology), the same BARs and bridge windows
                              (start, end, flags, from sysfs), the same
                              devices and drivers, and
                              the same PCI core log lines (bridge windows
                              included; timestamps masked)
  kept_assigned BOOT          every BAR (memory, I/O, ROM, IOV) with an
                              address in BOOT has one here too
  rescan                      the guest's RESCAN steps worked and the
                              report has the boot report's BARs
  aligned ALIGN               every assigned BAR/ROM < ALIGN is aligned
  hotplug N                   N devices hot-added, N new with memory BARs
  realloc                     a retry, a small BAR released with its
                              window and assigned again after the retry
  assigned_after [REGEX]      a small BAR assigned after the first log
                              line matching REGEX
  align_warnings ALIGN        one warn_re line per BAR not ALIGN-aligned
                              (and at least warn_min such BARs, default 1),
                              naming it
  log [TEXT]                  some kernel line contains TEXT
  log_re [REGEX]              some kernel line matches REGEX
  absent {NAME: TEXT}         no kernel line contains TEXT (check NAME)
  sysfs_value VALUE           /sys/bus/pci/resource_alignment read VALUE
  same_shared_as BOOT         as many shared pages as BOOT
  sriov N, sriov_ref BOOT     SR-IOV: see sriov_checks()
  host_ok                     every QMP command of the host side worked
  program PATH                the output of pcialign.run=PATH is checked
                              by the following keys:
  ktap_checks                 its KTAP header is a check, and its KTAP is
                              nested as it is (test "<label> ktap")
  ktap {TEST: ok|skip|not ok} the result of kselftest TEST
  rc N                        its exit status
  lists_shared PAGE|(PAGE, N) it lists as many shared PAGE-byte pages
                              as the analyzer counts (and at least N)
  lists_shared_min N          it lists at least N shared 4 KiB pages
  lists_none                  it lists no shared page
  page_size_is N              the guest's PAGE_SIZE
  ktap_has {NAME: REGEX}      a line of its output matches REGEX
  names_warned                the BARs it reports unaligned are exactly
                              those the kernel warned about
  vfio all|none               vfiocheck: every BAR mmap-able / at least
                              one not
  vfio_why N                  vfio-pci logs "not mmap-able ...
                              pci=resource_alignment=all" exactly N
                              times (v4: once per open of the device; v5:
                              once while vfio-pci has it) for each
                              BAR vfiocheck found without mmap and never
                              for the others; each line gives the BAR's
                              range from the boot's table and names a
                              resource of that table in the same page with
                              its range, or says that the BAR doesn't start
                              a page, which must be true
  debug_reports N             the debug kernel's reports (guest/init/
                              debug.c, analyze.Run.debug_reports()): the
                              guest's kept kernel records (every record of
                              level <= warning of the whole boot, also
                              after the dump) are there and complete, and
                              kmemleak was scanned (option kmemleak=False:
                              not required, for a kernel without it); one
                              check per kind, each == N: kasan, ubsan,
                              lockdep (circular/recursive locking,
                              inconsistent lock state, lock held when
                              returning, suspicious RCU, ...),
                              atomic-sleep (sleeping function called from
                              invalid context), bug ("BUG: "), warning
                              ("WARNING: "), odebug, kmemleak
                              (unreferenced objects after two scans);
                              option debug_known {NAME: REGEX}: a report
                              whose text matches REGEX is a diagnostic,
                              not counted (a known report of code outside
                              the series, see scenarios/debug.py)
  race {...}                  scenarios/race.py's checks (guest/init/
                              race.c): see e_race()
"""

import difflib
import os
import re

from .analyze import (ALIGN_MSG_RE, BAD_RE, BARNAME_RE, BDF_RE, CMD_DECODE,
                      CMD_MEMORY, CMDLINE_RE, ERROR_RE, IOV_FIRST,
                      PARAM_ERR_RE, RELEASE_CHILD_RE, REALLOC_LOG_RE,
                      RETRY_RE, ROM_INDEX, SRIOV_CTRL_VFE_MSE, Run,
                      decode_overlaps, decoded_ranges, klog_after,
                      report_blocks, rid,
                      small_assigned, sriov_layout)

def sriov_checks(run, want, check, note):
    """sriov=N: see EXPECTATIONS"""
    sr = run.sriov
    pf = sr['pf']
    if not pf:
        check('sriov-pf-found', False, 'no SRIOV-PF line; %s' % '; '.join(
            '%s %d %s' % st for st in sr['steps']))
        return
    cap, hw = sr['cap'], sr['hwbars']
    note('  sriov: PF %s %s, capability %s' % (pf, sr.get('ids'), ' '.join(
        '%s=%s' % (k, hex(v) if k in ('pos', 'ctrl', 'vfdid') else v)
        for k, v in cap.items())))
    for i, (size, kind) in sorted(hw.items()):
        note('  sriov: hardware VF BAR %d: 0x%x %s' % (i, size, kind))
    for name, ret, detail in sr['steps']:
        note('  sriov: step %s %d %s' % (name, ret, detail))
    for when in ('before', 'after'):
        note('  sriov: %s sriov_numvfs: PF command 0x%04x, SR-IOV control '
              '0x%04x' % (when, sr['cmd'].get(when, -1),
                          sr['ctrl'].get(when, -1)))
    mark = klog_after(run.klog, r'pcialign: sriov$')
    after = mark[1] if mark else []
    for line in after:
        note('  log: %s' % line.strip())

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



# the keys whose value names another boot of the scenario (an earlier one)
REFS = ('ref', 'cmd_ref', 'sriov_ref', 'same_shared_as', 'same_devices',
        'kept_assigned', 'stock')
OPTIONS = ('small', 'page_size', 'warn_re', 'warn_min', 'log_lines', 'report', 'ref',
           'label', 'kmemleak', 'debug_known')
ORDER = ('shared_min', 'shared', 'shared_os', 'inflated', 'moved',
         'unassigned', 'param_error', 'param_ok', 'sysfs', 'dev_align',
         'moved_unaligned', 'mem_decoding', 'cmd_ref', 'same_devices',
         'kept_assigned', 'stock', 'rescan', 'aligned', 'hotplug', 'realloc',
         'assigned_after', 'align_warnings', 'log', 'log_re', 'absent', 'sysfs_value', 'same_shared_as', 'sriov', 'sriov_ref',
         'host_ok', 'program', 'ktap_checks', 'ktap', 'rc', 'lists_shared',
         'lists_shared_min', 'lists_none', 'page_size_is', 'ktap_has',
         'names_warned', 'vfio', 'vfio_why', 'race', 'debug_reports')
TESTDEV = '1b36:0005'
WARNED_RE = re.compile(r'pci ([0-9a-f:.]+): BAR (\d) .*assigned without '
                       r'requested alignment')


def unknown_keys(expect):
    return sorted(set(expect) - set(ORDER) - set(OPTIONS))


class Ctx:
    def __init__(self, test, label, run, verdict, refs, opts):
        self.test, self.label, self.run, self.v = test, label, run, verdict
        self.refs = refs            # boot name -> Run
        self.opts = opts

    def check(self, name, ok, detail=''):
        return self.test.check(ok, '%s %s' % (self.label, name), detail)

    def note(self, text):
        self.test.note(text)

    def ref(self, name):
        return self.refs.get(name)


def check(test, label, run, verdict, expect, refs):
    """Add the checks of EXPECT for RUN (verdict VERDICT) to TEST."""
    bad = unknown_keys(expect)
    if bad:
        raise SystemExit('%s: unknown expectation(s) %s' % (label, bad))
    opts = {'small': 4096, 'log_lines': 40, 'warn_re': '$^', 'warn_min': 1,
            'kmemleak': True, 'debug_known': {}}
    opts.update({k: v for k, v in expect.items() if k in OPTIONS})
    c = Ctx(test, label, run, verdict, refs, opts)
    c.check('run-completed', run.started and run.ended and bool(run.bars),
            'timeout' if run.timeout else
            '%d BARs' % len(run.bars) if run.ended else 'no end marker')
    # the lines of known reports (debug_known) are shown by debug_reports
    skip = {j for i, end, name in report_blocks(run.klog, opts['debug_known'])
            if name for j in range(i, end)}
    bad = [line for j, line in enumerate(run.klog) if BAD_RE.search(line)
           and j not in skip]
    c.check('no-oops-bug-warning', not bad, bad[0].strip() if bad else '')
    no_overlapping_decode(c)
    c.prog = None
    for key in ORDER:
        if key in expect:
            CHECKS[key](c, expect[key])


def no_overlapping_decode(c):
    """No two different devices of one domain decode the same address
    (the guest's decode section; see analyze.decode_overlaps())"""
    d = c.run.decode
    name = 'no-overlapping-decode'
    if not d or not d['ended']:
        c.check(name, False, 'no decode report (PCIDECODE-END) in the log'
                if not d or not d['begun'] else 'decode report cut short')
        return
    # writing "1" to enable: -EBUSY where a driver is bound, other errors
    # (e.g. -EINVAL: a BAR without an address) are shown, not failed
    failed = [kv for kv in sorted(d['enable'].items()) if kv[1] != 'ok']
    if failed:
        c.note('  enable: %d of %d failed: %s%s' % (
            len(failed), len(d['enable']), ', '.join(
                '%s %s' % kv for kv in failed[:16]),
            ', ...' if len(failed) > 16 else ''))
    pairs = decode_overlaps(c.run)
    ranges = decoded_ranges(c.run)
    detail = '%d devices, %d decoded ranges, %d overlapping pair(s)' % (
        len(d['devs']), len(ranges), len(pairs))
    for (a, b), hits in sorted(pairs.items())[:8]:
        kind, ra, rb = hits[0]
        detail += '; %s %s [%s 0x%x-0x%x] and %s %s [%s 0x%x-0x%x]' % (
            a, ra[4], kind, ra[2], ra[3], b, rb[4], kind, rb[2], rb[3])
    if d['n'] != len(d['devs']):
        detail += '; %s devices in sysfs, %d reported' % (d['n'],
                                                          len(d['devs']))
    if d['errors']:
        detail += '; %d error(s): %s' % (len(d['errors']),
                                         d['errors'][0].strip())
    c.check(name, not pairs and not d['errors'] and bool(d['devs']) and
            d['n'] == len(d['devs']), detail)


def _count(name, op):
    def f(c, want):
        v = c.v
        val = {'shared': len(v.shared), 'shared_os': len(v.shared_os),
               'inflated': len(v.inflated), 'moved': len(v.moved),
               'unassigned': len(v.unassigned)}[name]
        label = {'shared': 'shared_pages',
                 'shared_os': 'shared_pages_%d' % v.page_os}.get(name, name)
        ok = val >= want if op == '>=' else val == want
        c.check('%s%s%d' % (label, op, want), ok, 'got %d' % val)
    return f


def e_param_error(c, part):
    lines = [line for line in c.run.klog if 'resource_alignment' in line
             and not CMDLINE_RE.search(line)]
    for line in lines:
        c.note('  log: %s' % line.strip())
    c.check('one-resource_alignment-log-line', len(lines) == 1,
            'got %d' % len(lines))
    c.check('log-line-names-%s' % (part.replace(' ', '_') or '""'),
            len(lines) == 1 and part in lines[0], 'wanted "%s"' % part)


def e_param_ok(c, _):
    lines = [line for line in c.run.klog if 'resource_alignment' in line
             and not CMDLINE_RE.search(line) and PARAM_ERR_RE.search(line)]
    c.check('resource_alignment-accepted', not lines,
            '%d error line(s), first: %s' % (len(lines), lines[0].strip())
            if lines else '')


def e_sysfs(c, _):
    run = c.run
    fails = [s for s in run.sysfs if s.split()[1] != 'PASS']
    for s in run.sysfs:
        f = s.split(None, 2)
        c.check('sysfs %s' % f[2], f[1] == 'PASS')
    c.check('sysfs-test-ran', bool(run.sysfs), '%d results, %d failed' % (
        len(run.sysfs), len(fails)))


def e_dev_align(c, specs):
    run, inflated = c.run, c.v.inflated
    for spec in specs:
        bdf, align = spec.rsplit(':', 1)
        align = int(align, 0)
        mine = [b for b in run.bars if b.bdf == bdf and b.assigned and
                not b.shadow_rom and b.hwsize]
        small = [b for b in mine if b.hwsize < align]
        bad = [b for b in small if b.size != align]
        c.check('%s-small-bars-inflated-to-0x%x' % (bdf, align),
                bool(small) and not bad, '%d BARs < 0x%x%s' % (
                    len(small), align, ''.join(
                        ', %s size 0x%x' % (b.name, b.size) for b in bad)))
        bad = [b for b in mine if b.start % align]
        c.check('%s-bars-0x%x-aligned' % (bdf, align), bool(mine) and not bad,
                '%d BARs%s' % (len(mine), ''.join(
                    ', %s at 0x%x' % (b.name, b.start) for b in bad)))
    named = {spec.rsplit(':', 1)[0] for spec in specs}
    other = [b for b in inflated if b.bdf not in named]
    c.check('inflated-outside-named==0', not other, 'got %d%s' % (
        len(other), ''.join(', %s %s' % (b.bdf, b.name) for b in other)))


def e_moved_unaligned(c, align):
    run = c.run
    fw = run.firmware_placement()
    unal = {b.key for b in run.bars if not b.shadow_rom and
            fw.get(b.key) and fw[b.key] % align}
    mv = {m[0] for m in c.v.moved}
    detail = '%d firmware addresses not 0x%x-aligned, %d moved' % (
        len(unal), align, len(mv))
    for key in sorted(unal ^ mv):
        detail += ', %s BAR %d %s' % (
            key[0], key[1], 'not moved' if key in unal else
            'moved although aligned')
    c.check('moved==unaligned-at-0x%x' % align, bool(unal) and unal == mv,
            detail)


def e_mem_decoding(c, _):
    run = c.run
    # A VF's memory space enable is the PF's VF MSE bit
    devs = sorted({b.bdf for b in run.bars if b.idx < ROM_INDEX and
                   b.assigned and b.hwsize and not b.vf})
    off = [d for d in devs if not run.cmd.get(d, 0) & CMD_MEMORY]
    c.check('memory-decoding-on', bool(devs) and not off,
            '%d devices with memory BARs%s' % (len(devs), ''.join(
                ', %s command 0x%04x' % (d, run.cmd.get(d, 0))
                for d in off)))


def e_cmd_ref(c, boot):
    ref = c.ref(boot)
    if ref is None:
        c.check('no-decoding-lost (no reference boot %s)' % boot, False)
        return
    run, cmd_ref = c.run, ref.cmd
    lost = [(d, v, run.cmd.get(d)) for d, v in sorted(cmd_ref.items())
            if run.cmd.get(d) is None or v & 0x3 & ~run.cmd[d]]
    c.check('no-decoding-lost-vs-%s' % os.path.basename(ref.path),
            bool(cmd_ref) and not lost, '%d devices compared%s' % (
                len(cmd_ref), ''.join(
                    ', %s 0x%04x -> %s' % (d, v, 'missing' if n is None
                                           else '0x%04x' % n)
                    for d, v, n in lost)))


def _ref_or_fail(c, boot, name):
    """reference boot BOOT, read at the report C is checking (a remove or
    hot-add report is compared with the same report of the reference)"""
    ref = c.ref(boot)
    if ref is None:
        c.check('%s (no reference boot %s)' % (name, boot), False)
    elif ref.report != c.run.report:
        ref = Run(ref.path, c.run.report)
    return ref


def e_same_devices(c, boot):
    ref = _ref_or_fail(c, boot, 'same-devices-and-drivers')
    if ref is None:
        return
    mine, theirs = c.run.drivers, ref.drivers
    diff = []
    for bdf in sorted(set(mine) | set(theirs)):
        a, b = mine.get(bdf), theirs.get(bdf)
        if a is None:
            diff.append('%s %s missing' % (bdf, b[0]))
        elif b is None:
            diff.append('%s %s new' % (bdf, a[0]))
        elif a[0] != b[0]:
            diff.append('%s is %s, was %s' % (bdf, a[0], b[0]))
        elif a[1] != b[1]:
            diff.append('%s driver %s, was %s' % (bdf, a[1], b[1]))
    c.check('same-devices-and-drivers-as-%s' % boot,
            bool(theirs) and bool(mine) and not diff,
            '%d devices, %d bound (reference %d, %d)%s' % (
                len(mine), len([1 for v in mine.values() if v[1] != '-']),
                len(theirs), len([1 for v in theirs.values() if v[1] != '-']),
                ''.join(', ' + x for x in diff[:8]) +
                ('' if not mine and not theirs else
                 ', no PCIDRV lines' if not mine or not theirs else '')))


PCI_LOG_RE = re.compile(r'^(?:<\d+>)?\[\s*\d+\.\d+\] ((?:pci|pci_bus|pcieport|'
                        r'PCI|pci-host-generic|shpchp|pciehp|acpiphp)\b.*)$')


def pci_log(run):
    """The PCI core's log lines of RUN, without their timestamps."""
    return [m.group(1).rstrip() for m in map(PCI_LOG_RE.match, run.klog) if m]


def e_stock(c, boot):
    ref = _ref_or_fail(c, boot, 'same-as-stock')
    if ref is None:
        return

    def res(run):
        return sorted(['%s %s %d [0x%x-0x%x] flags 0x%x' % (
            kind, b.bdf, b.idx, b.start, b.end, b.flags)
            for kind, bars in (('mem', run.bars), ('io', run.iobars))
            for b in bars] + ['window %s %d [0x%x-0x%x] flags 0x%x' % w
                              for w in run.windows])
    for name, mine, theirs in (('bars-and-windows', res(c.run), res(ref)),
                               ('pci-log', pci_log(c.run), pci_log(ref))):
        diff = [d for d in difflib.unified_diff(theirs, mine, boot, c.label,
                                                n=0, lineterm='')
                if d[:1] in '+-' and d[:3] not in ('+++', '---')]
        c.check('same-%s-as-%s' % (name, boot), bool(mine) and not diff,
                '%d lines (%s: %d)%s' % (len(mine), boot, len(theirs), ''.join(
                    '\n    ' + d for d in diff[:c.opts['log_lines']])))
    e_same_devices(c, boot)


def e_kept_assigned(c, boot):
    ref = _ref_or_fail(c, boot, 'kept-assigned')
    if ref is None:
        return
    def keyed(run):
        return [(('mem', b.key), b) for b in run.bars] + \
            [(('io', b.key), b) for b in run.iobars]
    mine = dict(keyed(c.run))
    had = [(k, b) for k, b in keyed(ref) if b.assigned]
    lost = [(k, b) for k, b in had if k not in mine or not mine[k].assigned]
    c.check('kept-assigned-as-%s' % boot, bool(had) and not lost,
            '%d BARs assigned in %s%s' % (len(had), boot, ''.join(
                ', %s %s%s [0x%x-0x%x] %s' % (
                    b.bdf, 'I/O ' if k[0] == 'io' else '', b.name, b.start,
                    b.end, 'unassigned' if k in mine else 'missing')
                for k, b in lost[:8])))


def e_rescan(c, _):
    run = c.run
    removed = [r for r in run.rescan if r[0] == 'remove']
    bad = [r for r in run.rescan if r[-1] != '0']
    c.check('rescan-steps', bool(removed) and not bad and
            any(r[0] == 'rescan' for r in run.rescan),
            '%d devices removed%s' % (len(removed), ''.join(
                ', %s' % ' '.join(r) for r in bad)))
    before = {b.key for b in run.reports['boot']}
    after = {b.key for b in run.bars}
    c.check('rescan-same-bars-as-boot', bool(after) and before == after,
            '%d before, %d after%s' % (len(before), len(after), ''.join(
                ', %s BAR %d %s' % (k[0], k[1], 'gone' if k in before
                                    else 'new')
                for k in sorted(before ^ after))))


def e_aligned(c, align):
    small = [b for b in c.run.bars if b.assigned and b.idx <= ROM_INDEX and
             not b.shadow_rom and not b.vf and b.size < align]
    bad = [b for b in small if b.start % align]
    c.check('bars-below-0x%x-aligned' % align, bool(small) and not bad,
            '%d BARs%s' % (len(small), ''.join(
                ', %s %s at 0x%x' % (b.bdf, b.name, b.start) for b in bad)))


def e_hotplug(c, want):
    run = c.run
    hp = run.hotplug[-1] if run.hotplug else {}
    got = int(hp.get('after', 0)) - int(hp.get('before', 0))
    c.check('hotplug-%d-devices' % want,
            hp.get('result') == 'ok' and got == want,
            'no HOTPLUG line' if not hp else '%d new after %s ms, %s' % (
                got, hp.get('ms'), hp.get('result')))
    old = {b.bdf for b in run.reports['boot']}
    new = sorted({b.bdf for b in run.bars if b.bdf not in old and
                  b.idx < ROM_INDEX and (b.hwsize or b.size)})
    c.check('hotplug-new-devices-with-memory-bars==%d' % want,
            len(new) == want, 'got %d: %s' % (len(new), ' '.join(new)))


def _bar_names(keys):
    return ''.join(', %s %s' % (k[0], 'ROM' if k[1] == ROM_INDEX
                                else 'BAR %d' % k[1]) for k in keys[:8])


def e_realloc(c, _):
    run, small, n = c.run, c.opts['small'], c.opts['log_lines']
    lines = [line for line in run.klog if REALLOC_LOG_RE.search(line)]
    for line in lines[:n]:
        c.note('  log: %s' % line.strip())
    if len(lines) > n:
        c.note('  log: ... %d more' % (len(lines) - n))
    retries = [line for line in run.klog if RETRY_RE.search(line)]
    c.check('realloc-retried', bool(retries),
            '%d "No. N try to assign unassigned res" line(s)' % len(retries))
    released = []
    for line in run.klog:
        m = RELEASE_CHILD_RE.search(line)
        if m and int(m.group(2), 16) - int(m.group(1), 16) + 1 < small:
            released.append(line)
    c.check('small-bar-released-with-window', bool(released),
            '%d "release child resource" line(s) for < 0x%x' % (
                len(released), small))
    after = klog_after(run.klog, RETRY_RE.pattern)
    keys = small_assigned(after[1], small) if after else []
    c.check('small-bar-assigned-after-retry', bool(keys),
            '%d BAR(s) < 0x%x%s' % (len(keys), small, _bar_names(keys)))


def e_assigned_after(c, regexes):
    small = c.opts['small']
    for regex in regexes:
        after = klog_after(c.run.klog, regex)
        keys = small_assigned(after[1], small) if after else []
        if after:
            c.note('  log: %s' % after[0].strip())
        c.check('small-bar-assigned-after-"%s"' % regex, bool(keys),
                'no line matches' if not after else '%d BAR(s) < 0x%x%s' % (
                    len(keys), small, _bar_names(keys)))


def e_align_warnings(c, align):
    run = c.run
    warn_re = re.compile(c.opts['warn_re'])
    lines = [line for line in run.klog if warn_re.search(line) and
             not CMDLINE_RE.search(line)]
    for line in lines[:c.opts['log_lines']]:
        c.note('  warning: %s' % line.strip())
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
    c.check('warnings==unaligned-bars-at-0x%x' % align,
            len(unal) >= c.opts['warn_min'] and len(lines) == len(unal),
            '%d warning line(s), %d BAR(s) not 0x%x-aligned' % (
                len(lines), len(unal), align))
    c.check('each-warning-names-a-bar', not unnamed, '%d without BDF and '
            'BAR%s' % (len(unnamed), ': ' + unnamed[0].strip()
                       if unnamed else ''))
    diff = set(warned) ^ unal
    c.check('warned-bars==unaligned-bars', not diff and
            len(warned) == len(set(warned)), '%d warned%s' % (
                len(warned), ''.join(
                    ', %s %s %s' % (k[0], 'ROM' if k[1] == ROM_INDEX else
                                    'BAR %d' % k[1], 'unaligned, no warning'
                                    if k in unal else 'warned, aligned')
                    for k in sorted(diff))))


def e_log(c, wants):
    for want in wants:
        hits = [line for line in c.run.klog if want in line]
        c.check('log-has-"%s"' % want, bool(hits), '%d line(s)' % len(hits))


def e_log_re(c, regexes):
    for regex in regexes:
        hits = [line for line in c.run.klog if re.search(regex, line)]
        c.check('log-matches-"%s"' % regex, bool(hits),
                '%d line(s)%s' % (len(hits), ', first: ' + hits[0].strip()
                                  if hits else ''))


def e_absent(c, texts):
    for name, text in texts.items():
        hits = [line for line in c.run.klog if text in line]
        c.check(name, not hits, hits[0].strip() if hits else '')


def e_sysfs_value(c, want):
    got = c.run.sysfs_value
    if got is None:
        c.check('sysfs-resource_alignment (not reported by the guest)', False)
    elif got == want:
        c.check('sysfs-resource_alignment="%s"' % want, True)
    else:
        c.check('sysfs-resource_alignment="%s", expected "%s"' % (got, want),
                False)


def e_same_shared_as(c, boot):
    from .analyze import Verdict
    ref = c.ref(boot)
    mine = len(c.v.shared)
    theirs = len(Verdict(ref).shared) if ref else None
    if theirs is not None and mine == theirs:
        c.check('shared_pages=%d as without the option' % mine, True)
    else:
        c.check('shared_pages=%d, without the option %s' % (mine, theirs),
                False)


def e_sriov(c, want):
    sriov_checks(c.run, want, lambda n, ok, d='': c.check(n, ok, d), c.note)


def e_sriov_ref(c, boot):
    ref = c.ref(boot)
    if ref is None:
        c.check('sriov-same-vf-layout (no reference boot %s)' % boot, False)
        return
    from .analyze import Run
    sriov_ref_checks(c.run, Run(ref.path, 'sriov'), os.path.basename(
        ref.path), lambda n, ok, d='': c.check(n, ok, d))


def e_host_ok(c, _):
    host = c.run.path + '.host'
    try:
        with open(host) as f:
            text = f.read()
    except OSError:
        text = ''
    for line in text.splitlines():
        c.note('  host: ' + line)
    c.check('host-device_add', re.search(r'^HOST-RC 0$', text, re.M),
            '' if text else 'no %s' % host)


# -- a program the guest ran (pcialign.run=PATH) -------------------------
def _prog(c):
    out, rc = c.run.runs.get(c.prog, ([], None))
    return out, rc


def e_program(c, path):
    c.prog = path


def _ktap_result(lines, test):
    for line in lines:
        m = re.match(r'^(not ok|ok) \d+ global\.%s( |$)' % re.escape(test),
                     line)
        if m:
            if m.group(1) == 'not ok':
                return 'not ok'
            return 'skip' if '# SKIP' in line else 'ok'
    return ''


def e_ktap_checks(c, _):
    """The program's KTAP nested as it is, as test "<label> ktap"."""
    out, _rc = _prog(c)
    header = any(re.match(r'^K?TAP version', x) for x in out) and \
        any(re.match(r'^1\.\.\d+$', x) for x in out)
    c.check('ktap-header', header, '' if out else 'no output of %s' % c.prog)
    if header:
        c.test.nest('%s ktap' % c.label,
                    out[[bool(re.match(r'^K?TAP version', x))
                         for x in out].index(True):])
    else:
        for line in out:
            c.note('  | ' + line)


def e_ktap(c, wants):
    out, _rc = _prog(c)
    for test, want in wants.items():
        got = _ktap_result(out, test)
        if got == want:
            c.check('%s %s' % (test, want), True)
        else:
            c.check('%s %s' % (test, want), False,
                    'got %s' % (got or 'no result'))


def e_rc(c, want):
    _out, rc = _prog(c)
    c.check('exit-status %d' % want, rc == want, 'got %s' % rc)


def _listed(out, page):
    return [x for x in out if re.match(
        r'^# page 0x[0-9a-f]* \(0x%x bytes\) shared by' % page, x)]


def e_lists_shared(c, page):
    from .analyze import Verdict
    page, least = page if isinstance(page, tuple) else (page, 0)
    out, _rc = _prog(c)
    listed = len(_listed(out, page))
    counted = len(Verdict(c.run, page_size=page).shared_os)
    name = 'lists-shared-pages' if page == 4096 else \
        'lists-shared-%dk-pages' % (page // 1024)
    c.check(name, listed == counted and
            listed >= least,
            'kselftest %d, analyzer %d' % (listed, counted))


def e_lists_shared_min(c, n):
    out, _rc = _prog(c)
    listed = len(_listed(out, 4096))
    c.check('finds-a-shared-page', listed >= n, '%d listed' % listed)


def e_lists_none(c, _):
    out, _rc = _prog(c)
    listed = len([x for x in out if re.match(r'^# page 0x.* shared by', x)])
    c.check('no-shared-page-listed', listed == 0, '%d listed' % listed)


def e_page_size_is(c, n):
    c.check('page-size %d' % n, c.run.page_size == n,
            'got %s' % c.run.page_size)


def e_ktap_has(c, pats):
    out, _rc = _prog(c)
    for name, pat in pats.items():
        c.check(name, any(re.search(pat, x) for x in out))


def e_names_warned(c, _):
    out, _rc = _prog(c)
    warned = sorted({'%s BAR %s' % m.groups() for m in
                     (WARNED_RE.search(x) for x in c.run.klog) if m})
    named = sorted({'%s BAR %s' % m.groups() for m in
                    (re.match(r'^# ([0-9a-f:.]+) BAR (\d) \[.*not aligned to',
                              x) for x in out) if m})
    c.check('names-the-unaligned-bars', bool(warned) and warned == named,
            'kernel warned: %s; kselftest named: %s' % (
                ', '.join(warned) or 'none', ', '.join(named) or 'none'))


def e_vfio(c, mode):
    """vfiocheck's report (guest/vfiocheck.c): see vfio in scenarios"""
    run = c.run
    # /bin/vfiocheck's lines only: another program may run it again
    _out, rc = run.runs.get('/bin/vfiocheck', ([], None))
    vfio = [line.split() for line in _out if line.startswith('VFIO-')]
    for f in vfio:
        c.note('  ' + ' '.join(f))
    # the memory BARs (0-5) of every pci-testdev, from the boot report
    # (before vfiocheck ran)
    tbars = [b for b in run.reports['boot'] if b.ids == TESTDEV]
    want = len([b for b in tbars if b.idx <= 5 and b.hwsize])
    ndev = len({b.bdf for b in tbars})
    c.check('vfiocheck-ran', rc == 0, 'rc=%s' % rc)
    summ = [f for f in vfio if f[0] == 'VFIO-SUMMARY']
    c.check('no-errors', bool(summ) and summ[0][-1] == 'errors=0',
            ' '.join(summ[0]) if summ else 'no VFIO-SUMMARY line')
    bars = []
    for f in vfio:
        if f[0] != 'VFIO-BAR':
            continue
        kv = dict(x.split('=', 1) for x in f[3:] if '=' in x)
        bars.append((kv.get('mmap', '?'), kv.get('mmap_ok', '?')))
    got = len(bars)
    c.check('bar-count', want > 0 and got == want and bool(summ) and
            'devices=%d' % ndev in summ[0] and 'bars=%d' % want in summ[0],
            '%d VFIO-BAR lines, %d testdev memory BARs of %d devices' % (
                got, want, ndev))
    bad = len([1 for m, o in bars if m != o])
    c.check('mmap-consistent', bad == 0, '%d BARs with mmap != mmap_ok' % bad)
    # the access cost (BENCHMARKS.md, "mmap vs. trapped"): a figure for
    # every small BAR, through pread() always, through mmap() exactly
    # where the BAR is mmap-able; no threshold
    small = {(f[1], f[2]): dict(x.split('=', 1) for x in f[3:] if '=' in x)
             for f in vfio if f[0] == 'VFIO-BAR' and
             int(dict(x.split('=', 1) for x in f[3:]
                      if '=' in x).get('size', '0'), 16) < (run.page_size or
                                                           4096)}
    acc = {(f[1], f[2]): dict(x.split('=', 1) for x in f[3:] if '=' in x)
           for f in vfio if f[0] == 'VFIO-ACCESS'}

    def num(v):
        try:
            return float(v) > 0
        except (TypeError, ValueError):
            return False
    bad = [k for k, b in small.items() if k not in acc or
           not num(acc[k].get('pread_ns')) or
           num(acc[k].get('mmap_ns')) != (b.get('mmap') == '1')]
    c.check('access-cost-produced', bool(small) and not bad,
            '%d small BARs, %d VFIO-ACCESS lines%s' % (
                len(small), len(acc), ''.join(
                    ', %s BAR %s: %s' % (k[0], k[1], acc.get(k, 'missing'))
                    for k in bad)))
    if mode == 'all':
        bad = len([1 for m, o in bars if not (m == o == '1')])
        c.check('all-mmap', got > 0 and bad == 0,
                '%d of %d BARs not mmap=1 mmap_ok=1' % (bad, got))
    else:
        bad = len([1 for m, _ in bars if m == '0'])
        c.check('some-nommap', bad >= 1, '%d of %d BARs mmap=0' % (bad, got))


VFIO_WHY_RE = re.compile(
    r'vfio-pci (\S+): BAR (\d) \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)[^\]]*\]: '
    r'not mmap-able, (?:its page also holds (\S+) (?:(BAR \d|ROM|VF BAR \d) )?'
    r'\[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)[^\]]*\]|(it doesn\'t start a page))')


def e_vfio_why(c, want):
    """vfio_why OPENS: vfio-pci's "not mmap-able" line, see EXPECTATIONS"""
    run = c.run
    page = run.page_size or 4096
    out, _ = run.runs.get('/bin/vfiocheck', ([], None))
    bars = {}
    for line in out:
        f = line.split()
        if f and f[0] == 'VFIO-BAR':
            kv = dict(x.split('=', 1) for x in f[3:] if '=' in x)
            bars[(f[1], int(f[2]))] = kv.get('mmap')
    table = {(b.bdf, b.name): b for b in run.reports['boot'] if b.assigned}
    msgs = {}
    for line in run.klog:
        m = VFIO_WHY_RE.search(line)
        if m:
            msgs.setdefault((m.group(1), int(m.group(2))), []).append(m)
    c.check('vfio-why-bars-reported', bool(bars), '%d VFIO-BAR lines' %
            len(bars))
    wrong = []
    for key, mmap in sorted(bars.items()):
        n = len(msgs.get(key, []))
        if n != (want if mmap == '0' else 0):
            wrong.append('%s BAR %d mmap=%s: %d line(s)' % (key + (mmap, n)))
    c.check('vfio-why-%s-for-each-bar-without-mmap' % (
        'once-per-open' if want > 1 else 'once'),
            not wrong, '%d BARs without mmap, %d opens%s' % (
                list(bars.values()).count('0'), want,
                ''.join(', ' + w for w in wrong)))
    stray = sorted(set(msgs) - set(bars))
    c.check('vfio-why-only-for-testdev-bars', not stray,
            ', '.join('%s BAR %d' % k for k in stray))
    bad, named = [], 0
    for (bdf, idx), ms in sorted(msgs.items()):
        b = table.get((bdf, 'BAR %d' % idx))
        m = ms[0]
        if not b or (b.start, b.end) != (int(m.group(3), 16),
                                          int(m.group(4), 16)):
            bad.append('%s BAR %d: not the boot table\'s range' % (bdf, idx))
            continue
        pg = b.start // page
        others = [o for o in table.values() if o is not b and
                  o.start // page <= pg <= o.end // page]
        if m.group(9):
            # true of the BAR (v5 names no neighbour in the part of the
            # page before the BAR: it would need a walk of the resource
            # tree without its lock)
            if b.start % page == 0:
                bad.append('%s BAR %d: "doesn\'t start a page", but it '
                           'does' % (bdf, idx))
            continue
        # the neighbour: "<bdf> BAR n [mem ...]" (v4), or the resource's
        # name (its device) and range as the resource tree has it (v5)
        o = table.get((m.group(5), m.group(6))) if m.group(6) else next(
            (t for t in table.values() if t.bdf == m.group(5) and
             (t.start, t.end) == (int(m.group(7), 16), int(m.group(8), 16))),
            None)
        if not o or (o.start, o.end) != (int(m.group(7), 16),
                                          int(m.group(8), 16)) or \
                o not in others:
            bad.append('%s BAR %d: names %s %s, not a resource in its '
                       'page' % (bdf, idx, m.group(5), m.group(6) or ''))
        else:
            named += 1
    c.check('vfio-why-names-a-neighbour-from-the-bar-table', not bad,
            '%d lines name a neighbour%s' % (named, ''.join(
                '; ' + x for x in bad)))


def e_debug_reports(c, want):
    """The debug kernel's reports, also those after the dump: see
    EXPECTATIONS and guest/init/debug.c"""
    from .analyze import DEBUG_KINDS
    run = c.run
    kw, km = run.klogwarn, run.kmemleak
    c.check('debug-klog-kept', bool(kw) and kw['ended'] and
            kw['lost'] == 0 and not kw['killed'],
            'no PCIALIGN-KLOGWARN section' if not kw else
            '%s records of level <= 4, lost=%s%s%s' % (
                kw['n'], kw['lost'], ', reader killed' if kw['killed']
                else '', '' if kw['ended'] else ', cut short'))
    if c.opts['kmemleak']:
        c.check('debug-kmemleak-scanned', bool(km) and km['ended'] and
                km['objects'] is not None,
                'no PCIALIGN-KMEMLEAK section' if not km else
                'two scans in %s ms, %s object(s)' % (km['ms'],
                                                       km['objects']))
    known = c.opts['debug_known']
    reports = run.debug_reports(known)
    for name, hits in reports['known'].items():
        # shown, not failed: a report of code outside the series, named
        # with where it comes from in the boot's expectations
        c.note('  known report %s (%s): %d%s' % (
            name, known[name], len(hits),
            ''.join('; ' + h.strip() for h in hits[:2])))
    for kind in DEBUG_KINDS:
        hits = reports[kind]
        for line in hits[:4]:
            c.note('  %s: %s' % (kind, line.strip()))
        c.check('debug-%s==%d' % (kind, want), len(hits) == want,
                'got %d%s' % (len(hits), ', first: ' + hits[0].strip()
                              if hits else ''))


def _host_loop(path):
    """{iterations, ok, errors, stopped} of LOG.host's HOST-LOOP line"""
    try:
        with open(path + '.host') as f:
            text = f.read()
    except OSError:
        return {}
    m = re.search(r'^HOST-LOOP (.*)$', text, re.M)
    return dict(kv.split('=', 1) for kv in m.group(1).split()) if m else {}


def e_race(c, want):
    """guest/init/race.c's RACE lines and the host loop (scenarios/
    race.py): want = {'bridge': BDF, 'children': N[, 'host': False: no
    host loop]}"""
    race = c.run.race
    host = _host_loop(c.run.path)
    its = {k: race.get(k, {}).get('iterations', '?')
           for k in ('writer0', 'writer1', 'remover')}
    its['host'] = host.get('iterations', '?') if want.get('host', True) \
        else 'none'
    c.note('RACE-ITERATIONS %s %s' % (c.label, ' '.join(
        '%s=%s' % kv for kv in its.items())))
    for w in ('writer0', 'writer1'):
        r = race.get(w, {})
        c.check('race-%s-ok' % w, bool(r) and int(r['iterations']) > 0 and
                r['errors'] == '0' and int(r['ok']) + int(r['einval']) ==
                int(r['iterations']),
                ' '.join(r.get('words', [])) or 'no RACE %s line' % w)
    r = race.get('remover', {})
    c.check('race-remove-rescan-%s-ok' % want['bridge'],
            bool(r) and int(r['iterations']) > 0 and r['errors'] == '0',
            ' '.join(r.get('words', [])) or 'no RACE remover line')
    if want.get('host', True):
        c.check('race-host-hotadd-remove-ok', bool(host) and
                int(host['iterations']) > 0 and host['errors'] == '0' and
                host['stopped'] == 'marker',
                ' '.join('%s=%s' % kv for kv in host.items()) or
                'no HOST-LOOP line in %s.host' % c.run.path)
    r = race.get('settle', {})
    c.check('race-host-device-gone', bool(r) and r['devices'] == r['boot'],
            ' '.join(r.get('words', [])) or 'no RACE settle line')
    r = race.get('final-write', {})
    c.check('race-final-all-read-back', r.get('ret') == '0' and
            r.get('readback') == '[all]',
            ' '.join(r.get('words', [])) or 'no RACE final-write line')
    r = race.get('final-rescan', {})
    c.check('race-final-rescan', r.get('remove') == '0' and
            r.get('rescan') == '0' and
            r.get('children') == str(want['children']),
            ' '.join(r.get('words', [])) or 'no RACE final-rescan line')
    boot = {d: v[0] for d, v in c.run.drvs['boot'].items()}
    now = {d: v[0] for d, v in c.run.drivers.items()}
    diff = ['%s %s' % (d, 'missing' if d in boot else 'new')
            for d in sorted(set(boot) ^ set(now))] + \
        ['%s %s, was %s' % (d, now[d], boot[d]) for d in sorted(boot)
         if d in now and now[d] != boot[d]]
    c.check('race-same-devices-as-at-boot', bool(boot) and not diff,
            '%d devices at boot, %d at the end%s' % (
                len(boot), len(now), ''.join(', ' + x for x in diff[:8])))


CHECKS = {
    'shared_min': _count('shared', '>='), 'shared': _count('shared', '=='),
    'shared_os': _count('shared_os', '=='),
    'inflated': _count('inflated', '=='), 'moved': _count('moved', '=='),
    'unassigned': _count('unassigned', '=='),
}
CHECKS.update({k: globals()['e_' + k] for k in ORDER if k not in CHECKS})
