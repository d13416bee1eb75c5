"""``manage.py score_repo`` beside ``checkov -d`` on the same real repositories, in one run.

The trees are the corpus exports (``bench/corpus/export.py --out DIR``): each sub-folder is one
repository. Both tools run as child processes, one repository after the other, so the machine's
load is the same for both; the figures are wall and CPU seconds summed over the repositories.

    .venv/bin/python bench/real_repos.py --trees /tmp/corpus-trees --limit 12
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import machine  # noqa: E402
from repo_analysis import DEFAULT_VENV, checkov, ensure_checkov, score_repo  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", required=True, type=Path, help="one sub-folder per repository")
    parser.add_argument("--limit", type=int, default=12, help="how many repositories (sorted)")
    parser.add_argument("--checkov-timeout", type=float, default=900)
    parser.add_argument("--checkov-venv", type=Path, default=DEFAULT_VENV)
    args = parser.parse_args()
    trees = sorted(p for p in args.trees.iterdir() if p.is_dir())[: args.limit]
    if not trees:
        parser.error(f"no repository folders in {args.trees}")
    executable = ensure_checkov(args.checkov_venv)
    print(machine(), flush=True)
    print("| repository | files | score_repo wall / CPU s | checkov wall / CPU s |")
    print("|---|---|---|---|")
    totals = {"ours_wall": 0.0, "ours_cpu": 0.0, "checkov_wall": 0.0, "checkov_cpu": 0.0}
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        score_repo(trees[0], out / "warm.json")  # fills the bytecode cache, as an install would
        for tree in trees:
            files = sum(1 for p in tree.rglob("*") if p.is_file())
            ours = score_repo(tree, out / "ours.json")
            theirs = checkov(executable, tree, out / "checkov.json", args.checkov_timeout)
            totals["ours_wall"] += ours.wall
            totals["ours_cpu"] += ours.cpu
            totals["checkov_wall"] += theirs.wall
            totals["checkov_cpu"] += theirs.cpu
            late = " (timed out)" if theirs.timed_out else ""
            print(
                f"| {tree.name} | {files} | {ours.wall:.2f} / {ours.cpu:.2f} | "
                f"{theirs.wall:.2f} / {theirs.cpu:.2f}{late} |",
                flush=True,
            )
    print(
        f"\n{len(trees)} repositories: score_repo {totals['ours_wall']:.1f} s wall, "
        f"{totals['ours_cpu']:.1f} s CPU; checkov {totals['checkov_wall']:.1f} s wall, "
        f"{totals['checkov_cpu']:.1f} s CPU; checkov / score_repo: "
        f"{totals['checkov_wall'] / totals['ours_wall']:.1f}x wall, "
        f"{totals['checkov_cpu'] / max(totals['ours_cpu'], 1e-9):.1f}x CPU"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
