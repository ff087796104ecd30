# SPDX-License-Identifier: GPL-2.0
"""Bad values of resource_alignment: one clear message, nothing else changes.

  badinput-ref        no parameter: the placement reference
  badinput-<n>        pci=resource_alignment=<bad value> for each of
                      CASES: exactly one kernel line (besides the command
                      line echo) mentions resource_alignment and names the
                      bad part; BAR placement identical to badinput-ref;
                      every BAR assigned; no Oops/BUG/WARNING
  badinput-sysfs      pcialign.test=badinput: the guest writes each bad
                      value and a 4096-byte value to
                      /sys/bus/pci/resource_alignment (EINVAL, content
                      unchanged, one new log line naming the bad part or
                      "too long"), then "all" (read back), then ""
The same on the 32-bit arm machine (arm-badinput-*).
"""

from harness.scenario import Boot

NAME = 'badinput'
# value, the part the message must name
CASES = [('all;garbage', 'garbage'), ('99@all', '99@all'),
         ('-1@all', '-1@all'), ('@all', '@all'), ('all@', 'all@'),
         ('', 'empty')]


def boots(prefix, variant):
    ref = prefix + 'ref'
    out = [Boot(ref, variant, expect={'unassigned': 0})]
    for n, (val, part) in enumerate(CASES, 1):
        name = '%s%d' % (prefix, n)
        out.append(Boot(name, variant, append='pci=resource_alignment=' + val,
                        label='%s[%s]' % (name, val),
                        expect={'unassigned': 0, 'param_error': part,
                                'ref': ref, 'moved': 0}))
    out.append(Boot(prefix + 'sysfs', variant, append='pcialign.test=badinput',
                    expect={'sysfs': True, 'unassigned': 0}))
    return out


BOOTS = boots('badinput-', 'arm64') + boots('arm-badinput-', 'arm')
