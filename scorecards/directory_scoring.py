"""Scoring a repository on disk: what ``manage.py score_repo`` runs.

Kept apart from ``scorecards.scanning`` (discovery, the cloud collectors, the ORM) so that the
command line imports neither boto3, the kubernetes client nor Celery: they were most of its
start-up time, and scoring a directory never uses them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from scorecards.checks.context import CheckContext
from scorecards.collectors.localdir import collect_directory
from scorecards.engine import Report, evaluate_service


class NotADirectoryToScore(ValueError):
    """The path given to score does not exist or is not a directory."""


def score_directory(path: str | Path, today: date, service: str | None = None) -> Report:
    """Analyse a repository on disk and score it; no database, no network."""
    root = Path(path)
    if not root.exists():
        raise NotADirectoryToScore(f"{path}: no such directory")
    if not root.is_dir():
        raise NotADirectoryToScore(f"{path}: not a directory")
    facts = collect_directory(root.resolve())
    if service is None and not facts.get("root"):
        service = root.resolve().name
    return evaluate_service(CheckContext(repo=facts), today=today, service=service)
