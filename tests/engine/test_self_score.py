"""The portal is an exemplary twelve-factor app: scored by itself it is 100 / Gold."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_portal_scores_its_own_repository_100_gold():
    run = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "score_repo",
            ".",
            "--format",
            "json",
            "--today",
            "2026-11-25",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    not_passing = {
        c["id"]: c["message"] for c in report["checks"] if c["status"] in ("fail", "warn")
    }
    assert not_passing == {}
    assert report["score"] == 100
    assert report["level"] == "Gold"
    assert set(report["kinds"]) >= {"container", "paas"}
