# SPDX-License-Identifier: GPL-2.0
"""Every path the harness uses, resolved once.

The repository root is three levels above tools/testing/pci-align (or
PCI_ALIGN_ROOT).  All outputs go under build/ (BUILD); out/ holds the
exported series only.  TREE (the patched kernel git tree) and KSRC (a
6.12-based tree to use as the base) come from the environment, relative
paths being relative to the root.
"""

import os

HARNESS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.abspath(os.environ.get('PCI_ALIGN_ROOT') or
                       os.path.join(HARNESS, '../../..'))


def under_root(path):
    """PATH made absolute, relative to the repository root."""
    return path if os.path.isabs(path) else os.path.join(ROOT, path)


BUILD = os.path.join(ROOT, 'build')
OUT = os.path.join(ROOT, 'out')
TREE = under_root(os.environ.get('TREE') or 'build/linux')
PRISTINE = os.path.join(BUILD, 'pristine')
KSRC = os.environ.get('KSRC') or ''
LOGS = os.path.join(BUILD, 'logs')            # guest serial logs
CHECK = os.path.join(BUILD, 'check')          # make check: step logs, KTAP
GUEST = os.path.join(HARNESS, 'guest')        # guest programs (C)
CONFIGS = os.path.join(HARNESS, 'configs')    # kernel config fragments
STEPS = os.path.join(HARNESS, 'steps')        # shell steps (no boot)
KUNIT_TOOLS = os.path.join(TREE, 'tools/testing/kunit')


def kselftest(machine):
    """build/kselftest/<machine>/pci: the kselftest built for MACHINE"""
    return os.path.join(BUILD, 'kselftest', machine, 'pci')
