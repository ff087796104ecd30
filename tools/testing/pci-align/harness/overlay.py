#!/usr/bin/env python3
"""Convert between the overlay repository and a kernel git tree.

  overlay.py tree    (make tree)  rebuild $TREE: pristine base commit + series
  overlay.py save    (make save)  store $TREE's base..HEAD as overlay files
  overlay.py status  report whether $TREE's commits are all saved (exit 1 if not)
  overlay.py repo-status  list overlay paths (series and Kconfig.snippet too) that
                     differ from the repository's HEAD (git status), exit 1 if
                     any: the round-trip check

Overlay layout (paths relative to the repository root):
  series             ordered commit list (see SERIES_HEADER below)
  <path>.patch       changes to an existing kernel file <path>: the output of
                     git format-patch --stdout --zero-commit --no-signature
                     base..HEAD -- <path>
  <path>             a file the series adds, stored whole
  Kconfig.snippet    the config entries the series inserts into
                     drivers/pci/Kconfig: one block per commit that changes it,
                     each spliced in at its anchor line when `make tree` replays
                     that commit (see SNIPPET_HEADER below); there is never a
                     drivers/pci/Kconfig.patch
Harness files (tools/testing/pci-align/, Makefile, README.md, BENCHMARKS.md,
bench/, ...) are never part of the overlay, see is_harness().

A commit may change drivers/pci/Kconfig only by inserting one contiguous
block of whole entries between two existing entries (or at the end), without
changing existing lines; `make save` refuses anything else.  Write the
Kconfig change as a normal commit in $TREE and run `make save`, which derives
the block and its anchor; the exported series has an ordinary Kconfig hunk.

Environment (harness/paths.py): PCI_ALIGN_ROOT (repo root), BASE (the
base, harness/bases.py: its row says where its overlay is, or that it has
no series yet, when make tree gives the base commit alone), TREE (kernel
tree, default build/<base>/linux); FORCE=1 (make tree: replace a tree
holding unsaved work).

The stored patches don't depend on the point release of the base: they
have no "index" lines, git apply finds each hunk where its context is,
and make save rewrites a .patch file only when what it changes differs
(same_change(): hunk line numbers are not compared).
Only the python3 standard library is used.
"""

import email
import email.policy
import os
import re
import shutil
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import bases, paths  # noqa: E402  (the paths, resolved once)

# ROOT: where this base's overlay files are ('' for a base without a series)
ROOT, TREE, PRISTINE = paths.OVERLAY, paths.TREE, paths.PRISTINE
BASE = paths.BASE
# .git of a tree holding only the base commit, reused by `make tree`
# (paths.base_git(): one per package file, shared by every clone; for a
# KSRC tree in build/<base>/, removed by base.sh with the pristine tree).
BASE_CACHE = paths.base_git()

# Top-level names of the repository that are never overlay files.
EXCLUDE_TOP = {
    ".git", ".ci", ".gitignore", ".gitattributes", "build", "out",
    "README.md", "Makefile", "BENCHMARKS.md", "bench", "series",
    "Kconfig.snippet",
} | {b.overlay for b in bases.BASES.values() if b.overlay}  # other series
EXCLUDE_PREFIXES = ("tools/testing/pci-align/",)
# The kernel file whose changes are kept in SNIPPET instead of a .patch file.
KCONFIG = "drivers/pci/Kconfig"
SNIPPET = "Kconfig.snippet"
# Top-level overlay files that make save writes (excluded above only so that
# they are never taken for kernel files); repo-status checks them too.
OVERLAY_META = ("series", SNIPPET)

DEV_NAME = "PCI Align Developers"
DEV_EMAIL = "pci-align@example.org"
BASE_DATE = "2026-01-01T00:00:00Z"


def base_message():
    """The message of the base commit: the version of the pristine tree."""
    return "Linux %s base" % (paths.kernel_version(PRISTINE) or BASE.name)


# Options making the stored .patch files independent of local git config
# and of the object count of the tree (abbreviation length).
FORMAT_PATCH = ["format-patch", "--stdout", "--zero-commit", "--no-signature",
                "--no-renames", "--no-cover-letter",
                "--src-prefix=a/", "--dst-prefix=b/", "--diff-algorithm=myers",
                "-U3", "--inter-hunk-context=0"]

SERIES_HEADER = """\
# The "page-align small BARs" series: one entry per commit, in order, on top
# of the base.  Written by `make save` from $(TREE) base..HEAD and
# read by `make tree`; edit the kernel tree and re-run `make save` rather than
# editing this file by hand.
#
# Entry format:
#   Subject: <subject line>
#   Author: Name <email>
#   Date: <author date, git's ISO 8601 strict format (%aI)>
#   Add: <path>        one line per new file added by the commit (zero or more);
#                      the file is stored whole at <path> in this repository
#   <empty line>
#   <commit message body, verbatim, including Signed-off-by>
#   ---                ends the entry
# Changes to existing kernel files are in <path>.patch (one mbox per file, one
# message per commit touching it, matched to an entry by its Subject).  The
# committer is "PCI Align Developers <pci-align@example.org>" and the
# committer date equals the author date, so commit ids are reproducible.
# Comment lines are only allowed here, before the first entry.
"""

SNIPPET_HEADER = """\
# The config entries the series adds to drivers/pci/Kconfig: one block per
# commit that changes that file, in series order.  Written by `make save` from
# $(TREE) base..HEAD and read by `make tree`, which splices each block into
# drivers/pci/Kconfig when it replays that commit, so the commit (and `make
# series`) has an ordinary Kconfig hunk.  Edit the kernel tree and re-run
# `make save` rather than editing this file by hand.
#
# Block format:
#   # commit: <Subject of the series entry that adds the block>
#   # after: <anchor: a line of drivers/pci/Kconfig as it is before that commit>
#   <Kconfig text, verbatim: tabs, blank lines, '#' comments; it runs up to
#    the next '# commit: ' line or the end of this file>
# Every line that begins with a character other than a space or a tab
# (config, menuconfig, choice, endchoice, menu, endmenu, comment, if, endif,
# source, a '#' comment) starts an entry, which runs up to the next such line.
# The anchor must occur in the file exactly once and start an entry; the
# block is inserted after that entry, i.e. just before the next line that
# starts an entry (or at the end of the file).  The first non-blank line of
# the block must start an entry.  A commit may only insert one such block
# into drivers/pci/Kconfig; changing or removing its lines is not supported.
# Everything before the first '# commit: ' line is this comment.

"""
COMMIT_TAG = "# commit: "
AFTER_TAG = "# after: "

MBOX_FROM = re.compile(rb"^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001\n", re.M)
PATCH_PREFIX = re.compile(r"^\[PATCH[^\]]*\]\s*")


class Error(Exception):
    pass


def die(msg):
    sys.stderr.write("error: %s\n" % msg)
    sys.exit(1)


def info(msg):
    sys.stderr.write(">>> %s\n" % msg)


def rel(path):
    return os.path.relpath(path, paths.ROOT)


def git(args, cwd=None, input=None, env=None, check=True):
    """Run git, return stdout as bytes; raise Error with stderr on failure."""
    full_env = dict(os.environ)
    full_env.pop("GIT_DIR", None)
    full_env.pop("GIT_WORK_TREE", None)
    full_env.pop("GIT_INDEX_FILE", None)
    if env:
        full_env.update(env)
    p = subprocess.run(["git"] + args, cwd=cwd or TREE, input=input, env=full_env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and p.returncode:
        raise Error("git %s failed in %s:\n%s" % (" ".join(args[:3]), cwd or TREE,
                                                  p.stderr.decode(errors="replace").rstrip()))
    return p.stdout


def gits(args, **kw):
    return git(args, **kw).decode()


def is_harness(path):
    top = path.split("/", 1)[0]
    return (top in EXCLUDE_TOP or path.startswith(EXCLUDE_PREFIXES)
            or "/__pycache__/" in "/" + path or path.endswith(".pyc"))


# ---------------------------------------------------------------- series file

class Entry:
    def __init__(self, subject, author, date, adds, body):
        self.subject, self.author, self.date = subject, author, date
        self.adds, self.body = adds, body

    def message(self):
        return self.subject + "\n" + ("\n" + self.body if self.body else "")

    def author_env(self):
        m = re.match(r"^(.*?)\s*<([^<>]*)>$", self.author)
        if not m:
            raise Error("series: bad Author line %r (want 'Name <email>')" % self.author)
        return {
            "GIT_AUTHOR_NAME": m.group(1), "GIT_AUTHOR_EMAIL": m.group(2),
            "GIT_AUTHOR_DATE": self.date,
            "GIT_COMMITTER_NAME": DEV_NAME, "GIT_COMMITTER_EMAIL": DEV_EMAIL,
            "GIT_COMMITTER_DATE": self.date,
        }


def format_series(entries):
    out = [SERIES_HEADER]
    for e in entries:
        out.append("Subject: %s\nAuthor: %s\nDate: %s\n" % (e.subject, e.author, e.date))
        out.extend("Add: %s\n" % a for a in e.adds)
        out.append("\n" + e.body + "---\n")
    return "".join(out)


def parse_series(text, name="series"):
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    i, entries = 0, []
    while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
        i += 1
    while i < len(lines):
        start = i + 1
        hdr = {"Add": []}
        while i < len(lines) and lines[i] != "":
            m = re.match(r"^(Subject|Author|Date|Add): (.*)$", lines[i])
            if not m:
                raise Error("%s:%d: expected 'Subject:', 'Author:', 'Date:' or 'Add:' "
                            "header, got %r" % (name, i + 1, lines[i]))
            k, v = m.groups()
            if k == "Add":
                hdr["Add"].append(v)
            elif k in hdr:
                raise Error("%s:%d: duplicate %s header" % (name, i + 1, k))
            else:
                hdr[k] = v
            i += 1
        for k in ("Subject", "Author", "Date"):
            if k not in hdr:
                raise Error("%s:%d: entry without %s header" % (name, start, k))
        i += 1  # blank line
        body = []
        while i < len(lines) and lines[i] != "---":
            body.append(lines[i] + "\n")
            i += 1
        if i >= len(lines):
            raise Error("%s:%d: entry %r not terminated by a '---' line"
                        % (name, start, hdr["Subject"]))
        i += 1
        entries.append(Entry(hdr["Subject"], hdr["Author"], hdr["Date"], hdr["Add"],
                             "".join(body)))
    return entries


# ---------------------------------------------------------- Kconfig.snippet

class Block:
    def __init__(self, subject, anchor, text, line=0):
        self.subject, self.anchor, self.text, self.line = subject, anchor, text, line


def split_lines(text):
    """Lines of text, each with its newline (the last one may lack it)."""
    lines = [l + "\n" for l in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def starts_entry(line):
    """Does this Kconfig line start an entry (see SNIPPET_HEADER)?"""
    return line[:1] not in ("", " ", "\t", "\n")


def format_snippet(blocks):
    return SNIPPET_HEADER + "".join("%s%s\n%s%s\n%s" % (COMMIT_TAG, b.subject, AFTER_TAG,
                                                        b.anchor, b.text) for b in blocks)


def parse_snippet(text, name=SNIPPET):
    lines = split_lines(text)
    i = 0
    while i < len(lines) and not lines[i].startswith(COMMIT_TAG):
        if not lines[i].startswith("#") and lines[i].strip():
            raise Error("%s:%d: expected a comment or a '%s<subject>' line, got %r"
                        % (name, i + 1, COMMIT_TAG, lines[i]))
        i += 1
    blocks = []
    while i < len(lines):
        subject = lines[i][len(COMMIT_TAG):].rstrip("\n")
        if i + 1 >= len(lines) or not lines[i + 1].startswith(AFTER_TAG):
            raise Error("%s:%d: '%s%s' must be followed by an '%s<anchor line>' line"
                        % (name, i + 1, COMMIT_TAG, subject, AFTER_TAG))
        anchor = lines[i + 1][len(AFTER_TAG):].rstrip("\n")
        j = i + 2
        while j < len(lines) and not lines[j].startswith(COMMIT_TAG):
            j += 1
        b = Block(subject, anchor, "".join(lines[i + 2:j]), i + 1)
        if not starts_entry(anchor):
            raise Error("%s:%d: anchor %r does not start a Kconfig entry (it must begin "
                        "with a character other than a space or a tab)"
                        % (name, i + 2, anchor))
        first = [l for l in lines[i + 2:j] if l != "\n"][:1]
        if not first or not starts_entry(first[0]):
            raise Error("%s:%d: the block of %r must begin with a line that starts a "
                        "Kconfig entry (e.g. 'config FOO'), possibly after blank lines"
                        % (name, i + 3, subject))
        if not b.text.endswith("\n"):
            raise Error("%s:%d: the block of %r does not end with a newline"
                        % (name, j, subject))
        if any(x.subject == subject for x in blocks):
            raise Error("%s:%d: a second block for commit %r" % (name, i + 1, subject))
        blocks.append(b)
        i = j
    return blocks


def kconfig_insertion(old, new, what):
    """Return (anchor, text) such that new == splice_block(old, Block(.., anchor, text)).

    Of the ways to read old -> new as one inserted block of lines, take the
    first one that inserts whole entries after an entry with a unique first
    line (the anchor)."""
    rule = ("\nAllowed: a commit may only insert one contiguous block of whole Kconfig "
            "entries (e.g. 'config FOO' with its attributes and help text) after an "
            "existing entry, i.e. just before a line that starts an entry or at the end "
            "of %s, without changing or removing existing lines; split other changes "
            "into one commit per inserted block (see %s)" % (KCONFIG, SNIPPET))
    if not old.endswith("\n") or not new.endswith("\n"):
        raise Error("%s: %s does not end with a newline" % (what, KCONFIG))
    o, n = split_lines(old), split_lines(new)
    m = len(n) - len(o)
    p = 0
    while p < len(o) and o[p] == n[p]:
        p += 1
    s = 0
    while s < len(o) and o[-1 - s] == n[-1 - s]:
        s += 1
    if m <= 0 or len(o) - s > p:
        raise Error("%s changes %s in a way %s can't store: %s.%s"
                    % (what, KCONFIG, SNIPPET,
                       "it removes lines" if m < 0 else "it changes lines" if m == 0 else
                       "it changes or removes existing lines, or adds lines in several "
                       "places", rule))
    ambiguous = None
    for k in range(len(o) - s, p + 1):   # N[:k] == O[:k], N[k+m:] == O[k:]
        first = [l for l in n[k:k + m] if l != "\n"][:1]
        if not first or not starts_entry(first[0]) or \
                (k < len(o) and not starts_entry(o[k])):
            continue
        starts = [i for i in range(k) if starts_entry(o[i])]
        if not starts:
            continue
        anchor = o[starts[-1]]
        if o.count(anchor) != 1:
            ambiguous = ambiguous or anchor
            continue
        return anchor.rstrip("\n"), "".join(n[k:k + m])
    if ambiguous:
        raise Error("%s inserts a block into %s after the entry starting with %r, but "
                    "that line occurs %d times there, so it can't be the anchor of the "
                    "block in %s; insert the block after an entry whose first line is "
                    "unique" % (what, KCONFIG, ambiguous.rstrip("\n"), o.count(ambiguous),
                                SNIPPET))
    raise Error("%s inserts lines into %s at line %d, which is not just after an entry, "
                "or the added lines do not begin with a new entry.%s"
                % (what, KCONFIG, p + 1, rule))


def splice_block(old, block):
    """Insert block.text into old (drivers/pci/Kconfig) at block.anchor."""
    o = split_lines(old)
    hits = [i for i, l in enumerate(o) if l.rstrip("\n") == block.anchor]
    if len(hits) != 1:
        raise Error("%s:%d: the anchor of the block of %r, %r, %s in %s as it is before "
                    "that commit" % (SNIPPET, block.line, block.subject, block.anchor,
                                     "is missing" if not hits else
                                     "occurs %d times" % len(hits), KCONFIG))
    k = hits[0] + 1
    while k < len(o) and not starts_entry(o[k]):
        k += 1
    return "".join(o[:k]) + block.text + "".join(o[k:])


# ------------------------------------------------------------ overlay files

def repo_files():
    """All non-ignored files of the repository (tracked or not) that exist."""
    out = git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT)
    files = set()
    for p in out.decode().split("\0"):
        if p and os.path.lexists(os.path.join(ROOT, p)):
            files.add(p)
    return files


def overlay_files():
    if not ROOT:
        return []
    return sorted(p for p in repo_files() if not is_harness(p))


def parse_mbox(path):
    """Return [(subject, diff bytes)] of a format-patch mbox."""
    data = open(path, "rb").read()
    starts = [m.start() for m in MBOX_FROM.finditer(data)]
    if not starts or data[:starts[0]].strip():
        raise Error("%s is not a git format-patch mbox" % rel(path))
    result = []
    for n, s in enumerate(starts):
        raw = data[s:starts[n + 1] if n + 1 < len(starts) else len(data)]
        raw = raw.split(b"\n", 1)[1]   # drop the "From <sha> ..." line
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        subject = str(msg.get("Subject", ""))
        subject = PATCH_PREFIX.sub("", re.sub(r"\s*\n\s*", " ", subject)).strip()
        body = raw.split(b"\n\n", 1)[1] if b"\n\n" in raw else b""
        m = re.search(rb"^---\n", body, re.M)
        d = re.search(rb"^diff --git ", body[m.end():] if m else body, re.M)
        if not d:
            raise Error("%s: message %r contains no diff" % (rel(path), subject))
        result.append((subject, (body[m.end():] if m else body)[d.start():]))
    return result


def load_overlay():
    """Read and validate the overlay.

    Return (entries, {subject: [(file, diff)]}, {subject: Kconfig Block})."""
    if not ROOT:   # a base without a series: just the base commit
        return [], {}, {}
    spath = os.path.join(ROOT, "series")
    entries = []   # no series file yet: just the base commit
    if os.path.exists(spath):
        entries = parse_series(open(spath, encoding="utf-8").read())
    subjects = {}
    added = {}
    for e in entries:
        if e.subject in subjects:
            raise Error("series: two entries with subject %r" % e.subject)
        subjects[e.subject] = []
        for a in e.adds:
            if a in added:
                raise Error("series: %s is added by both %r and %r" % (a, added[a], e.subject))
            if is_harness(a):
                raise Error("series: Add: %s is a harness path, not a kernel file" % a)
            added[a] = e.subject
    files = overlay_files()
    for a in added:
        if not os.path.isfile(os.path.join(ROOT, a)):
            raise Error("series: %s (Add: of %r) is missing from the repository"
                        % (a, added[a]))
        if os.path.lexists(os.path.join(PRISTINE, a)):
            raise Error("series: %s (Add: of %r) already exists in the %s base; "
                        "changes to it belong in %s.patch" % (a, added[a], BASE.name, a))
    for f in files:
        if f in added:
            continue
        if not f.endswith(".patch"):
            raise Error("%s is neither a .patch file nor listed as 'Add:' in series "
                        "(stray file? run 'make save')" % f)
        for subject, diff in parse_mbox(os.path.join(ROOT, f)):
            if subject not in subjects:
                raise Error("%s: message %r matches no series entry" % (f, subject))
            if any(pf == f for pf, _ in subjects[subject]):
                raise Error("%s: two messages with subject %r" % (f, subject))
            subjects[subject].append((f, diff))
    if KCONFIG + ".patch" in files:
        raise Error("%s.patch: changes to %s are kept in %s, not in a .patch file "
                    "(remove it and re-run 'make save')" % (KCONFIG, KCONFIG, SNIPPET))
    blocks, order = {}, [e.subject for e in entries]
    spath = os.path.join(ROOT, SNIPPET)
    if os.path.exists(spath):
        with open(spath, encoding="utf-8", errors="surrogateescape", newline="") as f:
            text = f.read()
        for b in parse_snippet(text):
            if b.subject not in subjects:
                raise Error("%s:%d: block for commit %r, which is not in series"
                            % (SNIPPET, b.line, b.subject))
            if blocks and order.index(b.subject) < order.index(list(blocks)[-1]):
                raise Error("%s:%d: the blocks are not in series order: the block of %r "
                            "must come before that of %r"
                            % (SNIPPET, b.line, b.subject, list(blocks)[-1]))
            blocks[b.subject] = b
    return entries, subjects, blocks


# -------------------------------------------------------------------- save

def base_commit(tree=None):
    tree = tree or TREE
    b = git(["rev-parse", "-q", "--verify", "refs/tags/base^{commit}"], cwd=tree,
            check=False).decode().strip()
    if b:
        return b
    roots = gits(["rev-list", "--max-parents=0", "HEAD"], cwd=tree).split()
    if len(roots) != 1:
        raise Error("%s: no 'base' tag and %d root commits" % (tree, len(roots)))
    return roots[0]


def compute_save():
    """Return {repo path: (bytes, executable)} describing $TREE's series."""
    if not os.path.isdir(os.path.join(TREE, ".git")):
        raise Error("%s is not a git tree (run 'make tree')" % rel(TREE))
    base = base_commit()
    p = subprocess.run(["git", "merge-base", "--is-ancestor", base, "HEAD"], cwd=TREE)
    if p.returncode:
        raise Error("%s: base %s is not an ancestor of HEAD" % (rel(TREE), base[:12]))
    if gits(["rev-list", "--merges", base + "..HEAD"]).strip():
        raise Error("%s: base..HEAD contains merge commits; the series must be linear"
                    % rel(TREE))
    commits = gits(["rev-list", "--reverse", base + "..HEAD"]).split()
    if not ROOT and commits:
        raise Error("%s has %d commit(s) on base, but the base %s has no series to "
                    "save them in (harness/bases.py)" % (rel(TREE), len(commits),
                                                         BASE.name))
    base_paths = set(git(["ls-tree", "-r", "-z", "--name-only", base]).decode().split("\0"))

    entries, touched = [], {}   # touched: path -> [(subject, status)]
    kconfig = []                # [(commit, subject)] changing KCONFIG
    for c in commits:
        raw = git(["cat-file", "commit", c]).decode("utf-8")
        msg = raw.split("\n\n", 1)[1] if "\n\n" in raw else ""
        subject = msg.split("\n", 1)[0]
        fmt = gits(["log", "-1", "--format=%an <%ae>%n%aI", c]).rstrip("\n").split("\n")
        if msg.startswith(subject + "\n\n"):
            body = msg[len(subject) + 2:]
        elif msg == subject + "\n":
            body = ""
        else:
            body = None
        e = Entry(subject, fmt[0], fmt[1], [], body or "")
        if (body is None or not subject.strip() or e.message() != msg
                or "\n---\n" in "\n" + body or body.startswith("\n")):
            raise Error("commit %s %r: message is not in the canonical form "
                        "(one-line subject, blank line, body ending in a newline, no "
                        "'---' line, no leading/trailing blank lines); fix it with "
                        "git commit --amend" % (c[:12], subject))
        if any(x.subject == subject for x in entries):
            raise Error("two commits with subject %r; subjects must be unique" % subject)
        out = git(["diff-tree", "-r", "-z", "--no-renames", "--no-commit-id",
                   "--name-status", c + "^", c]).decode().split("\0")
        for st, path in zip(out[0::2], out[1::2]):
            if is_harness(path):
                raise Error("commit %r touches %s, which collides with the harness / "
                            "repository files of the overlay" % (subject, path))
            touched.setdefault(path, []).append((subject, st))
            if path == KCONFIG:
                kconfig.append((c, subject))
            if path not in base_paths and st == "A":
                e.adds.append(path)
        entries.append(e)

    if not ROOT:
        return {}, 0
    files = {"series": (format_series(entries).encode("utf-8"), False)}
    head_modes = {}
    new_paths = sorted(p for p in touched if p not in base_paths)
    for line in (git(["ls-tree", "-r", "-z", "HEAD", "--"] + new_paths).decode()
                 if new_paths else "").split("\0"):
        if line:
            meta, path = line.split("\t", 1)
            head_modes[path] = meta.split()[0]
    blocks = []
    for c, subject in kconfig:
        what = "commit %s %r" % (c[:12], subject)
        modes = [gits(["ls-tree", x, "--", KCONFIG]).split()[:1] for x in (c + "^", c)]
        if modes[0] != modes[1] or modes[1] != ["100644"]:
            raise Error("%s deletes %s or changes its mode; %s can only store added "
                        "lines" % (what, KCONFIG, SNIPPET))
        old, new = (git(["cat-file", "blob", "%s:%s" % (x, KCONFIG)]).decode(
            "utf-8", "surrogateescape") for x in (c + "^", c))
        anchor, text = kconfig_insertion(old, new, what)
        if any(l.startswith(COMMIT_TAG) for l in split_lines(text)):
            raise Error("%s adds a line starting with %r to %s, which %s can't store"
                        % (what, COMMIT_TAG, KCONFIG, SNIPPET))
        blocks.append(Block(subject, anchor, text))
    if blocks:
        files[SNIPPET] = (format_snippet(blocks).encode("utf-8", "surrogateescape"), False)
    for path in sorted(touched):
        hist = touched[path]
        if path == KCONFIG:
            continue
        if path in base_paths:
            data = INDEX_LINE.sub(b"", git(FORMAT_PATCH + [base + "..HEAD", "--", path]))
            key = path + ".patch"
            if key in files:
                raise Error("%s would be stored twice (file %s and patch of %s)"
                            % (key, key, path))
            files[key] = (data, False)
            continue
        if len(hist) != 1 or hist[0][1] != "A" or path not in head_modes:
            raise Error("new file %s is created by %r and changed again by %s; a new "
                        "file must be created by one commit only: squash the later "
                        "change(s) into %r (git rebase -i) and re-run make save"
                        % (path, hist[0][0], ", ".join(repr(s) for s, _ in hist[1:])
                           or "(deleted)", hist[0][0]))
        mode = head_modes[path]
        if mode not in ("100644", "100755"):
            raise Error("new file %s has unsupported git mode %s (symlink/submodule?)"
                        % (path, mode))
        if path in files:
            raise Error("%s would be stored twice" % path)
        files[path] = (git(["cat-file", "blob", "HEAD:" + path]), mode == "100755")
    return files, len(commits)


INDEX_LINE = re.compile(rb"^index [0-9a-f]+\.\.[0-9a-f]+( [0-7]+)?\n", re.M)
HUNK_LINES = re.compile(rb"^@@ -\d+(,\d+)? \+\d+(,\d+)? @@", re.M)


def same_change(path, old, new):
    """Do the stored OLD and the regenerated NEW bytes of PATH say the same?
    For a .patch file, hunk line numbers and index lines are not compared:
    they change with the point release of the base, the series does not."""
    if old == new or not path.endswith(".patch"):
        return old == new

    def norm(data):
        return HUNK_LINES.sub(lambda m: b"@@ -%s +%s @@" % (m.group(1) or b"",
                                                          m.group(2) or b""),
                              INDEX_LINE.sub(b"", data))
    return norm(old) == norm(new)


def diff_against_repo(files):
    """Return (changed/new paths, obsolete overlay paths) of the repository."""
    changed = []
    if not ROOT:
        return [], [], []
    for path, (data, exe) in sorted(files.items()):
        full = os.path.join(ROOT, path)
        try:
            with open(full, "rb") as f:
                same = same_change(path, f.read(), data)
            same = same and bool(os.stat(full).st_mode & stat.S_IXUSR) == exe
        except OSError:
            same = False
        if not same:
            changed.append(path)
    # Only files the overlay owns are obsolete: .patch files and the files the
    # current series file lists as added.  Anything else is left alone.
    owned = set()
    try:
        with open(os.path.join(ROOT, "series"), encoding="utf-8") as f:
            owned = {a for e in parse_series(f.read()) for a in e.adds}
    except (OSError, Error):
        pass
    obsolete, stray = [], []
    for p in overlay_files():
        if p not in files:
            (obsolete if p.endswith(".patch") or p in owned else stray).append(p)
    if SNIPPET not in files and os.path.lexists(os.path.join(ROOT, SNIPPET)):
        obsolete.append(SNIPPET)
    return changed, obsolete, stray


def cmd_save():
    if not os.path.isdir(os.path.join(TREE, ".git")):
        raise Error("%s is not a git tree (run 'make tree')" % rel(TREE))
    dirty = gits(["status", "--porcelain", "--untracked-files=no"]).strip()
    if dirty:
        info("warning: %s has uncommitted changes; they are NOT saved:\n%s"
             % (rel(TREE), dirty))
    files, n = compute_save()
    changed, obsolete, stray = diff_against_repo(files)
    for path in stray:
        info("warning: %s is not part of the series and not a harness file; "
             "left alone, but 'make tree' will refuse it" % path)
    for path in changed:
        data, exe = files[path]
        full = os.path.join(ROOT, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        if os.path.islink(full):
            os.unlink(full)
        with open(full, "wb") as f:
            f.write(data)
        mode = os.stat(full).st_mode
        os.chmod(full, (mode | 0o111) if exe else (mode & ~0o111))
        print("  wrote   %s" % path)
    for path in obsolete:
        full = os.path.join(ROOT, path)
        os.unlink(full)
        d = os.path.dirname(full)
        while d != ROOT and not os.listdir(d):
            os.rmdir(d)
            d = os.path.dirname(d)
        print("  removed %s" % path)
    print("saved %d commit(s) from %s: %d file(s) written, %d removed"
          % (n, rel(TREE), len(changed), len(obsolete)))


def unsaved_reason():
    """Why replacing $TREE would lose work, or None."""
    if not os.path.isdir(os.path.join(TREE, ".git")):
        return "it is not a git tree made by 'make tree'"
    if os.path.exists(os.path.join(TREE, ".git", "pci-align-incomplete")):
        return None   # left over from a failed 'make tree'
    try:
        dirty = gits(["status", "--porcelain", "--untracked-files=no"]).strip()
        if dirty:
            return "it has uncommitted changes"
        files, n = compute_save()
        if n == 0:
            return None   # nothing but the base commit: nothing to lose
    except Error as e:
        return "its commits cannot be saved: %s" % e
    changed, obsolete, _ = diff_against_repo(files)
    if changed or obsolete:
        return ("its commits differ from the overlay (run 'make save' first); "
                "differing: %s" % ", ".join((changed + obsolete)[:8]))
    return None


def cmd_status():
    r = unsaved_reason()
    if r:
        print("%s: %s" % (rel(TREE), r))
        return 1
    print("%s: all commits saved" % rel(TREE))
    return 0


# -------------------------------------------------------------------- tree

def base_cache_ok():
    if not os.path.isdir(BASE_CACHE):
        return False
    p = subprocess.run(["git", "--git-dir=" + BASE_CACHE, "rev-parse", "-q", "--verify",
                        "refs/tags/base^{commit}"], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    head = subprocess.run(["git", "--git-dir=" + BASE_CACHE, "rev-parse", "-q",
                           "--verify", "HEAD"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL)
    return p.returncode == 0 and p.stdout == head.stdout


def cmd_tree():
    if not os.path.isfile(os.path.join(PRISTINE, "Makefile")):
        raise Error("%s missing: run 'make base'" % os.path.relpath(PRISTINE, paths.ROOT))
    entries, patches, blocks = load_overlay()   # validate before touching anything
    real = os.path.realpath(TREE)
    if real in (os.path.realpath(paths.ROOT), os.path.realpath(PRISTINE)) or \
            os.path.realpath(paths.ROOT).startswith(real + os.sep):
        raise Error("refusing to use TREE=%s" % TREE)
    if os.path.lexists(TREE) and os.environ.get("FORCE") != "1":
        r = unsaved_reason()
        if r:
            raise Error("refusing to replace %s: %s.  Use FORCE=1 to discard it."
                        % (rel(TREE), r))
    new, old = TREE + ".new", TREE + ".old"
    for d in (new, old):
        if os.path.lexists(d):
            shutil.rmtree(d)
    os.makedirs(os.path.dirname(TREE), exist_ok=True)
    info("copying %s to %s" % (rel(PRISTINE), rel(new)))
    os.makedirs(new)
    subprocess.run(["cp", "-a", PRISTINE + "/.", new + "/"], check=True)
    if base_cache_ok():
        # Same commit as below, without re-compressing 1.7 GB: reuse the
        # cached .git of the base commit and re-stat the copied files.
        info("creating the base commit (from %s)" % rel(BASE_CACHE))
        subprocess.run(["cp", "-a", BASE_CACHE, os.path.join(new, ".git")], check=True)
        git(["update-index", "-q", "--refresh"], cwd=new, check=False)
    else:
        info("creating the base commit")
        git(["init", "-q"], cwd=new)
        git(["config", "user.name", DEV_NAME], cwd=new)
        git(["config", "user.email", DEV_EMAIL], cwd=new)
        git(["add", "-A", "-f"], cwd=new)
        git(["commit", "-q", "--no-verify", "-m", base_message()], cwd=new,
            env={"GIT_AUTHOR_DATE": BASE_DATE, "GIT_COMMITTER_DATE": BASE_DATE})
        git(["tag", "base"], cwd=new)
        shutil.rmtree(BASE_CACHE + ".tmp", ignore_errors=True)
        subprocess.run(["cp", "-a", os.path.join(new, ".git"), BASE_CACHE + ".tmp"],
                       check=True)
        shutil.rmtree(BASE_CACHE, ignore_errors=True)
        os.rename(BASE_CACHE + ".tmp", BASE_CACHE)
    p = subprocess.run(["git", "diff-index", "--quiet", "HEAD", "--"], cwd=new)
    if p.returncode or gits(["ls-files", "-o", "--directory", "--no-empty-directory"],
                                    cwd=new).strip():
        raise Error("%s: the base commit does not match %s (stale %s? "
                    "remove it and retry)" % (rel(new), rel(PRISTINE), rel(BASE_CACHE)))
    open(os.path.join(new, ".git", "pci-align-incomplete"), "w").close()
    for n, e in enumerate(entries, 1):
        info("[%d/%d] %s" % (n, len(entries), e.subject))
        for pfile, diff in sorted(patches[e.subject]):
            p = subprocess.run(["git", "apply", "--index", "-p1"], cwd=new, input=diff,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if p.returncode:
                raise Error("%s does not apply for commit %r:\n%s\n(tree left in %s)"
                            % (pfile, e.subject,
                               p.stderr.decode(errors="replace").rstrip(), rel(new)))
        if e.subject in blocks:
            b = blocks[e.subject]
            kpath = os.path.join(new, KCONFIG)
            with open(kpath, encoding="utf-8", errors="surrogateescape", newline="") as f:
                ktext = f.read()
            text = splice_block(ktext, b)
            try:
                again = kconfig_insertion(ktext, text, "the block")
            except Error as err:
                again = err
            if again != (b.anchor, b.text):
                raise Error("%s:%d: the block of %r would not be saved back as it is "
                            "(%s); the block must be whole entries inserted after "
                            "the entry that starts with its anchor (tree left in %s)"
                            % (SNIPPET, b.line, b.subject, again if isinstance(again, Error)
                               else "make save would store %d line(s) after %r"
                               % (len(split_lines(again[1])), again[0]), rel(new)))
            with open(kpath, "w", encoding="utf-8", errors="surrogateescape",
                      newline="") as f:
                f.write(text)
            git(["add", "-f", "--", KCONFIG], cwd=new)
        for a in e.adds:
            dst = os.path.join(new, a)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, a), dst)   # content + mode
            git(["add", "-f", "--", a], cwd=new)
        git(["commit", "-q", "--no-verify", "--allow-empty", "--cleanup=verbatim",
             "-F", "-"], cwd=new, input=e.message().encode("utf-8"), env=e.author_env())
    os.unlink(os.path.join(new, ".git", "pci-align-incomplete"))
    if os.path.lexists(TREE):
        os.rename(TREE, old)
    os.rename(new, TREE)
    if os.path.lexists(old):
        shutil.rmtree(old)
    head = gits(["log", "-1", "--format=%h %s"]).strip()
    print("%s: %d commit(s) on base, HEAD %s" % (rel(TREE), len(entries), head))


def cmd_repo_status():
    """List overlay paths with uncommitted changes in the repository."""
    if not ROOT:
        return 0
    out = git(["status", "--porcelain", "-z", "--no-renames",
               "--untracked-files=all"], cwd=ROOT)
    dirty = [e for e in out.decode().split("\0")
             if len(e) > 3 and (not is_harness(e[3:]) or e[3:] in OVERLAY_META)]
    for e in dirty:
        print(e)
    return 1 if dirty else 0


def main():
    cmds = {"tree": cmd_tree, "save": cmd_save, "status": cmd_status,
            "repo-status": cmd_repo_status}
    if len(sys.argv) != 2 or sys.argv[1] not in cmds:
        die("usage: %s tree|save|status|repo-status" % sys.argv[0])
    try:
        sys.exit(cmds[sys.argv[1]]() or 0)
    except Error as e:
        die(str(e))


if __name__ == "__main__":
    main()
