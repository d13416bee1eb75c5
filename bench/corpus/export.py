"""Export each labelled repository's labelled commit into ``OUT/owner+name/``.

Reads the bare repositories that the session's ``fetch`` tool left under
``MIRROR_ROOT/owner+name/repo`` and unpacks ``git archive`` of the labelled commit; nothing
from a repository is run. Only ``bench/accuracy.py`` users need this; tests never do.

    python bench/corpus/export.py --mirror-root /work/.mirror --out /tmp/corpus-trees
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

LABELS = Path(__file__).resolve().parent / "labels.json"


def bare_dir(mirror_root: Path, repo: str) -> Path | None:
    base = mirror_root / repo.replace("/", "+")
    for candidate in (base / "repo", base):
        if (candidate / "HEAD").is_file():
            return candidate
    return None


def export(git_dir: Path, commit: str, target: Path) -> None:
    archive = subprocess.run(
        ["git", f"--git-dir={git_dir}", "archive", "--format=tar", commit],
        capture_output=True,
        check=True,
    ).stdout
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        # The "data" filter refuses links and paths that leave the target folder.
        tar.extractall(target, filter="data")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror-root", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--labels", type=Path, default=LABELS)
    args = parser.parse_args(argv)
    data = json.loads(args.labels.read_text(encoding="utf-8"))
    entries = data["repos"] if isinstance(data, dict) else data
    missing = 0
    for entry in entries:
        git_dir = bare_dir(args.mirror_root, entry["repo"])
        if git_dir is None:
            print(f"not fetched: {entry['repo']}", file=sys.stderr)
            missing += 1
            continue
        export(git_dir, entry["commit"], args.out / entry["repo"].replace("/", "+"))
        print(f"exported {entry['repo']} @ {entry['commit'][:12]}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
