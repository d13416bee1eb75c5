"""Repository analysis: ``manage.py score_repo`` on 100 to 50,000 files, beside ``checkov -d``.

Generates seeded repositories (bench/synthetic_repo.py) into a temporary folder, then times
both tools as child processes on the same trees, as a CI job would run them: wall seconds
(median of ``--repeat`` runs), CPU seconds (from the child's rusage, steadier than wall time on a
shared machine), peak RSS, files per second and how the time grows with the size. checkov runs
from its own virtualenv (created with ``pip install checkov`` on first use; never a dependency
of the portal), with ``--skip-download`` so it stays offline, once per size under
``--checkov-timeout``.

    .venv/bin/python bench/repo_analysis.py                    # 100, 1k, 10k, 50k files
    .venv/bin/python bench/repo_analysis.py --sizes 1000 --repeat 5 --no-checkov
    .venv/bin/python bench/repo_analysis.py --quick            # tiny sizes, no checkov (smoke)

Before the sizes, the empty repository: start-up alone (Python, Django settings, the catalogue),
and which heavy libraries the command imported (``-X importtime``) — boto3, the kubernetes
client and Celery were most of it once, and scoring a directory needs none of them. The child
processes keep their bytecode in a temporary ``PYTHONPYCACHEPREFIX``, as an installed portal
would (a warm-up run fills it), even where ``PYTHONDONTWRITEBYTECODE`` is set.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import PYTHON, ROOT, Run, machine, run_measured  # noqa: E402
from synthetic_repo import write_repository  # noqa: E402

DEFAULT_VENV = Path(__file__).resolve().parent / ".venv-checkov"


def ensure_checkov(venv: Path) -> Path:
    """The checkov executable of ``venv``, installing it there on first use."""
    executable = venv / "bin" / "checkov"
    if executable.exists():
        return executable
    print(f"installing checkov into {venv} (first run only)...", flush=True)
    interpreter = shutil.which("python3.11") or sys.executable
    subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "checkov"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return executable


# Libraries the command line must not load for a directory (tests/engine/test_score_repo_startup).
HEAVY_MODULES = ("boto3", "botocore", "kubernetes", "celery", "kombu")


def _child_env() -> dict[str, str]:
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "bench-repo-pycache")
    return env


def score_repo(tree: Path, output: Path, *python_flags: str) -> Run:
    command = [PYTHON, *python_flags, "manage.py", "score_repo", str(tree)]
    command += ["--format", "json", "-o", str(output)]
    return run_measured(command, cwd=ROOT, env=_child_env())


def heavy_imports(tree: Path, output: Path) -> list[str]:
    """The heavy top-level packages one run imports, from ``-X importtime`` on stderr."""
    command = [PYTHON, "-X", "importtime", "manage.py", "score_repo", str(tree)]
    command += ["--format", "json", "-o", str(output)]
    done = subprocess.run(command, cwd=ROOT, env=_child_env(), capture_output=True, text=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    return sorted(name for name in HEAVY_MODULES if name in imported)


def measure_empty(work: Path, runs: int) -> Run:
    """Start-up alone: an empty repository, median wall of ``runs`` after one warm-up."""
    empty = work / "empty"
    empty.mkdir()
    output = work / "empty.json"
    score_repo(empty, output)  # warm-up: writes the bytecode cache
    measured = sorted((score_repo(empty, output) for _ in range(runs)), key=lambda r: r.wall)
    median = measured[len(measured) // 2]
    heavy = heavy_imports(empty, output)
    print(
        f"score_repo empty repository: wall {median.wall:.2f} s median of {runs} "
        f"(min {measured[0].wall:.2f} s), CPU {median.cpu:.2f} s, peak RSS "
        f"{median.peak_rss_mb:.0f} MB; heavy imports: {', '.join(heavy) or 'none'}; "
        f"{summarise_score(output)}",
        flush=True,
    )
    return median


def checkov(executable: Path, tree: Path, output: Path, timeout: float) -> Run:
    command = [str(executable), "-d", str(tree), "--skip-download", "--quiet", "-o", "json"]
    with open(output, "w") as handle:
        return run_measured(command, cwd=tree, stdout=handle, timeout=timeout)


def summarise_score(path: Path) -> str:
    report = json.loads(path.read_text())
    counted = {}
    for check in report["checks"]:
        counted[check["status"]] = counted.get(check["status"], 0) + 1
    shown = ", ".join(f"{n} {status}" for status, n in sorted(counted.items()))
    return f"score {report['score']} {report['level']} ({shown})"


def summarise_checkov(path: Path) -> str:
    try:
        data = json.loads(path.read_text() or "[]")
    except ValueError:
        return "no JSON report"
    reports = data if isinstance(data, list) else [data]
    passed = sum(r.get("summary", {}).get("passed", 0) for r in reports)
    failed = sum(r.get("summary", {}).get("failed", 0) for r in reports)
    kinds = ",".join(sorted(str(r.get("check_type")) for r in reports))
    return f"{passed} passed, {failed} failed ({kinds})"


def growth(previous: tuple[int, float] | None, files: int, seconds: float) -> str:
    """Time ratio for the size ratio, and the same scaled to a 10x step (10.0 = linear)."""
    if previous is None or previous[1] <= 0:
        return "-"
    size_ratio = files / previous[0]
    time_ratio = seconds / previous[1]
    per_10x = time_ratio ** (1 / math.log10(size_ratio))
    return f"x{time_ratio:.1f} for x{size_ratio:g} files (x{per_10x:.1f} per 10x)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000,50000")
    parser.add_argument("--repeat", type=int, default=3, help="score_repo runs per size")
    parser.add_argument("--no-checkov", action="store_true")
    parser.add_argument("--checkov-venv", type=Path, default=DEFAULT_VENV)
    parser.add_argument("--checkov-timeout", type=float, default=300.0)
    parser.add_argument("--quick", action="store_true", help="sizes 50 and 200, once, no checkov")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    sizes = [50, 200] if args.quick else [int(s) for s in args.sizes.split(",")]
    repeat = 1 if args.quick else args.repeat
    with_checkov = not (args.quick or args.no_checkov)
    executable = ensure_checkov(args.checkov_venv) if with_checkov else None

    print(f"machine: {machine()}")
    work = Path(tempfile.mkdtemp(prefix="bench-repo-"))
    rows = []
    try:
        baseline = measure_empty(work, 1 if args.quick else max(5, repeat))
        previous_wall = previous_cpu = None
        checkov_timed_out = False
        for files in sizes:
            tree = work / f"repo-{files}"
            size = write_repository(tree, files, seed=args.seed)
            output = work / f"score-{files}.json"
            runs = [score_repo(tree, output) for _ in range(repeat)]
            if any(run.returncode not in (0, 1) for run in runs):
                print(f"score_repo failed on {files} files", file=sys.stderr)
                return 1
            wall = statistics.median(run.wall for run in runs)
            cpu = statistics.median(run.cpu for run in runs)
            rss = max(run.peak_rss_mb for run in runs)
            marginal = (cpu - baseline.cpu) / files * 1000
            row = {
                "files": files,
                "mb": size / 1e6,
                "wall": wall,
                "cpu": cpu,
                "rss": rss,
                "files_per_s": files / wall,
                "growth": growth(previous_wall, files, wall),
                "cpu_growth": growth(previous_cpu, files, cpu),
                "summary": summarise_score(output),
            }
            previous_wall, previous_cpu = (files, wall), (files, cpu)
            print(
                f"score_repo {files:>6} files ({size / 1e6:.1f} MB): wall {wall:.2f} s "
                f"(runs {', '.join(f'{r.wall:.2f}' for r in runs)}), CPU {cpu:.2f} s "
                f"({marginal:.2f} ms/file above start-up), {files / wall:,.0f} files/s, "
                f"peak RSS {rss:.0f} MB; growth wall {row['growth']}, "
                f"CPU {row['cpu_growth']}; {row['summary']}",
                flush=True,
            )
            if executable is not None and checkov_timed_out:
                print(f"checkov    {files:>6} files: skipped, it timed out on a smaller tree")
            elif executable is not None:
                report = work / f"checkov-{files}.json"
                run = checkov(executable, tree, report, args.checkov_timeout)
                row["checkov"] = run
                shown = (
                    f"timed out after {args.checkov_timeout:.0f} s (killed)"
                    if run.timed_out
                    else summarise_checkov(report)
                )
                checkov_timed_out = run.timed_out
                # A killed checkov never reaps its workers: its rusage would undercount.
                used = "n/a (killed)" if run.timed_out else f"{run.cpu:.2f} s"
                ratio = "n/a" if run.timed_out else f"x{run.cpu / cpu:.1f}"
                prefix = ">" if run.timed_out else ""
                print(
                    f"checkov    {files:>6} files: wall {prefix}{run.wall:.2f} s, CPU {used}, "
                    f"peak RSS {run.peak_rss_mb:.0f} MB; checkov/score_repo: wall "
                    f"{prefix}x{run.wall / wall:.1f}, CPU {ratio}; {shown}",
                    flush=True,
                )
            rows.append(row)
            shutil.rmtree(tree)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print()
    header = "| files | score_repo wall | CPU | files/s | peak RSS | wall growth |"
    if executable is not None:
        header += " checkov wall | checkov CPU | ratio (wall, CPU) |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for row in rows:
        line = (
            f"| {row['files']:,} | {row['wall']:.2f} s | {row['cpu']:.2f} s | "
            f"{row['files_per_s']:,.0f} | {row['rss']:.0f} MB | {row['growth']} |"
        )
        if "checkov" in row:
            run = row["checkov"]
            if run.timed_out:
                line += f" >{run.wall:.0f} s (killed) | n/a | >x{run.wall / row['wall']:.0f}, n/a |"
            else:
                line += (
                    f" {run.wall:.1f} s | {run.cpu:.1f} s | "
                    f"x{run.wall / row['wall']:.1f}, x{run.cpu / row['cpu']:.1f} |"
                )
        elif executable is not None:
            line += " skipped | | |"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
