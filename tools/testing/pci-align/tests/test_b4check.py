# SPDX-License-Identifier: GPL-2.0
"""b4-check's reading of b4's output (harness/b4check.py): b4 prep
--show-info, the messages of b4 send -o, the cover letter as sent, and
the per-patch verdict on a synthetic repository (tmp_path), b4-like
messages made with git format-patch, one broken on purpose per case.
b4 itself is not run here (make b4-check runs it)."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from harness import b4check  # noqa: E402

SHOW_INFO = """\
branch: b4-check
cover-subject: PCI: Page-align small BARs with pci=resource_alignment=all
change-id: 20261201-b4-check-2c876370559f
revision: 1
cover-strategy: commit
base-commit: c87aabf0ef385952fd78e091de2814e60c25e4b8
start-commit: 304633a66152506a8047ddc717dedd8249f2dc70
end-commit: 786929b87ddd46bec366bcb652bb59c295c89d13
commit-786929b: Documentation/PCI: Describe page-aligned BARs
commit-9b5093d: PCI: Reject negative orders in pci=resource_alignment=
"""

# b4 0.12's cover letter message, abridged: the last paragraph of a
# cover letter without a trailer paragraph, after b4 prep --auto-to-cc
# took its "q35: ..." line for a trailer (seen with steps/cover-letter.txt)
BLURB = """\
First paragraph.

Tested under QEMU 7.2 on arm64 virt and x86_64
q35: without the parameter small BARs share pages
and vfio-pci can't mmap them.
"""
MOVED = """\
First paragraph.

Tested under QEMU 7.2 on arm64 virt and x86_64
and vfio-pci can't mmap them.

To: Bjorn Helgaas <bhelgaas@google.com>
Cc: linux-pci@vger.kernel.org
q35: without the parameter small BARs share pages

---
base-commit: c87aabf0ef385952fd78e091de2814e60c25e4b8
"""

MESSAGE = b"""\
From: PCI Align Developers <pci-align@example.org>
Subject: [PATCH v2 25/29] vfio/pci: Report why a sub-page BAR cannot be
 mmapped
Message-Id: <20261201-b4-check-v1-25-3aba5d712e78@example.org>
To: Bjorn Helgaas <bhelgaas@google.com>,\x20
 "H. Peter Anvin" <hpa@zytor.com>
Cc: linux-pci@vger.kernel.org, kvm@vger.kernel.org
X-Mailer: b4 0.12.0

The body.
"""


def test_parse_show_info():
    info, commits = b4check.parse_show_info(SHOW_INFO)
    assert info['base-commit'] == 'c87aabf0ef385952fd78e091de2814e60c25e4b8'
    assert info['cover-strategy'] == 'commit'
    assert commits == [
        ('786929b', 'Documentation/PCI: Describe page-aligned BARs'),
        ('9b5093d', 'PCI: Reject negative orders in pci=resource_alignment=')]


def test_parse_message():
    m = b4check.parse_message(MESSAGE)
    assert (m['counter'], m['total']) == (25, 29)
    assert m['subject'] == ('vfio/pci: Report why a sub-page BAR cannot be '
                            'mmapped')
    assert m['to'] == ['bhelgaas@google.com', 'hpa@zytor.com']
    assert m['cc'] == ['linux-pci@vger.kernel.org', 'kvm@vger.kernel.org']
    assert m['body'].strip() == 'The body.'
    cover = b4check.parse_message(MESSAGE.replace(b'v2 25/29', b'00/29'))
    assert cover['counter'] == 0


def test_cover_diff():
    assert b4check.cover_diff(BLURB, BLURB + '\nTo: x@example.org\n') is None
    diff = b4check.cover_diff(BLURB, MOVED)
    assert diff is not None
    assert "'q35: without the parameter small BARs share pages'" in diff
    assert '4 lines further down' in diff and 'trailer' in diff
    assert 'is not in it' in b4check.cover_diff(BLURB, 'Other text.\n')


def test_cover_text(tmp_path):
    f = tmp_path / 'cover-letter.txt'
    f.write_text('PCI: Subject\nBlurb line 1\nBlurb line 2\n')
    subject, blurb, _ = b4check.cover_text(str(f))
    assert (subject, blurb) == ('PCI: Subject', 'Blurb line 1\nBlurb line 2')
    cover = b4check.b4_cover(subject, blurb, 'A U Thor', 'a@example.org')
    assert cover.startswith('PCI: Subject\n\nBlurb line 1\n')
    assert cover.endswith('\n\nSigned-off-by: A U Thor <a@example.org>\n')
    subject, blurb, source = b4check.cover_text(str(tmp_path / 'missing'))
    assert subject == b4check.PLACEHOLDER == 'PCI: Align small BARs'
    assert 'placeholder' in source


# -- the per-patch verdict on a synthetic series ------------------------
def git(repo, *args, **kw):
    return subprocess.run(
        ['git', '-C', str(repo), '-c', 'user.name=A U Thor', '-c',
         'user.email=author@example.org'] + list(args), check=True,
        capture_output=True, env=b4check.env(), **kw).stdout


def series(tmp_path):
    """A base and two commits; b4-like messages of them: [PATCH n/2]
    and a To: header, as b4 send -o writes them."""
    repo = tmp_path / 'repo'
    repo.mkdir()
    git(repo, 'init', '-q')
    (repo / 'a.c').write_text(''.join('line %d\n' % i for i in range(20)))
    git(repo, 'add', 'a.c')
    git(repo, 'commit', '-q', '-m', 'base')
    for n in (1, 2):
        text = (repo / 'a.c').read_text().replace('line %d\n' % (n * 5),
                                                  'changed %d\n' % n)
        (repo / 'a.c').write_text(text)
        git(repo, 'commit', '-q', '-a', '-m',
            'PCI: Change line %d\n\nWhy.\n\nSigned-off-by: A U Thor '
            '<author@example.org>' % (n * 5))
    commits = git(repo, 'rev-list', '--reverse', 'HEAD~2..HEAD'
                  ).decode().split()
    msgs = []
    for n, c in enumerate(commits, 1):
        m = git(repo, 'format-patch', '--stdout', '-1',
                '--subject-prefix=PATCH %d/2' % n, '--no-numbered', c)
        msgs.append(m.replace(b'\nSubject:',
                              b'\nTo: linux-pci@vger.kernel.org\nSubject:',
                              1))
    return str(repo), commits, msgs


def test_patch_verdict_ok(tmp_path):
    repo, commits, msgs = series(tmp_path)
    for c, m in zip(commits, msgs):
        assert b4check.patch_verdict(repo, c, m) == []


def test_patch_verdict_fails(tmp_path):
    """The detector's negative control: each message broken once."""
    repo, commits, msgs = series(tmp_path)
    broken = msgs[1].replace(b' line 9\n', b' line 99\n')   # context
    p = b4check.patch_verdict(repo, commits[1], broken)
    assert len(p) == 1 and p[0].startswith('does not apply to its parent')
    # patch 2 is not patch 1
    p = b4check.patch_verdict(repo, commits[0], msgs[1])
    assert any(x.startswith('subject ') for x in p)
    assert any('tree' in x or 'does not apply' in x for x in p)
    p = b4check.patch_verdict(repo, commits[0], msgs[0].replace(
        b'To: linux-pci@vger.kernel.org\n', b''))
    assert p == ['no To: address']
    p = b4check.patch_verdict(repo, commits[0], msgs[0].replace(
        b'From: A U Thor <author@example.org>',
        b'From: Someone Else <else@example.org>'))
    assert len(p) == 1 and p[0].startswith('author ')
    p = b4check.patch_verdict(repo, commits[0], msgs[0].replace(
        b'\nWhy.\n', b'\nWhy not.\n'))
    assert len(p) == 1 and 'commit message' in p[0]
