# SPDX-License-Identifier: GPL-2.0
"""The series' kselftest (selftests/pci/bar_alignment) on live guests.

The test is built (step kselftest-build) and checked on the host (step
kselftest-selfcheck) before; here each guest runs it through pcialign.run=
on the seed topology.  Its KTAP header and each KTAP result is a check.

  <machine>-ks-none  no parameter: bars_aligned and no_shared_4k_page are
                     skipped, not failed; it lists exactly the shared
                     4 KiB pages the analyzer counts (arm64: >= 1)
  <machine>-ks-all   all: bars_aligned and no_shared_4k_page pass, no
                     shared page listed
  arm64-64k-none     64 KiB pages: no_shared_page is skipped and lists the
                     64 KiB pages the analyzer counts as shared (>= 1)
  arm64-64k-all      all: aligned to 64 KiB, all three tests pass
  arm64-ks-30        30@all, where the kernel falls back to natural
                     alignment: bars_aligned fails (exit 1) and names
                     every BAR the kernel warned about.  Its KTAP results
                     are not checks: the "not ok" is what it must show.
"""

import os

from harness import paths
from harness.scenario import Boot

NAME = 'kselftest'
PROG = '/bin/bar_alignment'
# the binary of step kselftest-build for the boot's machine
EXTRAS = ((lambda mach: os.path.join(paths.kselftest(mach.name),
                                     'bar_alignment'), PROG),)
RUN = 'pcialign.run=' + PROG
ALL = 'pci=resource_alignment=all'


def ks(name, variant, param, **exp):
    e = {'program': PROG}
    e.update(exp)
    return Boot(name, variant, append=' '.join(x for x in (param, RUN) if x),
                extras=EXTRAS, expect=e)


BOOTS = [
    ks('arm64-ks-none', 'arm64', '', ktap_checks=True,
       ktap={'bars_aligned': 'skip', 'no_shared_4k_page': 'skip'}, rc=0,
       lists_shared=4096, lists_shared_min=1),
    ks('arm64-ks-all', 'arm64', ALL, ktap_checks=True,
       ktap={'bars_aligned': 'ok', 'no_shared_4k_page': 'ok'}, rc=0,
       lists_none=True),
    ks('x86_64-ks-none', 'x86_64', '', ktap_checks=True,
       ktap={'bars_aligned': 'skip', 'no_shared_4k_page': 'skip'}, rc=0,
       lists_shared=4096),
    ks('x86_64-ks-all', 'x86_64', ALL, ktap_checks=True,
       ktap={'bars_aligned': 'ok', 'no_shared_4k_page': 'ok'}, rc=0,
       lists_none=True),
    ks('arm64-64k-none', 'arm64-64k', '', ktap_checks=True,
       ktap={'no_shared_page': 'skip'}, page_size_is=65536,
       lists_shared=(65536, 1)),
    ks('arm64-64k-all', 'arm64-64k', ALL, ktap_checks=True,
       ktap={'bars_aligned': 'ok', 'no_shared_4k_page': 'ok',
             'no_shared_page': 'ok'},
       ktap_has={'aligns-to-64k':
                 r'^# resource_alignment "all": align to 0x10000;'}, rc=0),
    ks('arm64-ks-30', 'arm64', 'pci=resource_alignment=30@all',
       ktap={'bars_aligned': 'not ok'}, rc=1, names_warned=True),
]
