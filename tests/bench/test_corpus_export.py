"""The corpus export reproduces the repository's tree, whatever its export attributes say."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench.corpus.export import export


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_export_ignored_paths_are_exported(tmp_path: Path):
    repo = tmp_path / "src"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "tests.yml").write_text("on: push\n")
    (repo / ".gitattributes").write_text("/.github export-ignore\nCHANGELOG.md export-ignore\n")
    (repo / "CHANGELOG.md").write_text("# changes\n")
    (repo / "app.php").write_text("<?php echo 'hi';\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "init")
    commit = _git(repo, "rev-parse", "HEAD")

    out = tmp_path / "tree"
    assert export(repo / ".git", commit, out) == 0
    assert (out / ".github" / "workflows" / "tests.yml").read_text() == "on: push\n"
    assert (out / "CHANGELOG.md").is_file() and (out / "app.php").is_file()
