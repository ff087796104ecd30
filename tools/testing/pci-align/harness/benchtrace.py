# SPDX-License-Identifier: GPL-2.0
"""What the extra guest instructions of a benchmark boot are spent on.

Every benchmark boot runs under `-icount shift=0,sleep=off`: the guest's
clock advances one nanosecond per guest instruction (and jumps over idle
time to the next timer), so the initcall_debug duration of the host
bridge driver is a deterministic count of guest instructions, and the
same boot gives the same figure each time.

A breakdown boot is the same boot with QEMU's own logging on (which does
not change what the guest executes, so its initcall figure equals the
plain boot's):

  -trace pci_cfg_read -trace pci_cfg_write
        every config space access the devices see (QEMU's pci_host path:
        ECAM on arm64 virt)
  -d exec,nochain -dfilter <entry of each COUNTED function>,<printk code>
        "Trace" lines: one per translation block executed whose address
        is in a -dfilter range (nochain: every block goes through the
        logged path); the entry block of a function is one call
  -d in_asm
        the instructions of each translation block in the ranges, so that
        executions x instructions per block give the instructions
        executed in each category of code (CATEGORIES: printk, the
        parameter's parser; a function's callees outside its category
        are not in it)
  -D FILE
        all of it into FILE, in the order the guest did it

Everything before the first execution of run_init_process (the kernel
starting /init) is the kernel's boot, after it the guest's report
(config reads through sysfs).  summarize() reduces such a file to a few
counts; the raw file is removed after that (it is tens of MB).
"""

import os
import re
import subprocess

# function -> what one call of it is
COUNTED = {
    'pci_parse_resource_alignment': 'resource_alignment parse',
    'pci_reassigndev_resource_alignment': 'device checked for realignment',
    'vprintk_emit': 'printk call (one log record)',
    'pci_generic_config_read': 'config read by the kernel',
    'pci_generic_config_write': 'config write by the kernel',
    'run_init_process': 'the kernel starts /init (end of boot)',
}
MARKER = 'run_init_process'
# objects whose functions are the printk code: formatting, the ring
# buffer, dev_printk (the part of drivers/base/core.o listed); the
# scanf half of lib/vsprintf.o is the parser's
PRINTK_OBJECTS = ('kernel/printk/printk.o', 'kernel/printk/printk_ringbuffer.o',
                  'kernel/printk/printk_safe.o', 'kernel/printk/nbcon.o',
                  'lib/vsprintf.o')
PRINTK_EXTRA = ('dev_vprintk_emit', 'dev_printk_emit', '__dev_printk',
                '_dev_printk', '_dev_info', '_dev_notice', '_dev_warn',
                '_dev_err')
PARSE = ('pci_parse_resource_alignment', 'pci_parse_align_entry',
         'pci_resource_alignment_order', 'pci_specified_resource_alignment',
         'pci_resource_alignment_default', 'vsscanf', 'sscanf',
         'simple_strtoull', 'simple_strtoul', 'simple_strtol',
         'simple_strtoll', 'simple_strntoull', 'simple_strntoll', 'skip_atoi',
         '_parse_integer', '_parse_integer_limit', '_parse_integer_fixup_radix')
CATEGORIES = ('printk', 'parse')

EXEC_RE = re.compile(r'^Trace \d+: (0x[0-9a-f]+) \[[0-9a-f]+/([0-9a-f]+)/'
                     r'[0-9a-f]+/([0-9a-f]+)\]')
INSN_RE = re.compile(r'^0x([0-9a-f]+):\s')


def read_system_map(path):
    """[(address, type, name)] of the text symbols, sorted by address"""
    out = []
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) >= 3 and p[1] in 'tTwW':
                out.append((int(p[0], 16), p[1], p[2]))
    out.sort()
    return out


def object_text_symbols(build, objects):
    """names of the text symbols defined in OBJECTS of kernel build BUILD"""
    names = set()
    for o in objects:
        path = os.path.join(build, o)
        if not os.path.isfile(path):
            continue
        r = subprocess.run(['nm', '--defined-only', path],
                           capture_output=True, text=True)
        for line in r.stdout.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in 'tT':
                names.add(p[2])
    return names


def ranges_of(symbols, names):
    """merged [start, end) address ranges of the functions NAMES (each up
    to the next symbol of the map); names that occur twice are left out"""
    count = {}
    for _a, _t, n in symbols:
        count[n] = count.get(n, 0) + 1
    out = []
    for i, (a, _t, n) in enumerate(symbols):
        if n not in names or count[n] != 1:
            continue
        end = symbols[i + 1][0] if i + 1 < len(symbols) else a + 4
        if end <= a:
            continue
        if out and out[-1][1] == a:
            out[-1][1] = end
        else:
            out.append([a, end])
    return [tuple(r) for r in out]


def plan(build, system_map):
    """(qemu args without -D, entry addresses {name: addr},
    {category: ranges})"""
    syms = read_system_map(system_map)
    addr = {}
    for a, _t, n in syms:
        if n in COUNTED:
            addr.setdefault(n, a)
    names = object_text_symbols(build, PRINTK_OBJECTS) | set(PRINTK_EXTRA)
    names -= set(PARSE) | (set(COUNTED) - {'vprintk_emit'})
    cats = {'printk': ranges_of(syms, names),
            'parse': ranges_of(syms, set(PARSE))}
    filt = ['0x%x+4' % a for a in addr.values()]
    filt += ['0x%x..0x%x' % (lo, hi - 1) for c in CATEGORIES
             for lo, hi in cats[c]]
    args = ['-trace', 'pci_cfg_read', '-trace', 'pci_cfg_write',
            '-d', 'exec,nochain,in_asm', '-dfilter', ','.join(filt)]
    return args, addr, cats


def summarize(path, entries, cats):
    """Counts of a -D file: {'cfg_read', 'cfg_write', 'calls': {name: n},
    'insns': {category: n}, 'marker'} before the marker, and the config
    accesses after it under 'after'."""
    by_addr = {a: n for n, a in entries.items()}
    cat_of = {}

    def category(pc):
        if pc not in cat_of:
            cat_of[pc] = next((c for c, rs in cats.items()
                               if any(lo <= pc < hi for lo, hi in rs)), None)
        return cat_of[pc]

    res = {'cfg_read': 0, 'cfg_write': 0, 'calls': {n: 0 for n in entries},
           'insns': {c: 0 for c in cats}, 'marker': False,
           'after': {'cfg_read': 0, 'cfg_write': 0}}
    cur = res
    pending = {}        # pc -> instructions of its latest translation
    tbsize = {}         # host TB pointer -> instructions
    block_pc, block_n = None, 0
    with open(path, errors='replace') as f:
        for line in f:
            if line.startswith('Trace '):
                m = EXEC_RE.match(line)
                if not m:
                    continue
                if block_pc is not None:
                    pending[block_pc] = block_n
                    block_pc, block_n = None, 0
                tb, pc = m.group(1), int(m.group(2), 16)
                if pc in pending:
                    tbsize[tb] = pending.pop(pc)
                name = by_addr.get(pc)
                if name and cur is res:
                    res['calls'][name] += 1
                    if name == MARKER:
                        res['marker'] = True
                        cur = res['after']
                        continue
                c = category(pc) if cur is res else None
                if c:
                    n = tbsize.get(tb, 0)
                    limit = int(m.group(3), 16) & 0x1ff   # CF_COUNT_MASK
                    res['insns'][c] += min(n, limit) if limit else n
                continue
            if line.startswith('0x'):
                m = INSN_RE.match(line)
                if m:
                    if block_pc is None:
                        block_pc = int(m.group(1), 16)
                    block_n += 1
                    continue
            if line.startswith('pci_cfg_read'):
                cur['cfg_read'] += 1
            elif line.startswith('pci_cfg_write'):
                cur['cfg_write'] += 1
            elif line.startswith('IN:'):
                block_pc, block_n = None, 0
            elif block_pc is not None and not line.strip():
                pending[block_pc] = block_n
                block_pc, block_n = None, 0
    return res


def write_counts(path, res):
    """one line per figure: 'name value'"""
    with open(path, 'w') as f:
        f.write('marker %d\n' % res['marker'])
        f.write('cfg_read %d\ncfg_write %d\n' % (res['cfg_read'],
                                                 res['cfg_write']))
        f.write('after_cfg_read %d\nafter_cfg_write %d\n' % (
            res['after']['cfg_read'], res['after']['cfg_write']))
        for c, n in sorted(res['insns'].items()):
            f.write('insns_%s %d\n' % (c, n))
        for n, c in sorted(res['calls'].items()):
            f.write('calls_%s %d\n' % (n, c))


def read_counts(path):
    out = {}
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) == 2:
                out[p[0]] = int(p[1])
    return out
