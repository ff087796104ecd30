# SPDX-License-Identifier: GPL-2.0
"""The standard boot set of a machine: what every platform must show
(scenario knowledge, so it lives with the scenarios; _*.py are helpers,
not scenarios).

boots(prefix, variant, pab_variant, topology, device_entry, ...) returns
five scenario.Boot entries of one machine on one topology:

  <prefix>-none   VARIANT, no parameter: the reference.  Only the checks
                  of every boot (run-completed, no-oops-bug-warning,
                  no-overlapping-decode): the stock placement decodes no
                  address twice.
  <prefix>-all    VARIANT, pci=resource_alignment=all
  <prefix>-pab    PAB_VARIANT (a CONFIG_PCI_PAGE_ALIGN_BARS=y build), no
                  parameter: the build-time default does what "all" does
  <prefix>-order  VARIANT, pci=resource_alignment=<ORDER>@all (ORDER above
                  the firmware's granularity, default 20: 1 MiB)
  <prefix>-dev    VARIANT, pci=resource_alignment=<DEVICE_ENTRY> (one
                  per-device entry, e.g. "0000:00:05.0" or
                  "12@0000:00:05.0")

Every boot but -none proves, against -none:
  same_devices    the same devices (bdf, vendor:device) and the same
                  driver bound to each: the option loses no device and
                  no driver
  kept_assigned   every BAR (memory, I/O, ROM) that has an address in
                  -none still has one: the option unassigns nothing
  param_ok        the kernel logs no resource_alignment error
and, as every boot, that no two devices decode the same address.

ASSIGNS=True (Linux or the firmware lets Linux place the BARs): -all,
-pab and -order also prove shared == 0 (no 4 KiB page holds BARs of two
devices), and -order that every BAR below 1 << ORDER that is not
(1 << ORDER)-aligned has the fallback warning naming it (align_warnings):
a window firmware sized and nothing resizes (no pci=realloc) may have no
room for the alignment, and the BAR falls back rather than being lost.  ASSIGNS=False (a claim-only or firmware-defined
platform, where Linux keeps the firmware's addresses): those are not
claimed; pass STATEMENT instead.

STATEMENT (a text, or a compiled regex): -all, -pab and -order must log
it (expect key log, or log_re for a regex): the clear statement the
platform makes about what it did with the request.

ON: extra Boot fields for every boot, e.g. {'on_ready': (...,),
'extras': (...)}; two are merged rather than replaced: 'append' (words
added to each boot's command line) and 'expect' (keys added to each
boot's expectations; a key given here wins).
"""

import re
from dataclasses import replace

from harness.scenario import Boot

ALL = 'pci=resource_alignment=all'
# A BAR that can't get the requested alignment still gets resources, with
# this warning naming it (the fallback)
FALLBACK_RE = r'assigned without requested alignment'
VS_NONE = ('same_devices', 'kept_assigned')


def _join(*words):
    return ' '.join(w for w in words if w)


def boots(prefix, variant, pab_variant, topology, device_entry, order=20,
          assigns=True, statement=None, on=None):
    """The boots <prefix>-none, -all, -pab, -order, -dev (see above)."""
    on = dict(on or {})
    more_append = on.pop('append', '')
    more_expect = on.pop('expect', {})
    none = prefix + '-none'
    vs_none = {k: none for k in VS_NONE}
    vs_none['param_ok'] = True

    def aligning(extra):
        exp = dict(vs_none)
        if assigns:
            exp['shared'] = 0
            exp.update(extra)
        if isinstance(statement, re.Pattern):
            exp['log_re'] = [statement.pattern]
        elif statement:
            exp['log'] = [statement]
        return exp

    table = [
        (none, variant, '', {}),
        (prefix + '-all', variant, ALL, aligning({})),
        (prefix + '-pab', pab_variant, '', aligning({})),
        (prefix + '-order', variant, 'pci=resource_alignment=%d@all' % order,
         aligning({'align_warnings': 1 << order, 'warn_re': FALLBACK_RE,
                   'warn_min': 0})),
        (prefix + '-dev', variant, 'pci=resource_alignment=' + device_entry,
         dict(vs_none)),
    ]
    out = []
    for name, var, append, exp in table:
        exp = dict(exp, **more_expect)
        b = Boot(name, var, topology=topology,
                 append=_join(append, more_append), expect=exp)
        out.append(replace(b, **on) if on else b)
    return out
