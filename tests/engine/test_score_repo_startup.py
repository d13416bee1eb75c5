"""`manage.py score_repo` on an empty repository loads none of the portal's heavy libraries.

boto3, the kubernetes client and Celery (with kombu) were about 1.5 s of a 1.6 s run, and
scoring a directory uses none of them; neither does it need the ORM. Asserted on what the
interpreter reports importing (``-X importtime``), not on a time.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_FOR_A_DIRECTORY = {"boto3", "botocore", "kubernetes", "celery", "kombu", "django.db"}


def imported_modules(stderr: str) -> set[str]:
    return {
        line.rsplit("|", 1)[-1].strip()
        for line in stderr.splitlines()
        if line.startswith("import time:")
    }


def test_scoring_an_empty_directory_imports_no_cloud_client_celery_or_orm(tmp_path):
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "manage.py", "score_repo", str(tmp_path)]
        + ["--format", "json", "--today", "2026-11-25"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout)["service"] == tmp_path.name
    imported = imported_modules(run.stderr)
    assert "scorecards.engine" in imported  # the probe sees the command's own imports
    assert imported & NOT_FOR_A_DIRECTORY == set()


def test_a_directory_report_knows_only_the_repository_was_read(tmp_path):
    from datetime import date

    from scorecards.directory_scoring import score_directory

    report = score_directory(tmp_path, today=date(2026, 11, 25))
    # So a capped level's note names aws and kubernetes, not the repository it just read.
    assert report.ingested == ("github",)
