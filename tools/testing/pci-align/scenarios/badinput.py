# SPDX-License-Identifier: GPL-2.0
"""Bad values of resource_alignment: each bad entry named once, valid ones kept.

  badinput-ref        no parameter: the placement reference of values
                      with no valid entry
  badinput-ref-<n>    pci=resource_alignment=<valid part> for each valid
                      part of CASES: the reference of the values with it
  badinput-<n>        pci=resource_alignment=<value> for each of CASES
                      (33 values, each with one malformed entry): exactly
                      one kernel line (besides the command line echo)
                      mentions resource_alignment and names the bad entry;
                      every BAR assigned; no Oops/BUG/WARNING; and the BAR
                      placement is that of the boot with the valid part
                      alone (badinput-ref-<n>, or badinput-ref if there is
                      none): a typo next to "all" still gives 0 shared
                      pages, and a value with nothing valid changes nothing
  badinput-sysfs      pcialign.test=badinput: the guest writes each of its
                      34 bad values (guest/init/badinput.c: those of CASES
                      that a shell can write, ',' separators, whitespace,
                      NUL bytes, a 4096-byte value) to
                      /sys/bus/pci/resource_alignment (EINVAL as a whole,
                      content unchanged, one new log line naming the bad
                      entry, "NUL byte" or "too long"), then "all" (read
                      back), then ""
The same on the 32-bit arm machine (arm-badinput-*) with ARM_CASES, where
an order of 32 does not fit resource_size_t.  On the command line ',' ends
pci= and a space ends the parameter, so CASES have neither.
"""

from harness.scenario import Boot

NAME = 'badinput'
DEV = 'pci:1b36:0005'       # every pci-testdev
# value, the part the message must name, the valid part ('' if none)
CASES = [
    ('all;garbage', 'garbage', 'all'),
    ('99@all', '99@all', ''),
    ('-1@all', '-1@all', ''),
    ('@all', '@all', ''),
    ('all@', 'all@', ''),
    ('', 'empty', ''),
    ('garbage;all', 'garbage', 'all'),
    ('12@0000:00:1f.7x;all', '12@0000:00:1f.7x', 'all'),
    ('0@all', '0@all', ''),
    ('64@all', '64@all', ''),
    ('65536@all', '65536@all', ''),
    ('4294967308@all', '4294967308@all', ''),
    ('+12@all', '+12@all', ''),
    ('12@12@all', '12@12@all', ''),
    ('allx', 'allx', ''),
    ('al', '"al"', ''),
    ('ALL', 'ALL', ''),
    ('12@', '12@', ''),
    ('pci:zz:1', 'pci:zz:1', ''),
    ('pci:1b36', 'pci:1b36', ''),
    ('pci:1b36:0005:1af4', 'pci:1b36:0005:1af4', ''),
    (DEV + 'x;all', DEV + 'x', 'all'),
    ('0000:00:02', '0000:00:02', ''),
    ('0000:00:02.0x', '0000:00:02.0x', ''),
    ('0000:00:02.0/', '0000:00:02.0/', ''),
    ('/02.0', '/02.0', ''),
    ('all;0000:00:02.0/00.0/', '0000:00:02.0/00.0/', 'all'),
    ('all;;all', '""', 'all;all'),
    (';all', '""', 'all'),
    ('all;off', 'off', 'all'),
    ('13@%s;x' % DEV, '"x"', '13@' + DEV),
    ('12@all;99@all', '99@all', '12@all'),
    ('x;12@all', '"x"', '12@all'),
]
ARM_CASES = CASES[:8] + [('32@all', '32@all', ''),
                         ('32@all;all', '32@all', 'all')]


def boots(prefix, variant, cases):
    ref = prefix + 'ref'
    out = [Boot(ref, variant, expect={'unassigned': 0})]
    refs = {}
    for val in sorted({v for _, _, v in cases if v}):
        refs[val] = '%sref-%d' % (prefix, len(refs) + 1)
        out.append(Boot(refs[val], variant,
                        append='pci=resource_alignment=' + val,
                        label='%s[%s]' % (refs[val], val),
                        expect={'unassigned': 0, 'param_ok': True}))
    for n, (val, part, valid) in enumerate(cases, 1):
        name = '%s%d' % (prefix, n)
        want = {'unassigned': 0, 'param_error': part, 'moved': 0,
                'ref': refs.get(valid, ref)}
        if 'all' in valid.split(';'):
            want.update(shared=0, inflated=0)
        out.append(Boot(name, variant, append='pci=resource_alignment=' + val,
                        label='%s[%s]' % (name, val), expect=want))
    out.append(Boot(prefix + 'sysfs', variant, append='pcialign.test=badinput',
                    expect={'sysfs': True, 'unassigned': 0}))
    return out


BOOTS = boots('badinput-', 'arm64', CASES) + \
    boots('arm-badinput-', 'arm', ARM_CASES)
