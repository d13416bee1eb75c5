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


def score_directory(
    path: str | Path,
    today: date,
    service: str | None = None,
    apply_repository_waivers: bool = True,
) -> Report:
    """Analyse a repository on disk and score it; no database, no network.

    There is nobody to approve the repository's own waivers here: they apply (within the
    365-day limit) labelled as repository waivers, unless ``apply_repository_waivers`` is off.
    """
    root = Path(path)
    if not root.exists():
        raise NotADirectoryToScore(f"{path}: no such directory")
    if not root.is_dir():
        raise NotADirectoryToScore(f"{path}: not a directory")
    facts = collect_directory(root.resolve())
    if service is None and not facts.get("root"):
        service = root.resolve().name
    return evaluate_service(
        CheckContext(repo=facts),
        today=today,
        service=service,
        apply_repository_waivers=apply_repository_waivers,
    )
