"""List the files of a repository tree worth analysing, and what is known about its VCS.

No program is run: in a git checkout the ignore files and the index are read and matched here
(git would obey the tree's own ``.git/config``, whose keys can run programs), and the commit is
read from the ``.git`` files, each read capped and confined to the checkout. Either way build
output, dependency folders, symlinks leaving the tree, files over 1 MB and the ``exclude``
globs of ``.twelve-factor.yml`` are left out.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from scorecards.collectors.repo_files.confined import (
    MAX_READ_BYTES,
    is_inside,
    lines_capped,
    read_text_capped,
)
from scorecards.collectors.repo_files.gitignore import Budget, IgnoreRules
from scorecards.collectors.repo_files.gitindex import tracked_paths

MAX_FILE_BYTES = MAX_READ_BYTES
# HEAD, a loose ref, commondir and a ".git" file hold one line each.
GIT_FILE_BYTES = 4096
# packed-refs is scanned line by line (memory stays one chunk) up to this many bytes.
PACKED_REFS_BYTES = 16_000_000
# Deeper folders are reported and left out: no real repository nests this far.
MAX_DEPTH = 256
BINARY_SNIFF_BYTES = 8192
CONFIG_NAMES = (".twelve-factor.yml", ".twelve-factor.yaml")

# Directories never walked, whatever their depth (see docs/repo-facts.md).
PRUNED_DIRS = frozenset(
    {
        ".git",
        "node_modules",
        "vendor",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        "dist",
        "build",
        "target",
        ".terraform",
        "bower_components",
        ".next",
        ".nuxt",
        ".hg",
        ".svn",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".gradle",
        ".idea",
    }
)
DEFAULT_EXCLUDES = tuple(f"**/{name}/**" for name in sorted(PRUNED_DIRS))
# Pruned only in trees that are not a commit: when git tracks ``build/`` it is source, e.g. Go's
# ``build/package/Dockerfile`` and ``build/ci/`` layout, not a compiler's output.
COMMITTED_KEEPS = frozenset({"build"})
VCS_MARKERS = (
    ".git",
    ".gitignore",
    ".gitattributes",
    ".gitmodules",
    ".github",
    ".gitlab-ci.yml",
    ".gitlab",
    ".hg",
    ".svn",
)


@dataclass
class Skipped:
    too_large: int = 0
    binary: int = 0
    link: int = 0
    excluded: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "too_large": self.too_large,
            "binary": self.binary,
            "link": self.link,
            "excluded": self.excluded,
        }


@dataclass
class Listing:
    """The outcome of walking a tree: relative POSIX paths plus what was left out and why."""

    paths: list[str] = field(default_factory=list)
    skipped: Skipped = field(default_factory=Skipped)
    excluded_globs: list[str] = field(default_factory=list)
    git_listed: bool = False
    problems: list[tuple[str, str]] = field(default_factory=list)  # (folder, why not walked)
    # Files over the size cap are not read, but they exist: a 1.3 MB package-lock.json still
    # locks its manifest, so checks that need a file's presence are told about it.
    too_large: list[str] = field(default_factory=list)


def is_binary(data: bytes) -> bool:
    return b"\0" in data[:BINARY_SNIFF_BYTES]


def in_pruned_dir(path: str, committed: bool = False) -> bool:
    """True when a folder of ``path`` is never analysed (``committed``: the tree is a commit)."""
    folders = path.split("/")[:-1]
    if committed:
        return any(part in PRUNED_DIRS and part not in COMMITTED_KEEPS for part in folders)
    return any(part in PRUNED_DIRS for part in folders)


@lru_cache(maxsize=512)
def glob_regex(glob: str) -> re.Pattern[str]:
    """Compile a gitignore-like glob: ``**`` spans folders, ``*`` stays inside one.

    A glob without ``/`` matches a file or folder name at any depth; one with ``/`` is anchored
    at the root. Matching a folder excludes everything below it.
    """
    pattern = glob.strip().removeprefix("./")
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.strip("/")
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append(_STAR)
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 1 :]:
            end = pattern.index("]", i + 1)
            out.append("[" + pattern[i + 1 : end].replace("!", "^", 1) + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    prefix = "^" if anchored else "^(?:.*/)?"
    return re.compile(prefix + _commit_inner_stars(out) + "(?:/.*)?$")


_STAR = "[^/]*"


def _commit_inner_stars(pieces: list[str]) -> str:
    """Join the pieces, each ``*`` followed by another ``*`` in its folder name made atomic.

    ``*a*a*a*b`` backtracked through every split of a name (17 s on one 200-letter name, for
    every file). Before another ``*``, the first place the fixed-length text in between fits
    is as good as any later one, so committing to it (``(?>[^/]*?a)``) loses no match.
    """
    out: list[str] = []
    i = 0
    while i < len(pieces):
        if pieces[i] is _STAR:
            j = i + 1
            while j < len(pieces) and pieces[j] is not _STAR and "/" not in pieces[j]:
                j += 1
            if j < len(pieces) and pieces[j] is _STAR:
                out.append("(?>[^/]*?" + "".join(pieces[i + 1 : j]) + ")")
                i = j
                continue
        out.append(pieces[i])
        i += 1
    return "".join(out)


def matches_any(path: str, globs: list[str] | tuple[str, ...]) -> bool:
    return any(glob_regex(g).match(path) for g in globs if g and g.strip())


def excludes_from_config(data: object) -> list[str]:
    """The ``exclude`` globs of a parsed ``.twelve-factor.yml`` (a list or one string)."""
    if not isinstance(data, dict):
        return []
    raw = data.get("exclude") or []
    if isinstance(raw, str):
        raw = [raw]
    return (
        [str(g) for g in raw if isinstance(g, str | int) and str(g).strip()]
        if isinstance(raw, list)
        else []
    )


def list_tree(root: Path, extra_excludes: list[str]) -> Listing:
    """Every analysable file below ``root`` (sorted), with the skip counters filled in."""
    listing = Listing(excluded_globs=[*DEFAULT_EXCLUDES, *extra_excludes])
    checkout = find_checkout(root)
    listing.git_listed = checkout is not None
    root_real = os.path.realpath(root)
    found = set(_walk(Path(root), checkout, listing))
    for rel in _tracked_below(root, checkout) - found:
        if _inside_through_folders(os.path.join(root, rel), root_real):
            found.add(rel)
    for rel in sorted(found):
        if matches_any(rel, extra_excludes):
            listing.skipped.excluded += 1
            continue
        oversized_before = listing.skipped.too_large
        if _keep_file(os.path.join(root, rel), root_real, listing.skipped):
            listing.paths.append(rel)
        elif listing.skipped.too_large > oversized_before:
            listing.too_large.append(rel)
    return listing


def _keep_file(full: str, root_real: str, skipped: Skipped) -> bool:
    try:
        info = os.lstat(full)
    except OSError:
        return False  # vanished while walking
    if stat.S_ISLNK(info.st_mode):
        target = os.path.realpath(full)
        if not is_inside(target, root_real) or not os.path.isfile(target):
            skipped.link += 1
            return False
        info = os.stat(target)
    elif not stat.S_ISREG(info.st_mode):
        return False  # FIFOs, sockets, devices
    if info.st_size > MAX_FILE_BYTES:
        skipped.too_large += 1
        return False
    return True


def _walk(root: Path, checkout: Checkout | None, listing: Listing) -> list[str]:
    """Files and links below ``root``, one folder at a time from a stack (no recursion, so a
    tree of any depth is walked; folders deeper than ``MAX_DEPTH`` are reported, not walked).

    In a checkout the ignore files are honoured the way ``git ls-files -co --exclude-standard``
    would, without running git: nested repositories are left out, ``build/`` is kept.
    """
    committed = checkout is not None
    rules, offset = _rules_above(root, checkout)
    budget = Budget()
    found: list[str] = []
    stack: list[tuple[str, int, IgnoreRules]] = [("", 0, rules)]
    while stack:
        rel_dir, depth, rules = stack.pop()
        folder = os.path.join(root, rel_dir)
        try:
            with os.scandir(folder) as scanned:
                entries = sorted(scanned, key=lambda entry: entry.name)
        except OSError as exc:
            listing.problems.append((rel_dir or ".", f"folder not listed: {exc.strerror or exc}"))
            continue
        prefix = f"{rel_dir}/" if rel_dir else ""
        if checkout is not None and any(entry.name == ".gitignore" for entry in entries):
            text = read_text_capped(os.path.join(folder, ".gitignore"), checkout.top_real)
            base = offset + tuple(rel_dir.split("/")) if rel_dir else offset
            rules = rules.extended(text or "", base)
        children = []
        for entry in entries:
            rel = prefix + entry.name
            is_dir = _is_real_dir(entry)
            if _pruned(entry, is_dir, committed):
                continue
            if checkout is not None and rules.ignored(
                offset + tuple(rel.split("/")), is_dir, budget
            ):
                continue
            if not is_dir:
                found.append(rel)
            elif checkout is not None and os.path.lexists(os.path.join(entry.path, ".git")):
                continue  # a nested repository or submodule: not this checkout's files
            elif depth + 1 > MAX_DEPTH:
                listing.problems.append((rel, f"folder deeper than {MAX_DEPTH} levels: not read"))
            else:
                children.append((rel, depth + 1, rules))
        stack.extend(reversed(children))
    if budget.exhausted:
        listing.problems.append((".", "ignore rules too costly: only name rules were applied"))
    return found


def _pruned(entry: os.DirEntry, is_dir: bool, committed: bool) -> bool:
    if entry.name == ".git":  # a worktree's or submodule's ".git" file too: git metadata
        return True
    if entry.name not in PRUNED_DIRS or not (is_dir or entry.is_symlink()):
        return False
    return not (committed and entry.name in COMMITTED_KEEPS)


def _tracked_below(root: Path, checkout: Checkout | None) -> set[str]:
    """The files of the index below ``root`` (relative to it) that the walk may have left
    out: tracked although ignored. Names are checked like an archive's, the pruned folders and
    the depth limit apply as in the walk."""
    if checkout is None or checkout.git_dir is None:
        return set()
    tracked = tracked_paths(checkout.git_dir, checkout.boundary) or []
    relative = os.path.relpath(os.path.realpath(root), checkout.top_real).replace(os.sep, "/")
    prefix = "" if relative == "." else relative + "/"
    below = set()
    for path in tracked:
        if not path.startswith(prefix):
            continue
        rel = path[len(prefix) :]
        parts = rel.split("/")
        if any(part in ("", ".", "..", ".git") for part in parts) or "\0" in rel:
            continue
        if len(parts) - 1 <= MAX_DEPTH and not in_pruned_dir(rel, committed=True):
            below.add(rel)
    return below


def _inside_through_folders(full: str, root_real: str) -> bool:
    """The folder holding ``full`` is inside the tree: a tracked path must not reach out
    through a folder that is now a link."""
    return is_inside(os.path.realpath(os.path.dirname(full)), root_real)


def _is_real_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _rules_above(root: Path, checkout: Checkout | None) -> tuple[IgnoreRules, tuple[str, ...]]:
    """The ignore rules in effect at ``root`` from above it (``info/exclude`` and the
    ``.gitignore`` of each folder between the checkout's top and ``root``), and ``root``'s
    path relative to that top."""
    if checkout is None:
        return IgnoreRules(), ()
    rules = IgnoreRules()
    if checkout.git_dir is not None:
        exclude = read_text_capped(checkout.git_dir / "info" / "exclude", checkout.boundary)
        rules = rules.extended(exclude or "", ())
    relative = Path(os.path.realpath(root)).relative_to(checkout.top_real)
    offset = tuple(part for part in relative.parts if part not in ("", "."))
    for depth in range(len(offset)):
        above = Path(checkout.top_real, *offset[:depth], ".gitignore")
        rules = rules.extended(read_text_capped(above, checkout.top_real) or "", offset[:depth])
    return rules, offset


def vcs_facts(root: Path, git_listed: bool) -> dict:
    """``{"git", "markers"}``: git is true when the tree is (inside) a git checkout."""
    markers = [m for m in VCS_MARKERS if (root / m).exists()]
    return {"git": git_listed or ".git" in markers, "markers": markers}


@dataclass(frozen=True)
class Checkout:
    """The git checkout holding a tree. ``git_dir`` is None when ``.git`` points somewhere
    that cannot be trusted; every read of git metadata stays inside ``boundary``."""

    top_real: str
    git_dir: Path | None
    boundary: str


def find_checkout(root: Path) -> Checkout | None:
    """The nearest folder at or above ``root`` holding ``.git`` (the checkout of a subfolder
    such as ``services/api`` is its repository's), or None outside git."""
    start = Path(os.path.realpath(root))
    for folder in [start, *start.parents]:
        if os.path.lexists(folder / ".git"):
            git_dir, boundary = _git_dir_of(str(folder))
            return Checkout(top_real=str(folder), git_dir=git_dir, boundary=boundary)
    return None


def _git_dir_of(top_real: str) -> tuple[Path | None, str]:
    """``.git`` as a folder inside the checkout, or a ``gitdir:`` file naming one; a git dir
    elsewhere only when it is a linked worktree's and names this ``.git`` file back."""
    dot_git = os.path.join(top_real, ".git")
    target = os.path.realpath(dot_git)
    if os.path.isdir(target):
        return (Path(target), top_real) if is_inside(target, top_real) else (None, top_real)
    text = read_text_capped(dot_git, top_real, GIT_FILE_BYTES)
    if not text or not text.startswith("gitdir:"):
        return None, top_real
    git_dir = os.path.realpath(os.path.join(top_real, text[7:].strip()))
    if not os.path.isdir(git_dir):
        return None, top_real
    if is_inside(git_dir, top_real):
        return Path(git_dir), top_real
    back = read_text_capped(os.path.join(git_dir, "gitdir"), git_dir, GIT_FILE_BYTES)
    if not back or os.path.realpath(back.strip()) != dot_git:
        return None, top_real
    common = read_text_capped(os.path.join(git_dir, "commondir"), git_dir, GIT_FILE_BYTES)
    common_real = os.path.realpath(os.path.join(git_dir, common.strip())) if common else git_dir
    return Path(git_dir), common_real if is_inside(git_dir, common_real) else git_dir


def read_commit(root: Path) -> str | None:
    """The checked-out commit read from ``.git`` files (no git process, no network), each
    read capped and confined to the checkout."""
    checkout = find_checkout(root)
    if checkout is None or checkout.git_dir is None:
        return None
    head = read_text_capped(checkout.git_dir / "HEAD", checkout.boundary, GIT_FILE_BYTES)
    if head is None:
        return None
    head = head.strip()
    if _is_sha(head):
        return head
    if not head.startswith("ref:"):
        return None
    return _resolve_ref(checkout, head[4:].strip())


def _resolve_ref(checkout: Checkout, ref: str) -> str | None:
    git_dir = checkout.git_dir
    if git_dir is None or not _is_ref_name(ref):
        return None
    # Linked worktrees keep branch refs in the common dir.
    dirs = [git_dir]
    common = read_text_capped(git_dir / "commondir", checkout.boundary, GIT_FILE_BYTES)
    if common and common.strip():
        dirs.append(git_dir / common.strip())
    for folder in dirs:
        loose = read_text_capped(folder / ref, checkout.boundary, GIT_FILE_BYTES)
        if loose is not None:
            sha = loose.strip()
            return sha if _is_sha(sha) else None
        for line in lines_capped(folder / "packed-refs", checkout.boundary, PACKED_REFS_BYTES):
            parts = line.split()
            if len(parts) == 2 and parts[1] == ref and _is_sha(parts[0]):
                return parts[0]
    return None


def _is_ref_name(ref: str) -> bool:
    """``refs/...`` without ``..``, empty parts or odd bytes: HEAD names a file to read."""
    parts = ref.split("/")
    return (
        parts[0] == "refs"
        and len(parts) > 1
        and all(part not in ("", ".", "..") for part in parts)
        and "\0" not in ref
        and "\\" not in ref
    )


def _is_sha(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-f]{40}", text))
