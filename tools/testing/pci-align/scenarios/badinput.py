# SPDX-License-Identifier: GPL-2.0
"""Bad values of resource_alignment: each bad entry named once, valid ones kept.

  badinput-ref        no parameter: the placement reference
  badinput-<n>        pci=resource_alignment=<value> for each of CASES:
                      exactly one kernel line (besides the command line
                      echo) mentions resource_alignment and names the bad
                      entry; every BAR assigned; no Oops/BUG/WARNING.
                      A value with no valid entry changes nothing: BAR
                      placement identical to badinput-ref.  A value with
                      valid entries next to the bad one applies them: a
                      typo next to "all" still gives 0 shared pages
  badinput-sysfs      pcialign.test=badinput: the guest writes each bad
                      value and a 4096-byte value to
                      /sys/bus/pci/resource_alignment (EINVAL as a whole,
                      content unchanged, one new log line naming the bad
                      entry or "too long"), then "all" (read back), then ""
The same on the 32-bit arm machine (arm-badinput-*).
"""

from harness.scenario import Boot

NAME = 'badinput'
# value, the entry the message must name, whether valid entries remain
CASES = [('all;garbage', 'garbage', True), ('99@all', '99@all', False),
         ('-1@all', '-1@all', False), ('@all', '@all', False),
         ('all@', 'all@', False), ('', 'empty', False),
         ('garbage;all', 'garbage', True),
         ('12@0000:00:1f.7x;all', '12@0000:00:1f.7x', True)]


def boots(prefix, variant):
    ref = prefix + 'ref'
    out = [Boot(ref, variant, expect={'unassigned': 0})]
    for n, (val, part, applies) in enumerate(CASES, 1):
        name = '%s%d' % (prefix, n)
        want = {'unassigned': 0, 'param_error': part}
        if applies:
            want.update(shared=0, inflated=0)
        else:
            want.update(ref=ref, moved=0)
        out.append(Boot(name, variant, append='pci=resource_alignment=' + val,
                        label='%s[%s]' % (name, val), expect=want))
    out.append(Boot(prefix + 'sysfs', variant, append='pcialign.test=badinput',
                    expect={'sysfs': True, 'unassigned': 0}))
    return out


BOOTS = boots('badinput-', 'arm64') + boots('arm-badinput-', 'arm')
