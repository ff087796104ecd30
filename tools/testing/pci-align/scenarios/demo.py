# SPDX-License-Identifier: GPL-2.0
"""The demo: small BARs packed into shared pages, and "all" separating them.

  <machine>-none  no parameter: Linux packs small BARs, >= 1 shared page
  <machine>-all   pci=resource_alignment=all: 0 shared pages, 0 inflated,
                  0 unassigned, the parameter accepted (moved: against
                  the no-parameter boot)
  x86_64-all      SeaBIOS placed the BARs 4 KiB aligned already: nothing
                  moves, and the host bridge is skipped silently
The arm machine is 32-bit without LPAE (resource_size_t is 32 bits wide).
"""

from harness.scenario import Boot

NAME = 'demo'
ALL = 'pci=resource_alignment=all'
ALIGNED = {'shared': 0, 'inflated': 0, 'unassigned': 0, 'param_ok': True}

BOOTS = [
    Boot('arm64-none', 'arm64', expect={'shared_min': 1}),
    Boot('arm64-all', 'arm64', append=ALL,
         expect=dict(ALIGNED, ref='arm64-none')),
    Boot('x86_64-all', 'x86_64', append=ALL,
         expect=dict(ALIGNED, moved=0, absent={
             'host-bridge-warning-silent':
             "Can't reassign resources to host bridge"})),
    Boot('arm-none', 'arm', expect={'shared_min': 1}),
    Boot('arm-all', 'arm', append=ALL, expect=dict(ALIGNED, ref='arm-none')),
]
