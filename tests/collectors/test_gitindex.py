"""Tracked files read from ``.git/index``: listed although ignored, as ``git ls-files -c`` does;
a hostile index lists nothing outside the tree and breaks nothing."""

from __future__ import annotations

import os
import struct
import subprocess
from pathlib import Path

import pytest

from scorecards.collectors.repo_files import walk
from scorecards.collectors.repo_files.gitindex import tracked_paths

GIT = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]


def git(root: Path, *args: str) -> str:
    done = subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True, text=True)
    return done.stdout


def write(root: Path, rel: str, text: str = "x\n") -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text)


@pytest.mark.parametrize("version", ["2", "3", "4"])
def test_every_index_version_lists_what_git_tracks(tmp_path, version):
    git(tmp_path, "init", "-q")
    for rel in ("a/b/c.txt", "é n.py", "a/b/d.txt", "z.txt"):
        write(tmp_path, rel)
    git(tmp_path, "add", ".")
    write(tmp_path, "intent.txt")
    git(tmp_path, "add", "-N", "intent.txt")  # an extended-flags entry in version 3
    git(tmp_path, "update-index", "--index-version", version)
    expected = git(tmp_path, "-c", "core.quotepath=off", "ls-files", "-c").splitlines()
    assert sorted(tracked_paths(tmp_path / ".git", str(tmp_path))) == sorted(expected)


def test_a_tracked_file_is_listed_although_a_rule_ignores_it(tmp_path):
    git(tmp_path, "init", "-q")
    write(tmp_path, ".gitignore", ".env\nlocal/\n")
    for rel in (".env", "local/settings.py", "local/other.py", "app.py"):
        write(tmp_path, rel)
    git(tmp_path, "add", "-f", ".env", "local/settings.py", "app.py", ".gitignore")
    git(tmp_path, "commit", "-q", "-m", "one")
    expected = git(tmp_path, "ls-files", "-co", "--exclude-standard").splitlines()
    assert walk.list_tree(tmp_path, []).paths == sorted(expected)
    assert ".env" in expected and "local/other.py" not in expected


def index_v2(names: list[bytes], count: int | None = None) -> bytes:
    """A version 2 index naming ``names`` (regular files, zero hashes)."""
    body = b""
    for name in names:
        entry = bytes(24) + struct.pack(">I", 0o100644) + bytes(12) + bytes(20)
        entry += struct.pack(">H", min(len(name), 0xFFF)) + name
        body += entry + b"\0" * (8 - len(entry) % 8)
    header = b"DIRC" + struct.pack(">II", 2, len(names) if count is None else count)
    return header + body + bytes(20)


def test_hostile_index_names_never_list_anything_outside_the_tree(tmp_path):
    outside = tmp_path / "outside"
    write(outside, "secret.txt")
    tree = tmp_path / "repo"
    write(tree, ".git/HEAD", "ref: refs/heads/main\n")
    write(tree, ".gitignore", "ok.txt\n")
    write(tree, "ok.txt")
    os.symlink(outside, tree / "linkdir")
    names = [b"../outside/secret.txt", b"/etc/passwd", b"a/../../outside/secret.txt",
             b"linkdir/secret.txt", b".git/config", b"ok.txt"]  # fmt: skip
    (tree / ".git" / "index").write_bytes(index_v2(names))
    listing = walk.list_tree(tree, [])
    assert listing.paths == [".gitignore", "ok.txt"]


@pytest.mark.parametrize(
    "index",
    [
        b"",
        b"DIRC",
        b"DIRC" + struct.pack(">II", 9, 1),
        index_v2([b"a.txt"], count=10**9),
        index_v2([b"a.txt", b"b.txt"])[:-40],
        b"DIRC" + struct.pack(">II", 4, 1) + bytes(62) + b"\xff" * 20,
        b"\0" * 5000,
    ],
)
def test_a_malformed_index_is_ignored_not_a_crash(tmp_path, index):
    write(tmp_path, ".git/HEAD", "ref: refs/heads/main\n")
    (tmp_path / ".git" / "index").write_bytes(index)
    write(tmp_path, "app.py")
    assert tracked_paths(tmp_path / ".git", str(tmp_path)) is None
    assert walk.list_tree(tmp_path, []).paths == ["app.py"]
