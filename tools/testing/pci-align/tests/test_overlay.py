# SPDX-License-Identifier: GPL-2.0
"""Tests of harness/overlay.py on a synthetic series.

Run: pytest-3 tools/testing/pci-align/tests/test_overlay.py   (python3-pytest)

Everything happens under pytest's tmp_path: a synthetic repository root
<tmp>/repo (its own series, .patch files, new files stored whole and
Kconfig.snippet) with a tiny fake kernel at <tmp>/repo/build/6.12/pristine, and
<tmp>/ref, the same series committed with plain git (independent of
overlay.py), which is what `overlay.py tree` must rebuild.

overlay.py runs as a subprocess (its globals depend on PCI_ALIGN_ROOT at
import time) with the interpreter running pytest.  PCI_ALIGN_OVERLAY=<file>
tests another copy of overlay.py (e.g. a deliberately broken one).
Git runs with a private HOME and global config, so the user's git
configuration and GIT_* variables play no part.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

OVERLAY = Path(os.environ.get("PCI_ALIGN_OVERLAY") or
               Path(__file__).resolve().parents[1] / "harness" / "overlay.py").resolve()


def _load_overlay_module():
    """overlay.py as a module, only for its constants (file headers, names)."""
    spec = importlib.util.spec_from_file_location("pci_align_overlay_under_test", OVERLAY)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


OV = _load_overlay_module()
BASE = "6.12"    # the sandbox's base (harness/bases.py); its build/<base>/
INDEX_LINE = re.compile(r"^index [0-9a-f]+\.\.[0-9a-f]+( [0-7]+)?\n", re.M)

# The options the stored .patch files are documented to be made with
# (overlay.py docstring and FORMAT_PATCH); spelled out here rather than taken
# from overlay.py, so that a change of the format makes the round trip fail.
FORMAT_PATCH = ["format-patch", "--stdout", "--zero-commit", "--no-signature",
                "--no-renames", "--no-cover-letter",
                "--src-prefix=a/", "--dst-prefix=b/", "--diff-algorithm=myers",
                "-U3", "--inter-hunk-context=0"]

KCONFIG = "drivers/pci/Kconfig"

KCONFIG_TEXT = """\
# SPDX-License-Identifier: GPL-2.0
#
# PCI configuration
#

config PCI_QUIRKS
	bool "Enable PCI quirk workarounds"
	default y
	help
	  This enables workarounds for various PCI chipset bugs/quirks.

config PCI_REALLOC_ENABLE_AUTO
	bool "Enable PCI resource re-allocation detection"
	depends on PCI_IOV
	help
	  Say Y here if you want the PCI core to detect if PCI resource
	  re-allocation needs to be enabled.

config PCI_STUB
	tristate "PCI Stub driver"
	help
	  Say Y or M here if you want be able to reserve a PCI device.
"""

PCI_C = """\
// SPDX-License-Identifier: GPL-2.0
/*
 * A fake drivers/pci/pci.c for the overlay tests.
 */

#include <linux/pci.h>

static int pci_first(struct pci_dev *dev)
{
	return 0;
}

int pci_one(struct pci_dev *dev)
{
	return pci_first(dev);
}

int pci_two(struct pci_dev *dev)
{
	return 2;
}

int pci_three(struct pci_dev *dev)
{
	return 3;
}

static int pci_bar_fixup(struct pci_dev *dev)
{
	int ret;

	ret = pci_bar_fixup_old(dev);
	return ret;
}
"""

PRISTINE_FILES = {
    "Makefile": "# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\nPATCHLEVEL = 12\n"
                "SUBLEVEL = 0\nNAME = Baby Opossum Posse\n",
    "MAINTAINERS": "List of maintainers\n===================\n\n"
                   "PCI SUBSYSTEM\nM:\tBjorn Helgaas <bhelgaas@google.com>\n"
                   "L:\tlinux-pci@vger.kernel.org\nS:\tSupported\n"
                   "F:\tdrivers/pci/\nF:\tinclude/linux/pci.h\n\n"
                   "PCIE ENDPOINT DRIVERS\nS:\tSupported\nF:\tdrivers/pci/endpoint/\n",
    KCONFIG: KCONFIG_TEXT,
    "drivers/pci/Makefile": "# SPDX-License-Identifier: GPL-2.0\nobj-y += pci.o\n",
    "drivers/pci/pci.c": PCI_C,
    "include/linux/pci.h": "/* SPDX-License-Identifier: GPL-2.0 */\n"
                           "struct pci_dev;\nint pci_one(struct pci_dev *dev);\n",
}

# The Kconfig entry commit 4 inserts after the PCI_REALLOC_ENABLE_AUTO entry
# (i.e. just before "config PCI_STUB").
FOO_BLOCK = """\
config PCI_FOO
	bool "Enable the foo"
	depends on PCI_QUIRKS
	help
	  Say Y here to enable the foo.

"""

# The synthetic series.  edits: (path, old, new) string replacements, each
# `old` occurring exactly once; adds: {path: (content, executable)}.
SERIES = [
    dict(subject="PCI: Add pci_foo_helper()",
         author="Alice Example <alice@example.org>",
         date="2026-02-01T10:00:00+00:00",
         body="Add a helper for the foo.\n\nSigned-off-by: Alice Example "
              "<alice@example.org>\n",
         edits=[("drivers/pci/pci.c", "static int pci_first(struct pci_dev *dev)\n{\n"
                 "\treturn 0;\n}\n",
                 "static int pci_first(struct pci_dev *dev)\n{\n\treturn 0;\n}\n\n"
                 "int pci_foo_helper(struct pci_dev *dev)\n{\n\treturn 1;\n}\n"),
                ("MAINTAINERS", "F:\tinclude/linux/pci.h\n",
                 "F:\tinclude/linux/pci.h\nF:\ttools/testing/selftests/pci/\n")],
         adds={}),
    dict(subject="PCI: Add the foo driver",
         author="Bj\u00f6rn Example <bjoern@example.org>",
         date="2026-02-02T11:30:00+01:00",
         body="The foo driver does foo.\n\nA second paragraph.\n\n"
              "Signed-off-by: Bj\u00f6rn Example <bjoern@example.org>\n",
         edits=[("drivers/pci/Makefile", "obj-y += pci.o\n",
                 "obj-y += pci.o\nobj-y += foo/\n")],
         adds={"drivers/pci/foo/foo.c": ("// SPDX-License-Identifier: GPL-2.0\n"
                                         "int foo;\n", False),
               "tools/testing/selftests/pci/foo_test.sh": ("#!/bin/sh\necho ok\n", True)}),
    dict(subject="PCI: Use pci_foo_helper() in pci_bar_fixup()",
         author="Alice Example <alice@example.org>",
         date="2026-02-03T08:15:00-05:00",
         body="",    # a subject-only commit message
         edits=[("drivers/pci/pci.c", "\tret = pci_bar_fixup_old(dev);\n",
                 "\tret = pci_foo_helper(dev);\n")],
         adds={}),
    dict(subject="PCI: Add CONFIG_PCI_FOO",
         author="Bj\u00f6rn Example <bjoern@example.org>",
         date="2026-02-04T12:00:00+00:00",
         body="Let the foo be configured.\n\n"
              "Signed-off-by: Bj\u00f6rn Example <bjoern@example.org>\n",
         edits=[(KCONFIG, "config PCI_STUB\n", FOO_BLOCK + "config PCI_STUB\n")],
         adds={}),
]
FOO_ANCHOR = "config PCI_REALLOC_ENABLE_AUTO"

# Overlay files of the synthetic series (besides series and Kconfig.snippet).
PATCHED = ["MAINTAINERS", "drivers/pci/Makefile", "drivers/pci/pci.c"]
ADDED = ["drivers/pci/foo/foo.c", "tools/testing/selftests/pci/foo_test.sh"]

# Repository files that are not overlay files: overlay.py must ignore them.
HARNESS_FILES = {
    ".gitignore": "build/\nout/\n__pycache__/\n",
    "README.md": "# A synthetic overlay repository\n",
    "Makefile": "all:\n\t@true\n",
    "tools/testing/pci-align/notes.txt": "harness file, not part of the series\n",
}


def write(path, text, exe=False):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    path.chmod(0o755 if exe else 0o644)


def edit(path, old, new):
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, "%s: %r occurs %d times" % (path, old, text.count(old))
    path.write_text(text.replace(old, new), encoding="utf-8")


def author_env(author, date):
    name, email = author[:-1].split(" <")
    return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": OV.DEV_NAME, "GIT_COMMITTER_EMAIL": OV.DEV_EMAIL,
            "GIT_COMMITTER_DATE": date}


def series_text(entries):
    """The series file, written from the documented format (not by overlay.py)."""
    out = [OV.SERIES_HEADER]
    for e in entries:
        out.append("Subject: %s\nAuthor: %s\nDate: %s\n" % (e["subject"], e["author"],
                                                           e["date"]))
        out.extend("Add: %s\n" % a for a in sorted(e["adds"]))
        out.append("\n%s---\n" % e["body"])
    return "".join(out)


def snippet_text(blocks):
    return OV.SNIPPET_HEADER + "".join("# commit: %s\n# after: %s\n%s" % b for b in blocks)


class Sandbox:
    """One synthetic repository (repo), its reference kernel tree (ref)."""

    def __init__(self, top, env):
        self.top = Path(top)
        self.repo = self.top / "repo"
        self.ref = self.top / "ref"
        self.pristine = self.repo / "build" / BASE / "pristine"
        self.linux = self.repo / "build" / BASE / "linux"
        self.base_git = self.repo / "build" / BASE / "base-git"
        self.env = env

    def run(self, argv, cwd, input=None, extra_env=None, check=True):
        env = dict(self.env)
        env.update(extra_env or {})
        p = subprocess.run(argv, cwd=str(cwd), env=env, input=input,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
        if check and p.returncode:
            raise AssertionError("%s failed (rc %d) in %s:\n%s%s"
                                 % (argv, p.returncode, cwd, p.stdout, p.stderr))
        return p

    def git(self, cwd, *args, **kw):
        return self.run(["git"] + list(args), cwd, **kw).stdout

    def overlay(self, cmd, force=False, tree=None):
        """Run overlay.py CMD; return the CompletedProcess (never raises)."""
        extra = {"PCI_ALIGN_ROOT": str(self.repo), "BASE": BASE}
        if force:
            extra["FORCE"] = "1"
        if tree:
            extra["TREE"] = tree
        return self.run([sys.executable, str(OVERLAY), cmd], self.repo,
                        extra_env=extra, check=False)

    def ok(self, cmd, **kw):
        p = self.overlay(cmd, **kw)
        assert p.returncode == 0, "overlay.py %s failed:\n%s%s" % (cmd, p.stdout, p.stderr)
        return p

    def fails(self, cmd, **kw):
        p = self.overlay(cmd, **kw)
        assert p.returncode == 1, ("overlay.py %s: rc %d, wanted 1:\n%s%s"
                                   % (cmd, p.returncode, p.stdout, p.stderr))
        assert "Traceback" not in p.stderr, p.stderr
        return p

    def repo_status(self):
        """git status of the repository: ['XY path', ...]."""
        out = self.git(self.repo, "status", "--porcelain", "--untracked-files=all")
        return out.splitlines()

    def commit_repo(self, msg="update the overlay"):
        self.git(self.repo, "add", "-A")
        self.git(self.repo, "commit", "-q", "-m", msg)

    def commit_linux(self, msg, *paths):
        """Commit changes in build/linux (all tracked files, plus PATHS)."""
        if paths:
            self.git(self.linux, "add", "--", *paths)
        self.git(self.linux, "commit", "-q", "-a", "--cleanup=verbatim", "-m", msg)

    def head(self, tree=None):
        return self.git(tree or self.linux, "rev-parse", "HEAD").strip()

    def log(self, tree, fmt, rng="base..HEAD"):
        out = self.git(tree, "log", "--reverse", "-z", "--format=" + fmt, rng)
        return [x for x in out.split("\0") if x]


def build_template(top, env):
    sb = Sandbox(top, env)
    for path, text in PRISTINE_FILES.items():
        write(sb.pristine / path, text)

    # The reference tree: the series committed with plain git.
    shutil.copytree(str(sb.pristine), str(sb.ref), symlinks=True)
    sb.git(sb.ref, "init", "-q")
    sb.git(sb.ref, "config", "user.name", OV.DEV_NAME)
    sb.git(sb.ref, "config", "user.email", OV.DEV_EMAIL)
    sb.git(sb.ref, "add", "-A", "-f")
    sb.git(sb.ref, "commit", "-q", "-m", "Linux 6.12.0 base",
           extra_env={"GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
                      "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"})
    sb.git(sb.ref, "tag", "base")
    for e in SERIES:
        for path, old, new in e["edits"]:
            edit(sb.ref / path, old, new)
        for path, (text, exe) in e["adds"].items():
            write(sb.ref / path, text, exe)
        sb.git(sb.ref, "add", "-A")
        msg = e["subject"] + "\n" + ("\n" + e["body"] if e["body"] else "")
        sb.git(sb.ref, "commit", "-q", "--cleanup=verbatim", "-F", "-", input=msg,
               extra_env=author_env(e["author"], e["date"]))

    # The overlay repository.
    for path, text in HARNESS_FILES.items():
        write(sb.repo / path, text)
    write(sb.repo / "series", series_text(SERIES))
    write(sb.repo / "Kconfig.snippet",
          snippet_text([(SERIES[3]["subject"], FOO_ANCHOR, FOO_BLOCK)]))
    for path in PATCHED:
        write(sb.repo / (path + ".patch"),
              INDEX_LINE.sub("", sb.git(sb.ref, *(FORMAT_PATCH + ["base..HEAD", "--",
                                                                path]))))
    for e in SERIES:
        for path, (text, exe) in e["adds"].items():
            write(sb.repo / path, text, exe)
    sb.git(sb.repo, "init", "-q")
    sb.commit_repo("synthetic overlay")
    return sb


@pytest.fixture(scope="session")
def git_env(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Test Runner\n\temail = runner@example.org\n"
        "[init]\n\tdefaultBranch = master\n[commit]\n\tgpgsign = false\n"
        "[advice]\n\tdetachedHead = false\n")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GIT_") and k not in ("PCI_ALIGN_ROOT", "TREE", "FORCE")}
    env.update(HOME=str(home), GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
               GIT_CONFIG_NOSYSTEM="1", LC_ALL="C.UTF-8", LANG="C.UTF-8",
               PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8")
    return env


@pytest.fixture(scope="session")
def template(tmp_path_factory, git_env):
    return build_template(tmp_path_factory.mktemp("template"), git_env)


@pytest.fixture
def sb(template, tmp_path):
    """A private copy of the synthetic repository and reference tree."""
    for name in ("repo", "ref"):
        shutil.copytree(str(template.top / name), str(tmp_path / name), symlinks=True)
    return Sandbox(tmp_path, template.env)


@pytest.fixture
def built(sb):
    """The sandbox after a successful `overlay.py tree`."""
    sb.ok("tree")
    return sb


# ------------------------------------------------------------------ tests

SUBJECTS = [e["subject"] for e in SERIES]


def tree_ids(sb, tree):
    return sb.log(tree, "%T", "HEAD")   # base and the series


# ------------------------------------------------------------ the round trip

def test_tree_builds_base_plus_one_commit_per_entry(built):
    sb = built
    linux = sb.linux
    assert sb.git(linux, "tag", "--list").split() == ["base"]
    assert sb.log(linux, "%s", "base") == ["Linux 6.12.0 base"]
    assert sb.git(linux, "rev-list", "--count", "HEAD").strip() == str(len(SERIES) + 1)
    assert sb.log(linux, "%s") == SUBJECTS
    assert sb.log(linux, "%an <%ae>") == [e["author"] for e in SERIES]
    assert sb.log(linux, "%aI") == [e["date"] for e in SERIES]
    assert sb.log(linux, "%B") == [e["subject"] + "\n" + ("\n" + e["body"] if e["body"] else "")
                                   for e in SERIES]
    assert set(sb.log(linux, "%cn <%ce>")) == {"%s <%s>" % (OV.DEV_NAME, OV.DEV_EMAIL)}
    assert sb.log(linux, "%cI") == sb.log(linux, "%aI")
    # Every commit has the content of the plain-git reference commit (the
    # Kconfig block spliced at its anchor, the new files with their modes)...
    assert tree_ids(sb, linux) == tree_ids(sb, sb.ref)
    # ... and, committer and dates being fixed, the very same commit ids.
    assert sb.head() == sb.head(sb.ref)
    assert sb.git(linux, "status", "--porcelain", "--untracked-files=all") == ""
    assert os.access(str(linux / "tools/testing/selftests/pci/foo_test.sh"), os.X_OK)
    assert not (linux / ".git" / "pci-align-incomplete").exists()
    assert not (sb.repo / "build" / "linux.new").exists()
    assert sb.base_git.is_dir()
    # Harness files of the repository never enter the kernel tree.
    assert not (linux / "README.md").exists()
    assert not (linux / "tools/testing/pci-align").exists()
    assert (linux / "Makefile").read_text() == PRISTINE_FILES["Makefile"]


def test_tree_save_repo_status_round_trip_is_clean(built):
    sb = built
    p = sb.ok("save")
    assert "saved %d commit(s)" % len(SERIES) in p.stdout
    assert "0 file(s) written, 0 removed" in p.stdout
    assert sb.repo_status() == []
    p = sb.ok("repo-status")
    assert p.stdout == ""
    p = sb.ok("status")
    assert "all commits saved" in p.stdout


def test_round_trip_holds_across_point_releases(built):
    """A point release of the base moves the lines the series patches (and
    changes the blob ids): make tree applies the stored patches at their
    new place, and make save leaves the repository as it is."""
    sb = built
    head_tree = sb.git(sb.linux, "rev-parse", "HEAD^{tree}")
    # a stable fix: three lines above everything the series touches
    edit(sb.pristine / "drivers/pci/pci.c", " */\n\n#include",
         " */\n/* fix 1 */\n/* fix 2 */\n/* fix 3 */\n\n#include")
    edit(sb.pristine / "Makefile", "SUBLEVEL = 0\n", "SUBLEVEL = 1\n")
    shutil.rmtree(str(sb.base_git))      # what base.sh does with a new pristine
    p = sb.ok("tree")                    # saved: replaced without FORCE
    assert sb.git(sb.linux, "rev-parse", "HEAD^{tree}") != head_tree
    assert sb.log(sb.linux, "%s", "base") == ["Linux 6.12.1 base"]
    before = {f: (sb.repo / (f + ".patch")).read_bytes() for f in PATCHED}
    regenerated = INDEX_LINE.sub("", sb.git(sb.linux, *(FORMAT_PATCH + [
        "base..HEAD", "--", "drivers/pci/pci.c"])))
    # the hunks moved: a byte-wise comparison would rewrite the file
    assert regenerated.encode() != before["drivers/pci/pci.c"]
    p = sb.ok("save")
    assert "0 file(s) written, 0 removed" in p.stdout
    assert sb.repo_status() == []
    assert not any(INDEX_LINE.search(b.decode()) for b in before.values())


def test_save_rewrites_a_patch_whose_change_differs(built):
    """same_change() ignores hunk line numbers only: a changed line of a
    commit is written."""
    assert built.repo_status() == []
    assert OV.same_change("x.patch", b"@@ -1,2 +1,3 @@\n+a\n",
                          b"@@ -7,2 +8,3 @@\n+a\n")
    assert not OV.same_change("x.patch", b"@@ -1,2 +1,3 @@\n+a\n",
                              b"@@ -1,2 +1,3 @@\n+b\n")
    assert not OV.same_change("x.patch", b"@@ -1,2 +1,3 @@\n+a\n",
                              b"@@ -1,3 +1,3 @@\n+a\n")
    assert not OV.same_change("series", b"a\n", b"b\n")


def test_tree_is_reproducible_with_and_without_base_cache(built):
    sb = built
    head = sb.head()
    p = sb.ok("tree")                    # saved tree: replaced without FORCE
    assert "from build/6.12/base-git" in p.stderr
    assert sb.head() == head
    shutil.rmtree(str(sb.base_git))      # what base.sh does with a new pristine
    p = sb.ok("tree")
    assert "from build/6.12/base-git" not in p.stderr
    assert sb.head() == head
    assert sb.base_git.is_dir()


# ------------------------------------------------- save after editing commits

def _fixup(sb, subject, path, old, new):
    """Change PATH in the commit SUBJECT of build/linux (fixup + autosquash)."""
    edit(sb.linux / path, old, new)
    sha = sb.git(sb.linux, "log", "--format=%H", "--fixed-strings", "--grep", subject,
                 "base..HEAD").split()
    assert len(sha) == 1
    sb.git(sb.linux, "commit", "-q", "-a", "--fixup", sha[0])
    sb.git(sb.linux, "rebase", "-q", "-i", "--autosquash", "base",
           extra_env={"GIT_SEQUENCE_EDITOR": "true"})


def _edit_patch(sb):
    _fixup(sb, SUBJECTS[2], "drivers/pci/pci.c", "\treturn ret;\n", "\treturn ret ?: 1;\n")
    return "drivers/pci/pci.c.patch", "+\treturn ret ?: 1;"


def _edit_kconfig(sb):
    edit(sb.linux / KCONFIG, "\t  Say Y here to enable the foo.\n",
         "\t  Say Y here to enable the foo, if unsure say N.\n")
    sb.git(sb.linux, "commit", "-q", "-a", "--amend", "--no-edit")
    return "Kconfig.snippet", "if unsure say N."


def _edit_message(sb):
    body = "Let the foo be configured, reworded.\n"
    sb.git(sb.linux, "commit", "-q", "--amend", "--cleanup=verbatim", "-m",
           SUBJECTS[3] + "\n\n" + body)
    return "series", body


def _edit_new_file(sb):
    _fixup(sb, SUBJECTS[1], "drivers/pci/foo/foo.c", "int foo;\n", "int foo = 42;\n")
    return "drivers/pci/foo/foo.c", "int foo = 42;"


@pytest.mark.parametrize("change", [_edit_patch, _edit_kconfig, _edit_message, _edit_new_file],
                         ids=["patch", "kconfig", "message", "new-file"])
def test_save_after_edit_writes_exactly_that_file(built, change):
    sb = built
    path, needle = change(sb)
    p = sb.ok("save")
    assert p.stdout.splitlines()[:-1] == ["  wrote   " + path]
    assert "1 file(s) written, 0 removed" in p.stdout
    assert sb.repo_status() == [" M " + path]
    assert needle in (sb.repo / path).read_text(encoding="utf-8")
    p = sb.overlay("repo-status")
    assert p.returncode == 1
    assert p.stdout.splitlines() == [" M " + path]
    # Saved: the tree is replaced without FORCE and comes back identical.
    edited = tree_ids(sb, sb.linux)
    sb.commit_repo()
    assert sb.ok("repo-status").stdout == ""
    sb.ok("tree")
    assert tree_ids(sb, sb.linux) == edited
    assert sb.log(sb.linux, "%s") == SUBJECTS


def test_save_removes_files_of_a_dropped_commit(built):
    sb = built
    sb.git(sb.linux, "rebase", "-q", "-i", "base",
           extra_env={"GIT_SEQUENCE_EDITOR": "sed -i -e '/%s/s/^pick/drop/'"
                      % SUBJECTS[1].replace(" ", ".")})
    assert sb.log(sb.linux, "%s") == [SUBJECTS[0], SUBJECTS[2], SUBJECTS[3]]
    p = sb.ok("save")
    lines = p.stdout.splitlines()
    assert lines[:-1] == ["  wrote   series"] + ["  removed %s" % x for x in
                                                  sorted(ADDED + ["drivers/pci/Makefile.patch"])]
    assert sorted(sb.repo_status()) == sorted(
        [" M series", " D drivers/pci/Makefile.patch"] + [" D " + a for a in ADDED])
    # Emptied directories go too, but not those holding other files.
    assert not (sb.repo / "drivers/pci/foo").exists()
    assert not (sb.repo / "tools/testing/selftests").exists()
    assert (sb.repo / "tools/testing/pci-align/notes.txt").is_file()
    assert sb.overlay("repo-status").returncode == 1


def test_save_adds_a_new_commit_and_new_file(built):
    sb = built
    write(sb.linux / "drivers/pci/bar.c", "int bar;\n")
    edit(sb.linux / "drivers/pci/Makefile", "obj-y += foo/\n", "obj-y += foo/\nobj-y += bar.o\n")
    sb.commit_linux("PCI: Add bar\n\nSigned-off-by: T <t@example.org>\n", "drivers/pci/bar.c")
    sb.ok("save")
    assert sorted(sb.repo_status()) == [" M drivers/pci/Makefile.patch", " M series",
                                        "?? drivers/pci/bar.c"]
    assert "Subject: PCI: Add bar\n" in (sb.repo / "series").read_text(encoding="utf-8")
    assert "Add: drivers/pci/bar.c\n" in (sb.repo / "series").read_text(encoding="utf-8")
    out = sb.overlay("repo-status")
    assert out.returncode == 1
    assert "?? drivers/pci/bar.c" in out.stdout.splitlines()


# ---------------------------------------------------------- the Kconfig rule

KCONFIG_BAD = {
    # id: ([(old, new), ...] applied to drivers/pci/Kconfig, expected message part)
    "changed-line": ([("\tdefault y\n", "\tdefault n\n")], "it changes lines"),
    "removed-line": ([("\tdepends on PCI_IOV\n", "")], "it removes lines"),
    "changed-and-added": ([("\tdefault y\n", "\tdefault n\n\tdepends on X86\n")],
                          "it changes or removes existing lines"),
    "inside-an-entry": ([('\ttristate "PCI Stub driver"\n',
                          '\ttristate "PCI Stub driver"\n\tdepends on X86\n')],
                        "which is not just after an entry"),
    "two-places": ([("config PCI_QUIRKS\n", "config PCI_A\n\tbool\n\nconfig PCI_QUIRKS\n"),
                    ("config PCI_STUB\n", "config PCI_B\n\tbool\n\nconfig PCI_STUB\n")],
                   "adds lines in several places"),
    "ambiguous-anchor": ([("config PCI_QUIRKS\n",
                           "config PCI_EARLY\n\tbool\n\nconfig PCI_QUIRKS\n")],
                         "that line occurs 2 times"),
}


@pytest.mark.parametrize("case", sorted(KCONFIG_BAD))
def test_save_rejects_kconfig_changes_other_than_one_inserted_block(built, case):
    sb = built
    edits, reason = KCONFIG_BAD[case]
    for old, new in edits:
        edit(sb.linux / KCONFIG, old, new)
    sb.commit_linux("PCI: Tweak Kconfig\n\nSigned-off-by: T <t@example.org>\n")
    p = sb.fails("save")
    err = p.stderr
    assert err.startswith("error: ")
    assert "'PCI: Tweak Kconfig'" in err
    assert KCONFIG in err
    assert reason in err
    if case != "ambiguous-anchor":
        assert "Allowed: a commit may only insert one contiguous block" in err
    assert "wrote" not in p.stdout
    assert sb.repo_status() == []        # nothing written


def test_save_stores_a_block_appended_at_the_end(built):
    sb = built
    with open(str(sb.linux / KCONFIG), "a") as f:
        f.write('\nconfig PCI_BAR\n\tbool "Bar"\n')
    sb.commit_linux("PCI: Add CONFIG_PCI_BAR\n\nSigned-off-by: T <t@example.org>\n")
    sb.ok("save")
    assert sorted(sb.repo_status()) == [" M Kconfig.snippet", " M series"]
    snippet = (sb.repo / "Kconfig.snippet").read_text(encoding="utf-8")
    assert snippet.endswith("# commit: %s\n# after: %s\n%s"
                            "# commit: PCI: Add CONFIG_PCI_BAR\n# after: config PCI_STUB\n"
                            '\nconfig PCI_BAR\n\tbool "Bar"\n'
                            % (SUBJECTS[3], FOO_ANCHOR, FOO_BLOCK))
    edited = tree_ids(sb, sb.linux)
    sb.commit_repo()
    sb.ok("tree")
    assert tree_ids(sb, sb.linux) == edited
    assert not (sb.repo / (KCONFIG + ".patch")).exists()


# -------------------------------------------------- tree failures, FORCE=1

def _break_pci_c(sb):
    edit(sb.pristine / "drivers/pci/pci.c", "\tint ret;\n", "\tlong ret;\n")
    return ["drivers/pci/pci.c.patch does not apply for commit %r" % SUBJECTS[2],
            "tree left in build/6.12/linux.new"]


def _break_kconfig_anchor(sb):
    edit(sb.pristine / KCONFIG, "config PCI_REALLOC_ENABLE_AUTO\n", "config PCI_REALLOC\n")
    return ["Kconfig.snippet:", "the block of %r" % SUBJECTS[3], "is missing"]


@pytest.mark.parametrize("breaker", [_break_pci_c, _break_kconfig_anchor],
                         ids=["hunk", "kconfig-anchor"])
def test_tree_fails_naming_file_and_commit(built, breaker):
    sb = built
    head = sb.head()
    pristine_copy = sb.top / "pristine.orig"
    shutil.copytree(str(sb.pristine), str(pristine_copy))
    wanted = breaker(sb)
    shutil.rmtree(str(sb.base_git))      # as base.sh does with a new pristine
    p = sb.fails("tree")
    for w in wanted:
        assert w in p.stderr
    # The tree built before is untouched, the broken one is marked incomplete.
    assert sb.head() == head
    assert sb.git(sb.linux, "status", "--porcelain") == ""
    assert (sb.repo / "build/6.12/linux.new/.git/pci-align-incomplete").exists()
    # Fixed: tree works again (build/linux is saved, so without FORCE).
    shutil.rmtree(str(sb.pristine))
    os.rename(str(pristine_copy), str(sb.pristine))
    shutil.rmtree(str(sb.base_git))
    sb.ok("tree")
    assert sb.head() == head
    assert not (sb.repo / "build/6.12/linux.new").exists()


def _unsaved_commit(sb):
    write(sb.linux / "drivers/pci/pci.c", "// rewritten\n")
    sb.commit_linux("PCI: Unsaved work\n")
    return "its commits differ from the overlay (run 'make save' first); " \
           "differing: drivers/pci/pci.c.patch, series"


def _uncommitted_change(sb):
    write(sb.linux / "drivers/pci/pci.c", "// rewritten\n")
    return "it has uncommitted changes"


@pytest.mark.parametrize("work", [_unsaved_commit, _uncommitted_change],
                         ids=["unsaved-commit", "uncommitted-change"])
def test_tree_refuses_to_replace_unsaved_work_unless_force(built, work):
    sb = built
    reason = work(sb)
    head = sb.head()
    p = sb.overlay("status")
    assert p.returncode == 1 and reason in p.stdout
    p = sb.fails("tree")
    assert "refusing to replace build/6.12/linux: " + reason in p.stderr
    assert "FORCE=1" in p.stderr
    assert sb.head() == head
    assert (sb.linux / "drivers/pci/pci.c").read_text() == "// rewritten\n"
    p = sb.ok("tree", force=True)
    assert sb.head() == sb.head(sb.ref)
    assert sb.ok("status").returncode == 0


def test_tree_rejects_a_stale_base_cache(built):
    sb = built
    edit(sb.pristine / "include/linux/pci.h", "struct pci_dev;\n",
         "struct pci_dev;\nstruct pci_bus;\n")
    p = sb.fails("tree")
    assert "the base commit does not match build/6.12/pristine" in p.stderr
    assert "build/6.12/base-git" in p.stderr
    shutil.rmtree(str(sb.base_git))
    sb.ok("tree")
    assert sb.git(sb.linux, "show", "base:include/linux/pci.h").count("struct pci_bus;") == 1


def test_tree_needs_pristine(sb):
    os.unlink(str(sb.pristine / "Makefile"))
    p = sb.fails("tree")
    assert "build/6.12/pristine missing: run 'make base'" in p.stderr
    assert not sb.linux.exists()


def test_tree_rejects_stray_repository_file(sb):
    write(sb.repo / "drivers/pci/stray.c", "int stray;\n")
    p = sb.fails("tree")
    assert "drivers/pci/stray.c is neither a .patch file nor listed as 'Add:'" in p.stderr
    assert not sb.linux.exists()


def test_tree_rejects_snippet_block_of_unknown_commit(sb):
    edit(sb.repo / "Kconfig.snippet", "# commit: " + SUBJECTS[3], "# commit: PCI: Nonexistent")
    p = sb.fails("tree")
    assert "block for commit 'PCI: Nonexistent', which is not in series" in p.stderr
    assert not sb.linux.exists()


# ------------------------------------------- commits that save can't store

def _touch_harness_path(sb):
    edit(sb.linux / "Makefile", "SUBLEVEL = 0\n", "SUBLEVEL = 1\n")
    sb.commit_linux("kbuild: Bump SUBLEVEL\n")
    return "touches Makefile, which collides with the harness"


def _change_new_file_again(sb):
    edit(sb.linux / "drivers/pci/foo/foo.c", "int foo;\n", "int foo = 1;\n")
    sb.commit_linux("PCI: Initialize foo\n")
    return ("new file drivers/pci/foo/foo.c is created by %r and changed again by "
            "'PCI: Initialize foo'" % SUBJECTS[1])


def _noncanonical_message(sb):
    edit(sb.linux / "drivers/pci/pci.c", "\treturn 2;\n", "\treturn 22;\n")
    sb.commit_linux("PCI: Two\n\nbody\n---\nafter a separator\n")
    return "'PCI: Two': message is not in the canonical form"


def _duplicate_subject(sb):
    edit(sb.linux / "drivers/pci/pci.c", "\treturn 2;\n", "\treturn 22;\n")
    sb.commit_linux(SUBJECTS[0] + "\n")
    return "two commits with subject %r" % SUBJECTS[0]


@pytest.mark.parametrize("commit", [_touch_harness_path, _change_new_file_again,
                                    _noncanonical_message, _duplicate_subject],
                         ids=["harness-path", "new-file-changed-again",
                              "noncanonical-message", "duplicate-subject"])
def test_save_rejects_unstorable_commit(built, commit):
    sb = built
    reason = commit(sb)
    p = sb.fails("save")
    assert reason in p.stderr
    assert sb.repo_status() == []


def test_repo_status_ignores_harness_files_but_not_overlay_meta(built):
    sb = built
    write(sb.repo / "README.md", "changed\n")
    write(sb.repo / "tools/testing/pci-align/new.txt", "new harness file\n")
    assert sb.ok("repo-status").stdout == ""
    edit(sb.repo / "Kconfig.snippet", "\t  Say Y here to enable the foo.\n",
         "\t  Say Y here to enable the foo!\n")
    p = sb.overlay("repo-status")
    assert p.returncode == 1
    assert p.stdout.splitlines() == [" M Kconfig.snippet"]
    # The stray change also reaches build/6.12/linux: tree reads the working copy.
    sb.ok("tree", force=True)
    assert "enable the foo!" in (sb.linux / KCONFIG).read_text()


def test_repo_status_handles_staged_renames(sb):
    # git status -z prints a rename as "R  new\0old\0": the source path has no
    # status prefix and must not be taken for an overlay path.
    sb.git(sb.repo, "mv", "tools/testing/pci-align/notes.txt", "tools/testing/pci-align/n.txt")
    p = sb.overlay("repo-status")
    assert (p.returncode, p.stdout) == (0, "")
    sb.git(sb.repo, "mv", ADDED[0], "drivers/pci/foo/bar.c")
    p = sb.overlay("repo-status")
    assert p.returncode == 1
    assert sorted(p.stdout.splitlines()) == ["A  drivers/pci/foo/bar.c", "D  " + ADDED[0]]
