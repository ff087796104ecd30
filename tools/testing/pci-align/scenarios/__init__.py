# SPDX-License-Identifier: GPL-2.0
"""The QEMU scenarios, in the order `make check` (ORDER) and `make
check-full` (ORDER, then FULL) run them.

Each module: NAME, a docstring (what it proves), BOOTS (harness.scenario.
Boot entries with their expectations, see harness/expect.py).
"""

ORDER = ('demo', 'badinput', 'extra', 'realloc', 'pagealign', 'sriov',
         'kselftest', 'vfio', 'sparc64')

# the scenarios of the mainline series (Base.checks 'v5', BASE=7.3), in
# make check and make check-full alike
MAINLINE = ('stock', 'mainline', 'findings', 'vfio', 'mainline_debug')

# make check-full only (after ORDER): the scenarios of the machines whose
# boots do not fit into CI's time; a scenario moves to ORDER by moving
# its name
FULL = ('x86_64_ovmf', 'x86_64_pc', 's390x', 'malta', 'ppc64', 'debug',
        'race', 'stock')
