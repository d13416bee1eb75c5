"""Listing repository trees: git and plain folders, exclusions, links, sizes, commits."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from scorecards.collectors.repo_files import walk


def write(root: Path, rel: str, content: str | bytes = "x\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def git(root: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.email=t@example.com",
            "-c",
            "user.name=t",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("demo/**", "demo/app/Dockerfile", True),
        ("demo/**", "src/demo/x.py", False),
        ("**/fixtures/**", "tests/fixtures/a.yaml", True),
        ("**/fixtures/**", "fixtures/a.yaml", True),
        ("*.min.js", "static/js/app.min.js", True),
        ("docs", "docs/index.md", True),
        ("docs", "src/docs/index.md", True),
        ("legacy/", "legacy/app.py", True),
        ("src/*.py", "src/a/b.py", False),
        ("src/*.py", "src/b.py", True),
        ("config/[ab].yml", "config/a.yml", True),
    ],
)
def test_globs_follow_gitignore_like_semantics(glob: str, path: str, matches: bool):
    assert walk.matches_any(path, [glob]) is matches


def test_a_plain_tree_skips_dependency_folders_and_excluded_globs(tmp_path: Path):
    write(tmp_path, "app.py")
    write(tmp_path, "node_modules/lib/index.js")
    write(tmp_path, "pkg/build/out.js")
    write(tmp_path, "demo/Dockerfile")
    listing = walk.list_tree(tmp_path, ["demo/**"])
    assert listing.paths == ["app.py"]
    assert listing.skipped.excluded == 1
    assert listing.excluded_globs[-1] == "demo/**"
    assert "**/node_modules/**" in listing.excluded_globs


def test_large_files_are_counted_not_listed(tmp_path: Path):
    write(tmp_path, "big.json", b"{" + b" " * (walk.MAX_FILE_BYTES + 1) + b"}")
    write(tmp_path, "small.json", "{}")
    listing = walk.list_tree(tmp_path, [])
    assert listing.paths == ["small.json"]
    assert listing.skipped.too_large == 1


def test_symlinks_leaving_the_tree_are_skipped(tmp_path: Path):
    outside = write(tmp_path, "outside/secret.txt")
    root = tmp_path / "repo"
    write(root, "real.txt")
    os.symlink(outside, root / "escape.txt")
    os.symlink(tmp_path / "outside", root / "escape-dir")
    os.symlink(root / "real.txt", root / "alias.txt")
    listing = walk.list_tree(root, [])
    assert listing.paths == ["alias.txt", "real.txt"]
    assert listing.skipped.link == 2


def test_a_git_checkout_honours_gitignore_and_lists_untracked_files(tmp_path: Path):
    git(tmp_path, "init", "-q")
    write(tmp_path, ".gitignore", "ignored.log\n")
    write(tmp_path, "tracked.py")
    write(tmp_path, "ignored.log")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first")
    write(tmp_path, "untracked.py")
    listing = walk.list_tree(tmp_path, [])
    assert listing.git_listed is True
    assert listing.paths == [".gitignore", "tracked.py", "untracked.py"]


def test_a_subdirectory_of_a_checkout_is_listed_relative_to_itself(tmp_path: Path):
    git(tmp_path, "init", "-q")
    write(tmp_path, "services/api/main.go")
    write(tmp_path, "services/web/index.js")
    listing = walk.list_tree(tmp_path / "services" / "api", [])
    assert listing.paths == ["main.go"]


def test_the_commit_is_read_from_git_files(tmp_path: Path):
    git(tmp_path, "init", "-q")
    write(tmp_path, "a.txt")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first")
    expected = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert walk.read_commit(tmp_path) == expected


def test_a_subdirectory_reads_the_commit_of_its_checkout(tmp_path: Path):
    sha = "c" * 40
    write(tmp_path, ".git/HEAD", "ref: refs/heads/main\n")
    write(tmp_path, ".git/refs/heads/main", sha + "\n")
    (tmp_path / "services" / "api").mkdir(parents=True)
    assert walk.read_commit(tmp_path / "services" / "api") == sha


def test_the_commit_is_found_in_packed_refs(tmp_path: Path):
    sha = "a" * 40
    write(tmp_path, ".git/HEAD", "ref: refs/heads/main\n")
    write(tmp_path, ".git/packed-refs", f"# pack-refs with: peeled\n{sha} refs/heads/main\n")
    assert walk.read_commit(tmp_path) == sha


def test_a_detached_head_is_the_commit(tmp_path: Path):
    write(tmp_path, ".git/HEAD", "b" * 40 + "\n")
    assert walk.read_commit(tmp_path) == "b" * 40


def test_no_git_means_no_commit(tmp_path: Path):
    assert walk.read_commit(tmp_path) is None


def test_vcs_markers_are_reported(tmp_path: Path):
    write(tmp_path, ".gitignore")
    write(tmp_path, ".github/workflows/ci.yml")
    assert walk.vcs_facts(tmp_path, git_listed=False) == {
        "git": False,
        "markers": [".gitignore", ".github"],
    }


def test_binary_detection_looks_for_nul_bytes():
    assert walk.is_binary(b"\x89PNG\x00\x00")
    assert not walk.is_binary("héllo".encode())


def test_config_excludes_accept_a_list_or_a_string():
    assert walk.excludes_from_config({"exclude": ["demo/**", 3]}) == ["demo/**", "3"]
    assert walk.excludes_from_config({"exclude": "demo/**"}) == ["demo/**"]
    assert walk.excludes_from_config(None) == []


def test_a_committed_build_folder_is_source_but_a_plain_one_is_output(tmp_path):
    write(tmp_path, "build/package/Dockerfile", "FROM golang:1.23\n")
    write(tmp_path, "dist/bundle.js", "x")
    assert "build/package/Dockerfile" not in walk.list_tree(tmp_path, []).paths
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first")
    paths = walk.list_tree(tmp_path, []).paths
    assert "build/package/Dockerfile" in paths
    assert "dist/bundle.js" not in paths
