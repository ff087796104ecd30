# SPDX-License-Identifier: GPL-2.0
"""The QEMU scenarios, in the order `make check` runs them.

Each module: NAME, a docstring (what it proves), BOOTS (harness.scenario.
Boot entries with their expectations, see harness/expect.py).
"""

ORDER = ('demo', 'badinput', 'extra', 'realloc', 'pagealign', 'sriov',
         'kselftest', 'vfio')
