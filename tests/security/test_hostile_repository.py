"""A scanned repository is hostile: it never runs a program, is never read outside its tree or
past the size cap, and no shape of folders makes a scan fail.

Each case plants what an attacker controls (``.git/config``, hooks, links, huge or endless
files, ``gitdir:`` pointers, deep folders) and proves the scan ignored it: a canary file a
program would have written must not exist, the outside value must not show in the facts, the
oversized file must be skipped. Big files are sparse (``truncate``), so they cost no disk.
"""

from __future__ import annotations

import os
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from scorecards.collectors.localdir import collect_directory
from scorecards.collectors.repo_files import walk
from tests.security.canaries import canary

SHA_OUTSIDE = "0123456789abcdef0123456789abcdef01234567"
SHA_INSIDE = "fedcba9876543210fedcba9876543210fedcba98"

# Every git setting that runs a program, each as a .git/config section; {cmd} writes a canary.
PROGRAM_KEYS = {
    "core.fsmonitor": "[core]\n\tfsmonitor = {cmd}\n",
    "core.hooksPath": "[core]\n\thooksPath = {hooks}\n",
    "core.sshCommand": "[core]\n\tsshCommand = {cmd}\n",
    "core.pager": "[core]\n\tpager = {cmd}\n[pager]\n\tls-files = {cmd}\n\tstatus = {cmd}\n",
    "core.editor": "[core]\n\teditor = {cmd}\n[sequence]\n\teditor = {cmd}\n",
    "core.askPass": "[core]\n\taskPass = {cmd}\n",
    "core.alternateRefsCommand": "[core]\n\talternateRefsCommand = {cmd}\n",
    "filter driver": (
        '[filter "evil"]\n\tclean = {cmd}\n\tsmudge = {cmd}\n\tprocess = {cmd}\n\trequired = true\n'
    ),
    "diff driver": '[diff]\n\texternal = {cmd}\n[diff "evil"]\n\ttextconv = {cmd}\n',
    "uploadpack.packObjectsHook": "[uploadpack]\n\tpackObjectsHook = {cmd}\n",
    "credential.helper": "[credential]\n\thelper = !{cmd}\n",
    "gpg.program": "[gpg]\n\tprogram = {cmd}\n[commit]\n\tgpgSign = true\n",
    "alias": "[alias]\n\tls-files = !{cmd}\n\tstatus = !{cmd}\n",
    "include.path": "[include]\n\tpath = {included}\n",
    "includeIf": '[includeIf "gitdir:/"]\n\tpath = {included}\n',
}
HOOKS = (
    "pre-commit",
    "post-checkout",
    "post-index-change",
    "fsmonitor-watchman",
    "reference-transaction",
    "pre-auto-gc",
    "post-merge",
)


def hostile_checkout(tmp_path: Path, key: str) -> tuple[Path, Path]:
    """A git checkout whose config sets ``key`` to write a canary file; (tree, canary)."""
    tree = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(tree)], check=True, capture_output=True)
    (tree / "app.py").write_text("print('hello')\n")
    (tree / ".gitattributes").write_text("* filter=evil diff=evil\n")
    marker = tmp_path / f"PWNED-{canary()}"
    cmd = f"touch '{marker}'; false"
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in HOOKS:
        for folder in (hooks, tree / ".git" / "hooks"):
            script = folder / hook
            script.write_text(f"#!/bin/sh\n{cmd}\n")
            script.chmod(0o755)
    included = tmp_path / "included.gitconfig"
    included.write_text(f"[core]\n\tfsmonitor = {cmd}\n")
    section = PROGRAM_KEYS[key].format(cmd=cmd, hooks=hooks, included=included)
    with open(tree / ".git" / "config", "a", encoding="utf-8") as config:
        config.write(section)
    return tree, marker


@pytest.mark.parametrize("key", sorted(PROGRAM_KEYS))
def test_no_git_setting_of_the_scanned_repository_runs_a_program(tmp_path, key):
    tree, marker = hostile_checkout(tmp_path, key)
    facts = collect_directory(tree)
    assert not marker.exists(), f"{key} ran a program from the scanned repository"
    assert "app.py" in facts["paths"] and facts["vcs"]["git"] is True


def test_score_repo_on_an_fsmonitor_repository_runs_nothing(tmp_path):
    tree, marker = hostile_checkout(tmp_path, "core.fsmonitor")
    call_command("score_repo", str(tree), "--format", "json", stdout=StringIO())
    assert not marker.exists()


def test_listing_a_checkout_starts_no_process_at_all(tmp_path, monkeypatch):
    tree, _ = hostile_checkout(tmp_path, "core.fsmonitor")

    def refuse(*args, **kwargs):
        raise AssertionError(f"a scan started a process: {args[:1]}")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(os, "system", refuse)
    monkeypatch.setattr(os, "posix_spawn", refuse)
    monkeypatch.setattr(os, "posix_spawnp", refuse)
    facts = collect_directory(tree)
    assert facts["paths"] == [".gitattributes", "app.py"]


# --- never outside the tree, never past the cap --------------------------------------------


def outside_git_dir(tmp_path: Path) -> Path:
    """A git dir outside the scanned tree, on a branch at ``SHA_OUTSIDE``."""
    git_dir = tmp_path / "elsewhere" / ".git"
    (git_dir / "refs" / "heads").mkdir(parents=True)
    (git_dir / "HEAD").write_text("ref: refs/heads/main\n")
    (git_dir / "refs" / "heads" / "main").write_text(SHA_OUTSIDE + "\n")
    (git_dir / "packed-refs").write_text(f"{SHA_OUTSIDE} refs/heads/packed\n")
    (git_dir / "DETACHED").write_text(SHA_OUTSIDE + "\n")
    return git_dir


def tree_with(tmp_path: Path, files: dict[str, str]) -> Path:
    tree = tmp_path / "repo"
    for rel, text in files.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)
    return tree


def oversized(path: Path, size: int, head: bytes) -> Path:
    """``head`` then blank lines up to ``size``: parsed as ``head`` if it were read whole.
    Up to a few MB the bytes are written; beyond, the file is sparse (NUL bytes cost no disk
    and are what a careless read would load)."""
    if size > 10_000_000:
        return sparse(path, size, head)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(head + b"\n" * (size - len(head)))
    return path


def sparse(path: Path, size: int, head: bytes = b"") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


def test_a_config_linked_to_a_file_outside_the_tree_is_not_read(tmp_path):
    outside = tmp_path / "outside.yml"
    outside.write_text("exclude: ['**']\n")
    tree = tree_with(tmp_path, {"app.py": "print(1)\n"})
    os.symlink(outside, tree / ".twelve-factor.yml")
    facts = collect_directory(tree)
    assert facts["twelve_factor"] is None
    assert facts["paths"] == ["app.py"] and facts["skipped"]["excluded"] == 0


@pytest.mark.parametrize("size", [1_500_000, 2_000_000_000])
def test_a_config_linked_to_a_huge_file_outside_the_tree_is_not_read(tmp_path, size):
    outside = oversized(tmp_path / "huge.yml", size, b"exclude: ['**']\n")
    tree = tree_with(tmp_path, {"app.py": "print(1)\n"})
    os.symlink(outside, tree / ".twelve-factor.yml")
    facts = collect_directory(tree)
    assert facts["twelve_factor"] is None and facts["paths"] == ["app.py"]


@pytest.mark.parametrize("size", [1_500_000, 54_000_000])
def test_an_oversized_config_is_skipped_unread(tmp_path, size):
    tree = tree_with(tmp_path, {"app.py": "print(1)\n"})
    oversized(tree / ".twelve-factor.yml", size, b"exclude: ['**']\n")
    facts = collect_directory(tree)
    assert facts["twelve_factor"] is None and facts["paths"] == ["app.py"]
    assert facts["skipped"]["too_large"] == 1


def test_a_fifo_config_or_head_does_not_stall_the_scan(tmp_path):
    tree = tree_with(tmp_path, {"app.py": "print(1)\n"})
    os.mkfifo(tree / ".twelve-factor.yml")
    (tree / ".git").mkdir()
    os.mkfifo(tree / ".git" / "HEAD")
    facts = collect_directory(tree)
    assert facts["twelve_factor"] is None and facts["commit"] is None
    assert facts["paths"] == ["app.py"]


@pytest.mark.parametrize("size", [2_000_000, 1_000_000_000])
def test_a_huge_branch_ref_is_not_read(tmp_path, size):
    tree = tree_with(tmp_path, {".git/HEAD": "ref: refs/heads/main\n"})
    oversized(tree / ".git" / "refs" / "heads" / "main", size, SHA_INSIDE.encode())
    assert walk.read_commit(tree) is None


@pytest.mark.parametrize("size", [2_000_000, 1_000_000_000])
def test_a_huge_head_is_not_read(tmp_path, size):
    tree = tree_with(tmp_path, {"app.py": "x\n"})
    oversized(tree / ".git" / "HEAD", size, SHA_INSIDE.encode())
    assert walk.read_commit(tree) is None


def test_a_gitdir_file_pointing_outside_reports_no_outside_commit(tmp_path):
    git_dir = outside_git_dir(tmp_path)
    tree = tree_with(tmp_path, {"app.py": "x\n", ".git": f"gitdir: {git_dir}\n"})
    assert walk.read_commit(tree) is None
    relative = tree_with(tmp_path, {".git": "gitdir: ../elsewhere/.git\n"})
    assert walk.read_commit(relative) is None
    assert collect_directory(tree)["commit"] is None


def test_a_dot_git_link_to_an_outside_git_dir_reports_no_commit(tmp_path):
    git_dir = outside_git_dir(tmp_path)
    tree = tree_with(tmp_path, {"app.py": "x\n"})
    os.symlink(git_dir, tree / ".git")
    assert walk.read_commit(tree) is None


@pytest.mark.parametrize(
    "head", ["ref: ../../elsewhere/.git/refs/heads/main", "ref: refs/../../../elsewhere/x"]
)
def test_a_head_naming_a_ref_outside_the_git_dir_is_refused(tmp_path, head):
    outside_git_dir(tmp_path)
    (tmp_path / "elsewhere" / "x").write_text(SHA_OUTSIDE + "\n")
    tree = tree_with(tmp_path, {".git/HEAD": head + "\n"})
    (tree / ".git" / "refs" / "heads").mkdir(parents=True)
    assert walk.read_commit(tree) is None


@pytest.mark.parametrize("name", ["HEAD", "refs/heads/main", "packed-refs"])
def test_git_files_linked_out_of_the_tree_are_not_read(tmp_path, name):
    git_dir = outside_git_dir(tmp_path)
    tree = tree_with(tmp_path, {".git/HEAD": "ref: refs/heads/packed\n"})
    if name == "refs/heads/main":
        (tree / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tree / ".git" / name).parent.mkdir(parents=True, exist_ok=True)
    (tree / ".git" / name).unlink(missing_ok=True)
    os.symlink(git_dir / ("DETACHED" if name == "HEAD" else name), tree / ".git" / name)
    assert walk.read_commit(tree) is None


def test_a_real_linked_worktree_still_reports_its_commit(tmp_path):
    main = tmp_path / "main"
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q", str(main)], check=True, capture_output=True)
    (main / "a.txt").write_text("a\n")
    for args in (["add", "."], ["commit", "-q", "-m", "one"], ["worktree", "add", "-q", "../wt"]):
        subprocess.run([*git, *args], cwd=main, check=True, capture_output=True)
    expected = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=tmp_path / "wt", capture_output=True, text=True
    ).stdout.strip()
    assert walk.read_commit(tmp_path / "wt") == expected
    assert collect_directory(tmp_path / "wt")["paths"] == ["a.txt"]


# --- no shape of folders fails a scan -----------------------------------------------------


def nest(root: Path, depth: int) -> None:
    """``depth`` folders inside each other, a file at the bottom (built through descriptors:
    ``os.makedirs`` itself recurses)."""
    fd = os.open(root, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd))
    os.close(fd)


def unnest(root: Path, depth: int) -> None:
    """Remove what ``nest`` built, bottom up (``shutil.rmtree`` recurses too)."""
    here = os.getcwd()
    try:
        os.chdir(root)
        for _ in range(depth):
            os.chdir("d")
        os.unlink("deep.txt")
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(here)


@pytest.fixture
def deep_tree(tmp_path):
    tree = tmp_path / "deep"
    tree.mkdir()
    (tree / "app.py").write_text("print(1)\n")
    nest(tree, 1_900)
    yield tree
    unnest(tree, 1_900)


def test_1900_nested_folders_are_reported_and_skipped_not_a_crash(deep_tree):
    facts = collect_directory(deep_tree)
    assert facts["paths"] == ["app.py"]
    too_deep = [e for e in facts["errors"] if "deeper than" in e["error"]]
    assert len(too_deep) == 1 and too_deep[0]["path"].count("/") == walk.MAX_DEPTH


def test_score_repo_scores_a_1900_deep_tree_with_exit_code_0(deep_tree):
    out = StringIO()
    call_command("score_repo", str(deep_tree), "--format", "json", stdout=out)
    assert '"score"' in out.getvalue()


def test_costly_ignore_rules_are_cut_short_and_reported(tmp_path):
    tree = tmp_path / "repo"
    (tree / ".git").mkdir(parents=True)
    patterns = ["*" + "?" * 100 + f"{n:04d}" for n in range(2_000)]
    (tree / ".gitignore").write_text("\n".join(patterns) + "\n")
    for n in range(300):
        (tree / f"{n:03d}{'a' * 240}").write_text("x\n")
    facts = collect_directory(tree)
    assert len(facts["paths"]) == 301  # no rule matches: every file and .gitignore itself
    assert any("ignore rules too costly" in error["error"] for error in facts["errors"])
