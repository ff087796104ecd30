# SPDX-License-Identifier: GPL-2.0
"""The baseline of a base: what its stock kernels do on every machine.

table() reads the logs of scenario stock (build/<base>/logs/stock/) and
writes one Markdown row per stock boot: who places the BARs (the
machine row), how many memory BARs Linux reports and how many of them
are small (< 4 KiB), how many 4 KiB pages and guest pages hold BARs of
two devices, and how many BARs had an address when Linux enumerated them
(the firmware's placement, from the "BAR n [mem ...]" lines) and how many
of those Linux kept there.  `pcialign.py
baseline` prints it (README's table of stock 7.3).
"""

import os

from . import analyze, paths
from .machines import bootable

SMALL = 4096


def row(machine, log):
    run = analyze.Run(log)
    if not (run.started and run.ended):
        return '| %s | %s | no complete boot (%s) |' % (
            machine.name, machine.firmware, os.path.relpath(log, paths.ROOT))
    v = analyze.Verdict(run)
    mem = [b for b in run.bars if b.assigned and not b.vf and
           not b.shadow_rom and b.idx < analyze.ROM_INDEX]
    small = [b for b in mem if b.size < SMALL]
    enum = run.firmware_placement()
    fw = {k: a for k, a in enum.items() if a}
    kept = [b for b in run.bars if fw.get(b.key) == b.start]
    placed = '%d, %d kept there' % (len(fw), len(kept)) if enum else \
        'not logged (devices built from the device tree)'
    return '| %s | %s | %d | %d | %d | %d | %d (page %d) | %s |' % (
        machine.name, machine.firmware, len(mem), len(small),
        len([b for b in small if b.start % SMALL]), len(v.shared),
        len(v.shared_os), v.page_os, placed)


def table():
    out = ['Linux %s (%s), scenario stock, no parameter:' % (
        paths.kernel_version(paths.PRISTINE) or '?', paths.BASE.package), '',
        '| machine | firmware | memory BARs | small (< 4 KiB) | small, not '
        '4 KiB-aligned | 4 KiB pages shared by two devices | guest pages '
        'shared | BARs with an address at enumeration |',
        '|---|---|---|---|---|---|---|---|']
    logs = os.path.join(paths.LOGS, 'stock')
    files = sorted(os.listdir(logs)) if os.path.isdir(logs) else []
    own = {'stock-%s.log' % m.name for m in bootable()}
    for m in bootable():
        if 'stock-%s.log' % m.name in files:
            out.append(row(m, os.path.join(logs, 'stock-%s.log' % m.name)))
        more = 'stock-%s-' % m.name     # its other topologies
        for f in files:
            if f.startswith(more) and f.endswith('.log') and f not in own:
                out.append(row(m, os.path.join(logs, f)).replace(
                    '| %s |' % m.name, '| %s (%s) |' % (
                        m.name, f[len(more):-4]), 1))
    return out
