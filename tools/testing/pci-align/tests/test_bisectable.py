# SPDX-License-Identifier: GPL-2.0
"""bisect's reading of the Makefiles: which touched objects a
configuration compiles (harness/bisectable.py Kbuild)."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from harness.bisectable import Kbuild  # noqa: E402

TREE = {
    'drivers/Makefile': 'obj-y += pci/\n',
    'drivers/pci/Makefile': 'obj-$(CONFIG_PCI) += probe.o \\\n\t\tpci.o\n'
                            'obj-$(CONFIG_PCI_IOV) += iov.o\n'
                            'obj-$(CONFIG_KT) += tests/\n'
                            'obj-$(CONFIG_HP) += hp.o\n'
                            'hp-objs := hp_core.o hp_glue.o\n',
    'drivers/pci/tests/Makefile': 'obj-$(CONFIG_KT) += kt.o\n',
    'arch/x86/Kbuild': 'obj-y += kernel/\n',
    'arch/x86/Makefile': 'drivers-$(CONFIG_PCI) += arch/x86/pci/\n',
    'arch/x86/pci/Makefile': 'obj-y := i386.o\n',
}


def kbuild(tmp_path, config):
    for path, text in TREE.items():
        f = tmp_path / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
    return Kbuild(str(tmp_path), config, 'x86')


def test_compiled_objects(tmp_path):
    kb = kbuild(tmp_path, 'CONFIG_PCI=y\nCONFIG_HP=m\n# CONFIG_KT is not set')
    for o in ('drivers/pci/probe.o', 'drivers/pci/pci.o',
              'drivers/pci/hp_glue.o', 'arch/x86/pci/i386.o'):
        assert kb.compiled(o), o
    for o in ('drivers/pci/iov.o', 'drivers/pci/tests/kt.o',
              'drivers/pci/unlisted.o'):
        assert not kb.compiled(o), o


def test_directory_of_an_option_that_is_off(tmp_path):
    kb = kbuild(tmp_path, 'CONFIG_KT=y\n')
    assert kb.compiled('drivers/pci/tests/kt.o')
    assert not kb.compiled('arch/x86/pci/i386.o')   # CONFIG_PCI off
    assert not kb.compiled('drivers/pci/probe.o')
