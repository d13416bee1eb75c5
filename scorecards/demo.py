"""The bundled demo organisation: its past scans replayed through the real pipeline.

``DEMO_ORGANISATION`` holds ``repos/`` (one folder per repository), ``aws/`` and
``kubernetes/`` (offline exports) and ``history/scans.yaml``: the past scans, oldest first.
Each past scan is the current tree with an overlay applied (its files replace or add to the
current ones; ``remove`` lists paths that did not exist yet), materialised in a temporary
folder and scanned by the same collectors, discovery, checks and scoring as any scan — only
the scan date is set in the past afterwards (``today`` is passed to the checks, so date-based
rules such as runtime deprecation are judged on that day). Nothing is a pre-computed score.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import Min
from django.test.utils import override_settings
from django.utils import timezone

from scorecards import scanning
from scorecards.models import Facts, Scan, Scorecard, Service, Snapshot, SourceRun, Team

REASON = "demo organisation"
PARTS = ("repos", "aws", "kubernetes")


def is_loaded() -> bool:
    return Scan.objects.filter(reason__startswith=REASON).exists()


def forget_everything() -> None:
    """``load_demo --reset``: the demo database starts over (scans, services, teams)."""
    with transaction.atomic():
        Scan.objects.all().delete()
        Service.objects.all().delete()
        Team.objects.all().delete()
        Facts.objects.all().delete()


def past_scans(root: Path) -> list[dict]:
    manifest = root / "history" / "scans.yaml"
    if not manifest.is_file():
        return []
    return list((yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}).get("scans") or [])


def materialise(root: Path, entry: dict, target: Path) -> None:
    """The organisation as it was: the current tree, the overlay on top, removed paths gone."""
    overlay = root / "history" / str(entry["overlay"])
    for part in PARTS:
        if (root / part).is_dir():
            shutil.copytree(root / part, target / part)
        if (overlay / part).is_dir():
            shutil.copytree(overlay / part, target / part, dirs_exist_ok=True)
    for relative in entry.get("remove") or []:
        path = (target / relative).resolve()
        if not path.is_relative_to(target.resolve()):
            raise ValueError(f"history: {relative} is outside the demo organisation")
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def _backdate(scan: Scan, when: datetime) -> None:
    """Move a finished scan and what it wrote to ``when`` (durations kept)."""
    shift = when - scan.created_at
    Scan.objects.filter(pk=scan.pk).update(
        created_at=when,
        started_at=(scan.started_at or scan.created_at) + shift,
        finished_at=(scan.finished_at or scan.created_at) + shift,
    )
    for run in SourceRun.objects.filter(scan=scan):
        run.started_at += shift
        run.finished_at = (run.finished_at or run.started_at) + shift
        run.save(update_fields=["started_at", "finished_at"])
    Scorecard.objects.filter(scan=scan).update(created_at=when)
    Snapshot.objects.filter(scan=scan).update(fetched_at=when)


def _scan(reason: str, today) -> Scan:
    # The demo's teams exist only in its repositories' catalog files: it may create them.
    with override_settings(DISCOVERY_CREATE_TEAMS=True):
        scan, _created = scanning.request_scan(Scan.Trigger.SCHEDULE, reason=reason)
        return scanning.run_scan(scan.pk, today=today)


def load(root: Path, progress: Callable[[str], None] = lambda _: None) -> Iterator[Scan]:
    """Replay the past scans (oldest first), then scan the organisation as it is today."""
    now = timezone.now()
    for entry in past_scans(root):
        # 03:00 UTC: when the default SCAN_SCHEDULE runs.
        when = timezone.make_aware(
            datetime.combine(now.date() - timedelta(days=int(entry["days_ago"])), time(3)),
            UTC,
        )
        progress(f"Replaying the scan of {when:%Y-%m-%d} ({entry['overlay']})...")
        with tempfile.TemporaryDirectory(prefix="demo-history-") as folder:
            target = Path(folder)
            materialise(root, entry, target)
            repos = sorted(str(p) for p in (target / "repos").iterdir() if p.is_dir())
            with override_settings(
                LOCAL_REPOSITORIES=repos,
                AWS_OFFLINE_DIR=str(target / "aws") if (target / "aws").is_dir() else "",
                KUBE_OFFLINE_DIR=(
                    str(target / "kubernetes") if (target / "kubernetes").is_dir() else ""
                ),
            ):
                scan = _scan(f"{REASON}: as of {when:%Y-%m-%d}", today=when.date())
        _backdate(scan, when)
        scan.refresh_from_db()
        yield scan
    progress("Scanning the demo organisation as it is today...")
    scan = _scan(f"{REASON}: today", today=now.date())
    # A service was first seen by its oldest scan, not when this command ran.
    for service in Service.objects.annotate(oldest=Min("scorecards__created_at")):
        if service.oldest and service.oldest < service.first_seen_at:
            Service.objects.filter(pk=service.pk).update(first_seen_at=service.oldest)
    yield scan
