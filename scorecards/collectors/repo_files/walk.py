"""List the files of a repository tree worth analysing, and what is known about its VCS.

A git checkout is listed with ``git ls-files -co --exclude-standard`` so ``.gitignore`` is
honoured; other trees with ``os.walk``. Either way build output, dependency folders, symlinks
leaving the tree, files over 1 MB and the ``exclude`` globs of ``.twelve-factor.yml`` are left out.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MAX_FILE_BYTES = 1_000_000
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
    candidates = _git_listing(root)
    listing.git_listed = candidates is not None
    if candidates is None:
        candidates = _walk_listing(root, listing.skipped)
    root_real = os.path.realpath(root)
    for rel in sorted(set(candidates)):
        if in_pruned_dir(rel, committed=listing.git_listed):
            continue
        if matches_any(rel, extra_excludes):
            listing.skipped.excluded += 1
            continue
        kept = _keep_file(os.path.join(root, rel), root_real, listing.skipped)
        if kept:
            listing.paths.append(rel)
    return listing


def _keep_file(full: str, root_real: str, skipped: Skipped) -> bool:
    try:
        info = os.lstat(full)
    except OSError:
        return False  # tracked but deleted, or vanished while walking
    if stat.S_ISLNK(info.st_mode):
        target = os.path.realpath(full)
        inside = target.startswith(root_real + os.sep)
        if not inside or not os.path.isfile(target):
            skipped.link += 1
            return False
        info = os.stat(target)
    elif not stat.S_ISREG(info.st_mode):
        return False  # submodule folders listed by git
    if info.st_size > MAX_FILE_BYTES:
        skipped.too_large += 1
        return False
    return True


def _git_listing(root: Path) -> list[str] | None:
    """Files git would track here (tracked plus untracked-not-ignored), or None outside git."""
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", "ls-files", "-co", "--exclude-standard", "-z"],
            cwd=root,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return [p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def _walk_listing(root: Path, skipped: Skipped) -> list[str]:
    found = []
    top = str(root)
    for current, dirs, files in os.walk(top, followlinks=False):
        kept_dirs = []
        for name in dirs:
            if name in PRUNED_DIRS:
                continue
            if os.path.islink(os.path.join(current, name)):
                skipped.link += 1
                continue
            kept_dirs.append(name)
        dirs[:] = sorted(kept_dirs)
        relative = os.path.relpath(current, top).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        found.extend(prefix + name for name in files)
    return found


def vcs_facts(root: Path, git_listed: bool) -> dict:
    """``{"git", "markers"}``: git is true when the tree is (inside) a git checkout."""
    markers = [m for m in VCS_MARKERS if (root / m).exists()]
    return {"git": git_listed or ".git" in markers, "markers": markers}


def read_commit(root: Path) -> str | None:
    """The checked-out commit read from ``.git`` files (no git process, no network)."""
    git_dir = _find_git_dir(root)
    if git_dir is None:
        return None
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if _is_sha(head):
        return head
    if not head.startswith("ref:"):
        return None
    return _resolve_ref(git_dir, head[4:].strip())


def _find_git_dir(root: Path) -> Path | None:
    for folder in [root.resolve(), *root.resolve().parents]:
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # worktrees and submodules: "gitdir: <path>"
            try:
                text = dot_git.read_text(encoding="utf-8").strip()
            except OSError:
                return None
            if text.startswith("gitdir:"):
                return (folder / text[7:].strip()).resolve()
            return None
    return None


def _resolve_ref(git_dir: Path, ref: str) -> str | None:
    # Linked worktrees keep branch refs in the common dir.
    dirs = [git_dir]
    common = git_dir / "commondir"
    if common.is_file():
        dirs.append((git_dir / common.read_text(encoding="utf-8").strip()).resolve())
    for folder in dirs:
        ref_file = folder / ref
        if ref_file.is_file():
            sha = ref_file.read_text(encoding="utf-8").strip()
            return sha if _is_sha(sha) else None
        packed = folder / "packed-refs"
        if packed.is_file():
            for line in packed.read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if len(parts) == 2 and parts[1] == ref and _is_sha(parts[0]):
                    return parts[0]
    return None


def _is_sha(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-f]{40}", text))
