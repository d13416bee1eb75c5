"""The benchmark scripts still run (tiny sizes); their figures are read by people, not asserted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from synthetic_repo import generate  # noqa: E402


def run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, f"bench/{script}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_synthetic_repository_has_exactly_the_files_asked_and_is_the_same_every_time():
    first = list(generate(300, seed=3))

    assert len(first) == 300
    assert len({path for path, _ in first}) == 300
    assert first == list(generate(300, seed=3))
    assert first != list(generate(300, seed=4))


def test_the_synthetic_repository_mixes_what_real_ones_hold():
    paths = [path for path, _ in generate(600)]

    for expected in (
        r"(^|/)Dockerfile$",
        r"package-lock\.json$|go\.sum$|Gemfile\.lock$|requirements\.txt$",
        r"^\.github/workflows/",
        r"k8s/deployment\.yaml$",
        r"^compose\.yaml$",
        r"\.md$",
        r"/(node_modules|vendor)/",
        r"\.py$",
    ):
        assert any(re.search(expected, path) for path in paths), expected


def test_repo_analysis_quick_prints_a_row_per_size():
    out = run("repo_analysis.py", "--quick")

    assert re.search(r"score_repo +50 files .* files/s", out)
    assert re.search(r"\| 200 \| [\d.]+ s \|", out)


def test_scoring_prints_checks_per_second():
    out = run("scoring.py", "--services", "40")

    assert re.search(r"40 services, [\d,]+ checks evaluated", out)
    assert re.search(r"throughput: [\d,]+ checks/s", out)
