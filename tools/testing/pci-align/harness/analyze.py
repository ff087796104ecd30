# SPDX-License-Identifier: GPL-2.0
"""The analyzer: parse a guest's serial log and compute its verdict.

It knows the guest's report lines (guest/, PCIBAR, PCIIO, PCICMD, PCIVF,
PCIDRV, SRIOV-*, SYSFS, HOTPLUG, RESCAN, VFIO-*, PCIALIGN-RUN-*, the decode
section PCIENABLE/PCIDECODE-*/PCIDEC, the debug sections PCIALIGN-KMEMLEAK-*
and PCIALIGN-KLOGWARN-*, RACE lines) and the kernel's messages,
and no scenario: what a boot must show is in scenarios/, checked by
expect.py.

Verdict figures (Verdict):
  shared_pages  4 KiB pages holding assigned memory BARs of two or more
                different devices (shared_os: the same for the guest's
                PAGE_SIZE or a given page size)
  inflated      assigned BARs whose resource size differs from the size the
                hardware BAR decodes (x86 shadow ROM at 0xc0000 excluded)
  moved         BARs whose address differs from the reference: the PCIBAR
                lines of a reference run, or else the address the kernel
                printed at enumeration (the firmware placement); BARs
                missing from this run count as moved
  unassigned    BARs the hardware implements that have no address
VFs (PCIVF lines) are left out of shared_pages: their BARs are carved out
of the PF's VF BAR resource (7-12) at fixed offsets.

Decode figures (decode_overlaps(), from the guest's last step, see
guest/init/decode.c and pcibars --decode): the ranges each device
decodes as the hardware's registers say (memory BARs with
PCI_COMMAND_MEMORY, I/O BARs with PCI_COMMAND_IO, the ROM with its enable
bit and PCI_COMMAND_MEMORY; a VF's BARs with VF Enable and VF MSE of its
PF; bridge windows never), and the pairs of different devices of one PCI
domain whose ranges overlap.
"""

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
CMD_IO = 0x1
SRIOV_CTRL_VFE_MSE = 0x9
BAD_RE = re.compile(r'(Oops|BUG:|WARNING:|Kernel panic|Unable to handle|'
                    r'Call trace:|general protection fault)')

# The debug kernel's reports (debug_reports()): one header line each
DEBUG_RES = (
    ('kasan', re.compile(r'\bKASAN: ')),
    ('ubsan', re.compile(r'\bUBSAN: ')),
    ('lockdep', re.compile(
        r'possible circular locking|possible recursive locking|'
        r'inconsistent lock state|lock held when returning|'
        r'suspicious RCU usage|bad unlock balance|held lock freed|'
        r'lock held at task exit|DEBUG_LOCKS_WARN_ON')),
    ('atomic-sleep', re.compile(
        r'BUG: sleeping function called from invalid context|'
        r'BUG: scheduling while atomic')),
    ('bug', re.compile(r'\bBUG: ')),
    ('warning', re.compile(r'\bWARNING: ')),
    ('odebug', re.compile(r'\bODEBUG: ')),
)
DEBUG_KINDS = tuple(k for k, _ in DEBUG_RES) + ('kmemleak',)


# The report lines: the one spec of what the guest (and qemu.py, on the
# host side of the serial log) writes and the harness reads.  Each kind is
# the first word of its line: {kind: (the file that writes it, what it
# is)}; tests/test_analyze.py checks that every kind the harness compares
# a line with is here, that its writer writes it, and that every kind the
# guest writes is here or in UNREAD.
LINE_KINDS = {
    'PCIALIGN-START': ('guest/init/main.c', 'the report begins'),
    'PCIALIGN-END': ('guest/init/main.c', 'the guest is done'),
    'PCIALIGN-REPORT': ('guest/init/rescan.c', 'a named report begins'),
    'PCIALIGN-PAGESIZE': ('guest/init/main.c', 'the guest PAGE_SIZE'),
    'PCIALIGN-RESOURCE-ALIGNMENT': ('guest/init/main.c',
                                    'the sysfs resource_alignment value'),
    'PCIALIGN-DMESG-BEGIN': ('guest/init/main.c', 'the kernel log dump'),
    'PCIALIGN-DMESG-END': ('guest/init/main.c', 'its end'),
    'PCIALIGN-RUN-BEGIN': ('guest/init/run.c', 'pcialign.run= output'),
    'PCIALIGN-RUN-END': ('guest/init/run.c', 'its end and exit status'),
    'PCIALIGN-READY': ('guest/init/hotplug.c', 'qemu.py: send on_ready'),
    'PCIALIGN-HOST-STOP': ('guest/init/race.c', 'qemu.py: stop host_loop'),
    'PCIALIGN-KMEMLEAK-BEGIN': ('guest/init/debug.c', 'kmemleak report'),
    'PCIALIGN-KMEMLEAK-END': ('guest/init/debug.c', 'its end'),
    'PCIALIGN-KLOGWARN-BEGIN': ('guest/init/debug.c', 'kept kernel records'),
    'PCIALIGN-KLOGWARN-END': ('guest/init/debug.c', 'their end'),
    'KMEMLEAK': ('guest/init/debug.c', 'a kmemleak line'),
    'KLOG': ('guest/init/debug.c', 'a kept kernel record'),
    'PCIALIGN-TIMEOUT': ('harness/qemu.py', 'the host killed the guest'),
    'PCIALIGN-BOOT-SECONDS': ('harness/qemu.py', 'boot time'),
    'PCIBAR': ('guest/pcibars.c', 'a memory BAR: sysfs + config space'),
    'PCIIO': ('guest/pcibars.c', 'an I/O BAR'),
    'PCIWIN': ('guest/pcibars.c', 'a bridge window'),
    'PCICMD': ('guest/pcibars.c', 'PCI_COMMAND'),
    'PCIDRV': ('guest/pcibars.c', 'the driver bound'),
    'PCIVF': ('guest/pcibars.c', 'a VF and its PF'),
    'PCIENABLE': ('guest/init/decode.c', 'a device enabled'),
    'PCIDECODE-BEGIN': ('guest/pcibars.c', 'what devices decode'),
    'PCIDECODE-END': ('guest/pcibars.c', 'its end'),
    'PCIDEC': ('guest/pcibars.c', 'a decoded range'),
    'PCIDECERR': ('guest/pcibars.c', 'a range that could not be read'),
    'HOTPLUG': ('guest/init/hotplug.c', 'a hot-add result'),
    'RESCAN': ('guest/init/rescan.c', 'a remove/rescan step'),
    'SYSFS': ('guest/init/badinput.c', 'a sysfs write result'),
    'RACE': ('guest/init/race.c', 'a race scenario figure'),
    'SRIOV-PF': ('guest/init/sriov.c', 'the SR-IOV PF'),
    'SRIOV-CAP': ('guest/init/sriov.c', 'its capability'),
    'SRIOV-HWBAR': ('guest/init/sriov.c', 'a VF BAR in hardware'),
    'SRIOV-STEP': ('guest/init/sriov.c', 'a step of enabling VFs'),
    'SRIOV-CMD': ('guest/init/sriov.c', 'PCI_COMMAND of PF/VF'),
    'SRIOV-CTRL': ('guest/init/sriov.c', 'SR-IOV control'),
    'SRIOV-VFS': ('guest/init/sriov.c', 'the VFs'),
    'SRIOV-VF': ('guest/init/sriov.c', 'a VF'),
    'SRIOV-NUMVFS': ('guest/init/sriov.c', 'sriov_numvfs'),
    'VFIO-SUMMARY': ('guest/vfiocheck.c', 'mmap-able BARs of a device'),
    'VFIO-BAR': ('guest/vfiocheck.c', 'a region and its mmap'),
    'VFIO-ACCESS': ('guest/vfiocheck.c', 'the cost of a read'),
    'VFIO-DEV': ('guest/vfiocheck.c', 'a device opened'),
    'VFIO-ERR': ('guest/vfiocheck.c', 'a failed call'),
}
# written for a reader of the serial log, read by no check
UNREAD = ('PCIERR', 'PCIDEVS', 'RESCAN-INFO', 'SYSFS-BEGIN', 'SYSFS-END',
          'SYSFS-KMSG', 'PCIALIGN-RESOURCE-ALIGNMENT-ERROR')


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
        self.drvs = {'boot': {}}    # bdf: (vendor:device, driver or '-')
        self.ioreports = {'boot': []}   # PCIIO lines, as Bar
        # PCIWIN lines: bridge windows (bdf, index, start, end, flags)
        self.winreports = {'boot': []}
        # the decode section: None if the guest printed none
        self.decode = None
        self.sriov = {'steps': [], 'hwbars': {}, 'cmd': {}, 'ctrl': {},
                      'vf': {}, 'cap': {}, 'vfs': {}, 'numvfs': {},
                      'pf': None}
        self.page_size = None
        self.runs = {}              # program: (output lines, rc or None)
        self.vfio = []              # VFIO-* lines
        self.sysfs_value = None     # PCIALIGN-RESOURCE-ALIGNMENT [value]
        # guest/init/debug.c: None if the guest printed no such section
        self.kmemleak = None        # {'lines', 'objects', 'ms', 'ended'}
        self.klogwarn = None        # {'lines': [(level, text)], 'n', 'lost',
        #                              'ended', 'killed'}
        self.race = {}              # RACE <what> key=value ...
        self.parse()
        self.bars = self.reports.get(report, [])
        self.cmd = self.cmds.get(report, {})
        self.vf = self.vfs.get(report, {})
        self.drivers = self.drvs.get(report, {})
        self.iobars = self.ioreports.get(report, [])
        self.windows = self.winreports.get(report, [])
        for b in self.bars:
            b.vf = b.bdf in self.vf

    def parse(self):
        with open(self.path, 'rb') as f:
            text = f.read().decode('utf-8', 'replace')
        in_dmesg = False
        cur = 'boot'
        prog = None
        for raw in text.splitlines():
            line = raw.replace('\r', '').rstrip()
            if line.startswith('PCIALIGN-RUN-BEGIN '):
                prog = line.split()[1]
                self.runs[prog] = ([], None)
                continue
            if line.startswith('PCIALIGN-RUN-END ') and prog:
                rc = line.rsplit('rc=', 1)[-1]
                self.runs[prog] = (self.runs[prog][0],
                                   int(rc) if rc.lstrip('-').isdigit()
                                   else None)
                prog = None
                continue
            if prog:
                self.runs[prog][0].append(line)
            if self.parse_debug(line):
                continue
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
                self.drvs.setdefault(cur, {})
                self.ioreports.setdefault(cur, [])
                self.winreports.setdefault(cur, [])
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
            elif f[0] == 'PCIIO' and len(f) >= 8:
                hw = None if f[6] == '-' else int(f[6], 16)
                self.ioreports[cur].append(Bar(
                    f[1], int(f[2]), int(f[3], 16), int(f[4], 16),
                    int(f[5], 16), hw, f[7]))
            elif f[0] == 'PCIWIN' and len(f) >= 6:
                self.winreports[cur].append((f[1], int(f[2]), int(f[3], 16),
                                             int(f[4], 16), int(f[5], 16)))
            elif f[0] == 'PCIDRV' and len(f) >= 4:
                self.drvs[cur][f[1]] = (f[2], f[3])
            elif f[0] in ('PCIENABLE', 'PCIDECODE-BEGIN', 'PCIDECODE-END',
                          'PCIDEC', 'PCIDECERR'):
                self.parse_decode(f, line)
            elif f[0].startswith('VFIO-'):
                self.vfio.append(f)
            elif f[0] == 'PCIALIGN-RESOURCE-ALIGNMENT' and \
                    self.sysfs_value is None:
                self.sysfs_value = line.split(' ', 1)[1][1:-1] \
                    if ' [' in line else None
            elif f[0] == 'SYSFS' and len(f) >= 3:
                self.sysfs.append(line)
            elif f[0] == 'PCIVF' and len(f) >= 4:
                self.vfs[cur][f[1]] = (f[2], int(f[3]))
            elif f[0].startswith('SRIOV'):
                self.parse_sriov(f)
            elif f[0] == 'RACE' and len(f) >= 2:
                self.race[f[1]] = dict(
                    [kv.split('=', 1) for kv in f[2:] if '=' in kv],
                    words=f[2:])

    def parse_debug(self, line):
        """The sections of guest/init/debug.c; True if LINE is theirs"""
        f = line.split()
        tag = f[0] if f else ''
        if tag == 'PCIALIGN-KMEMLEAK-BEGIN':
            self.kmemleak = {'lines': [], 'objects': 0, 'ms': None,
                             'ended': False}
        elif tag == 'PCIALIGN-KMEMLEAK-END' and self.kmemleak is not None:
            kv = dict(x.split('=', 1) for x in f[2:] if '=' in x)
            self.kmemleak.update(ended=True, objects=int(f[1]) if len(f) > 1
                                 and f[1].isdigit() else None,
                                 ms=int(kv['scan-ms']) if
                                 kv.get('scan-ms', '').isdigit() else None)
        elif tag == 'KMEMLEAK' and self.kmemleak is not None and \
                not self.kmemleak['ended']:
            self.kmemleak['lines'].append(line[len('KMEMLEAK '):])
        elif tag == 'PCIALIGN-KLOGWARN-BEGIN':
            self.klogwarn = {'lines': [], 'n': None, 'lost': None,
                             'ended': False, 'killed': False}
        elif tag == 'PCIALIGN-KLOGWARN-END' and self.klogwarn is not None:
            kv = dict(x.split('=', 1) for x in f[2:] if '=' in x)
            self.klogwarn.update(
                ended=True, n=int(f[1]) if len(f) > 1 and f[1].isdigit()
                else None, lost=int(kv['lost']) if
                kv.get('lost', '').isdigit() else None,
                killed='reader-killed' in f)
        elif tag == 'KLOG' and self.klogwarn is not None and \
                not self.klogwarn['ended']:
            parts = line.split(' ', 2)
            if len(parts) >= 2 and parts[1].isdigit():
                self.klogwarn['lines'].append(
                    (int(parts[1]), parts[2] if len(parts) > 2 else ''))
        else:
            return False
        return True

    def debug_reports(self, known=None):
        """{kind: [header lines]} for each of DEBUG_KINDS: the debug
        kernel's reports in the records debug.c kept (the whole boot), or
        else in the kernel log dump; kmemleak: its "unreferenced object"
        lines.  KNOWN {name: regex}: a report whose text (its header up to
        the next header, at most 200 lines) matches is not counted but
        listed under 'known' {name: [header lines]}"""
        lines = [t for _, t in self.klogwarn['lines']] if self.klogwarn \
            else self.klog
        out = {k: [] for k, _ in DEBUG_RES}
        out['known'] = {name: [] for name in (known or {})}
        for i, end, name in report_blocks(lines, known):
            if name:
                out['known'][name].append(lines[i])
                continue
            for k, r in DEBUG_RES:
                if r.search(lines[i]):
                    out[k].append(lines[i])
        out['kmemleak'] = [ln for ln in (self.kmemleak or {}).get('lines', [])
                           if 'unreferenced object' in ln]
        return out

    def parse_decode(self, f, line):
        """The guest's last step: PCIENABLE lines, then pcibars --decode
        (PCIDECODE-BEGIN, PCIDEC/PCIDECERR lines, PCIDECODE-END N)"""
        if self.decode is None:
            self.decode = {'enable': {}, 'devs': {}, 'bars': [],
                           'errors': [], 'begun': False, 'ended': False,
                           'n': None}
        d = self.decode
        if f[0] == 'PCIENABLE' and len(f) >= 3:
            d['enable'][f[1]] = f[2]
        elif f[0] == 'PCIDECODE-BEGIN':
            d['begun'] = True
        elif f[0] == 'PCIDECODE-END':
            d['ended'] = True
            d['n'] = int(f[1]) if len(f) > 1 and f[1].isdigit() else None
        elif f[0] == 'PCIDECERR':
            d['errors'].append(line)
        elif f[0] == 'PCIDEC' and len(f) >= 4 and f[2] == 'cmd':
            # PCIDEC <bdf> cmd <command> hdr <type> [vf <pf> ctrl <ctrl>]
            kv = dict(zip(f[4::2], f[5::2]))
            d['devs'][f[1]] = {
                'cmd': int(f[3], 16), 'hdr': int(kv.get('hdr', '0'), 16),
                'pf': kv.get('vf'), 'ctrl': int(kv.get('ctrl', '0'), 16)}
        elif f[0] == 'PCIDEC' and len(f) >= 6 and f[2] in ('mem', 'io'):
            # PCIDEC <bdf> mem|io <bus start> <size> <bar<N>|rom> [en=0|1]
            kv = dict(x.split('=', 1) for x in f[6:] if '=' in x)
            d['bars'].append((f[1], f[2], int(f[3], 16), int(f[4], 16),
                              f[5], kv.get('en') == '1'))
        else:
            d['errors'].append('malformed: ' + line)

    def parse_sriov(self, f):
        """The guest's pcialign.test=sriov lines (see guest/init/sriov.c)"""
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


def report_blocks(lines, known=None):
    """[(first, end, name)]: each debug report of LINES (a DEBUG_RES
    header up to the next one, at most 200 lines: lines[first:end]) and the
    name of the KNOWN {name: regex} pattern its text matches, or None"""
    heads = [i for i, ln in enumerate(lines)
             if any(r.search(ln) for _, r in DEBUG_RES)]
    out = []
    for n, i in enumerate(heads):
        end = min(heads[n + 1] if n + 1 < len(heads) else len(lines),
                  i + 200)
        text = '\n'.join(lines[i:end])
        out.append((i, end, next((k for k, rx in (known or {}).items()
                                  if re.search(rx, text, re.S)), None)))
    return out


def decoded_ranges(run):
    """[(bdf, 'mem'|'io', start, end, register)] that the devices of
    RUN's decode section decode: see the module docstring"""
    d = run.decode or {}
    devs = d.get('devs', {})
    out = []
    for bdf, kind, start, size, reg, en in d.get('bars', []):
        dev = devs.get(bdf)
        if dev is None or not size:
            continue
        if dev['pf'] is not None:
            # a VF: decodes with VF Enable and VF MSE of its PF
            on = dev['ctrl'] & SRIOV_CTRL_VFE_MSE == SRIOV_CTRL_VFE_MSE \
                and kind == 'mem'
        elif reg == 'rom':
            on = en and dev['cmd'] & CMD_MEMORY
        else:
            on = dev['cmd'] & (CMD_MEMORY if kind == 'mem' else CMD_IO)
        if on:
            out.append((bdf, kind, start, start + size - 1, reg))
    return out


def decode_overlaps(run):
    """The pairs of different devices of one PCI domain whose decoded
    ranges overlap: {(bdf, bdf): [(kind, range, range), ...]}"""
    by_space = {}
    for r in decoded_ranges(run):
        by_space.setdefault((r[0].split(':')[0], r[1]), []).append(r)
    pairs = {}
    for (_, kind), ranges in sorted(by_space.items()):
        ranges.sort(key=lambda r: (r[2], r[3]))
        active = []
        for r in ranges:
            active = [a for a in active if a[3] >= r[2]]
            for a in active:
                if a[0] != r[0]:
                    key = tuple(sorted((a[0], r[0])))
                    pairs.setdefault(key, []).append((kind, a, r))
            active.append(r)
    return pairs


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




class Verdict:
    """The figures of RUN's report, against REF (a Run; None: firmware)."""

    def __init__(self, run, ref=None, page_size=None):
        self.run = run
        self.page = 4096
        self.page_os = page_size or run.page_size or 4096
        bars = run.bars
        self.shared = shared_pages(bars, self.page)
        self.shared_os = shared_pages(bars, self.page_os)
        self.inflated = [b for b in bars if b.assigned and not b.shadow_rom
                         and b.hwsize is not None and b.hwsize != b.size]
        self.unassigned = [b for b in bars if not b.assigned and
                           (b.hwsize is None or b.hwsize > 0)]
        if ref is None:
            refmap = run.firmware_placement()
            self.refname = 'firmware'
        else:
            refmap = placement(ref)
            self.refname = os.path.basename(ref.path)
        cur = placement(run)
        self.moved = []
        for key, addr in sorted(cur.items()):
            want = refmap.get(key)
            if want and addr != want:
                self.moved.append((key, want, addr))
        if ref is not None:
            for key in sorted(set(refmap) - set(cur)):
                self.moved.append((key, refmap[key], None))

    def figures(self):
        return {'shared_pages': len(self.shared),
                'inflated': len(self.inflated), 'moved': len(self.moved),
                'unassigned': len(self.unassigned),
                'shared_pages_%d' % self.page_os: len(self.shared_os),
                'bars': len(self.run.bars)}

    def line(self, label):
        f = self.figures()
        return ('VERDICT %s: shared_pages=%d inflated=%d moved=%d '
                'unassigned=%d shared_pages_%d=%d ref=%s bars=%d' % (
                    label, f['shared_pages'], f['inflated'], f['moved'],
                    f['unassigned'], self.page_os, len(self.shared_os),
                    self.refname, f['bars']))

    def table(self, label):
        """The BAR table and the verdict line, as text lines."""
        run, page, out = self.run, self.page, []
        out.append('== %s (%s)%s' % (label, run.path,
                                     '' if run.boot_seconds is None else
                                     ', boot %.1fs' % run.boot_seconds))
        out.append('%-13s %-5s %-18s %-18s %-10s %-10s %-13s %s' % (
            'BDF', 'BAR', 'start', 'end', 'size', 'hwsize', '4K-page',
            'note'))
        moved = {m[0]: m[1] for m in self.moved}
        for b in sorted(run.bars, key=lambda b: (b.start, b.bdf, b.idx)):
            notes = []
            if b.assigned:
                pg = '0x%x' % (b.start // page * page)
                if any(b.start // page <= p <= b.end // page
                       for p in self.shared):
                    notes.append('SHARED')
            else:
                pg = '-'
                notes.append('UNASSIGNED')
            if b in self.inflated:
                notes.append('INFLATED')
            if b.key in moved:
                notes.append('MOVED(from 0x%x)' % moved[b.key])
            if b.shadow_rom:
                notes.append('shadow-rom')
            if b.vf:
                notes.append('VF%d-of-%s' % (run.vf[b.bdf][1],
                                             run.vf[b.bdf][0]))
            out.append('%-13s %-5s 0x%-16x 0x%-16x 0x%-8x %-10s %-13s %s' % (
                b.bdf, b.name, b.start, b.end, b.size,
                '?' if b.hwsize is None else '0x%x' % b.hwsize, pg,
                ' '.join(notes)))
        for p, o in sorted(self.shared.items()):
            out.append('shared page 0x%x: %s' % (p * page,
                                                 ' '.join(sorted(o))))
        for key, want, addr in self.moved:
            if addr is None:
                out.append('moved: %s BAR %d missing (was 0x%x)' % (
                    key[0], key[1], want))
        out.append(self.line(label))
        return out


def main():
    """analyze.py LOG [--ref LOG] [--report NAME]: print the table."""
    import argparse
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument('log')
    ap.add_argument('--ref')
    ap.add_argument('--report', default='boot')
    ap.add_argument('--page-size', type=int)
    a = ap.parse_args()
    run = Run(a.log, a.report)
    v = Verdict(run, Run(a.ref) if a.ref else None, a.page_size)
    print('\n'.join(v.table(os.path.basename(a.log))))


if __name__ == '__main__':
    sys.exit(main())
