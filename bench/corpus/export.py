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


def export(git_dir: Path, commit: str, target: Path) -> int:
    """Unpack ``commit`` into ``target``; returns how many files could not be read."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    if _drops_files(git_dir, commit):
        # git archive leaves out export-ignore paths (laravel/laravel's .github): the scanner
        # reads the repository's tree, so the export must hold every file of it.
        return export_blob_by_blob(git_dir, commit, target)
    archive = subprocess.run(
        ["git", f"--git-dir={git_dir}", "archive", "--format=tar", commit],
        capture_output=True,
        check=False,
    )
    if archive.returncode == 0:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            # The "data" filter refuses links and paths that leave the target folder.
            tar.extractall(target, filter="data")
        return 0
    # A snapshot may list its largest blobs without holding them: export what is there.
    return export_blob_by_blob(git_dir, commit, target)


def _drops_files(git_dir: Path, commit: str) -> bool:
    """The commit's .gitattributes changes what git archive writes (export-ignore/-subst)."""
    shown = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{commit}:.gitattributes"],
        capture_output=True,
        check=False,
    )
    return shown.returncode == 0 and b"export-" in shown.stdout


def export_blob_by_blob(git_dir: Path, commit: str, target: Path) -> int:
    listing = subprocess.run(
        ["git", f"--git-dir={git_dir}", "ls-tree", "-r", "-z", commit],
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    files = []
    for entry in listing:
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode in (b"100644", b"100755"):
            files.append((sha.decode(), path.decode("utf-8", "surrogateescape")))
    shas = "".join(f"{sha}\n" for sha, _ in files).encode()
    batch = subprocess.run(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
        input=shas,
        capture_output=True,
        check=True,
    ).stdout
    missing, offset = 0, 0
    root = target.resolve()
    for _, path in files:
        header_end = batch.index(b"\n", offset)
        header = batch[offset:header_end].split()
        offset = header_end + 1
        if header[1] == b"missing":
            missing += 1
            continue
        size = int(header[2])
        body = batch[offset : offset + size]
        offset += size + 1
        destination = (target / path).resolve()
        if not destination.is_relative_to(root):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(body)
    return missing


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
        absent = export(git_dir, entry["commit"], args.out / entry["repo"].replace("/", "+"))
        note = f" ({absent} large files absent from the snapshot)" if absent else ""
        print(f"exported {entry['repo']} @ {entry['commit'][:12]}{note}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
