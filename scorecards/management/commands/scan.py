"""``python manage.py scan``: scan the organisation (or one service) from its sources.

Without ``--sync`` the scan is queued for the Celery workers and the command returns at once
(with the embedded default, tasks run in-process anyway). With ``--sync`` every step runs here,
with a progress bar when the output is a terminal and a summary at the end.
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F

from scorecards import scanning, sources
from scorecards.models import CheckResult, Scan, Scorecard, Service
from scorecards.tasks import enqueue_scan

SOURCES = ("github", "aws", "kubernetes", "local")


class Command(BaseCommand):
    help = "Scan every service of the organisation, or one, from the configured sources."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--service", help="name or slug of one service to rescan")
        parser.add_argument(
            "--source",
            action="append",
            choices=SOURCES,
            help="only this source (repeatable); default: every configured source",
        )
        parser.add_argument(
            "--sync", action="store_true", help="run here and wait, instead of queueing"
        )

    def handle(self, *args, **options) -> None:
        service = None
        if options["service"]:
            wanted = options["service"]
            service = (
                Service.objects.filter(slug=wanted).first()
                or Service.objects.filter(name__iexact=wanted).first()
            )
            if service is None:
                raise CommandError(
                    f"no service named {wanted!r}; run a full scan first, or see the service "
                    "list in the portal",
                    returncode=2,
                )
        chosen = options["source"]
        configured = sources.configured_sources()
        if chosen:
            missing = [s for s in chosen if s not in configured]
            if missing:
                raise CommandError(
                    f"source(s) not configured: {', '.join(missing)} "
                    f"(configured: {', '.join(configured) or 'none'}); see .env.example",
                    returncode=2,
                )
        scan, created = scanning.request_scan(
            Scan.Trigger.MANUAL,
            service=service,
            sources=chosen,
            reason="manage.py scan",
            requested_by="command line",
        )
        if not created:
            self.stdout.write(
                f"A scan of the same scope is already {scan.state} (scan {scan.pk}); "
                "this request joins it."
            )
            return
        if not options["sync"]:
            enqueue_scan(scan)
            scan.refresh_from_db()
            self.stdout.write(f"Scan {scan.pk} queued ({', '.join(scan.sources)}): {scan.state}.")
            return
        self._run(scan)

    def _run(self, scan: Scan) -> None:
        started = time.monotonic()
        tty = sys.stdout.isatty()
        for source in scan.sources:
            self._line(tty, f"collecting {source}…")
            scanning.collect_source(scan.pk, source)
            state = Scan.objects.get(pk=scan.pk).progress["sources"][source]
            self._done(
                tty,
                f"{source}: {state['state']}"
                + (f" ({state['error']})" if state.get("error") else ""),
            )
        ids = scanning.plan_services(scan.pk)
        for index, service_id in enumerate(ids, start=1):
            self._bar(tty, index, len(ids))
            scanning.score_service(scan.pk, service_id)
        if tty and ids:
            self.stdout.write("")
        scan = scanning.finish_scan(scan.pk)
        self._summary(scan, time.monotonic() - started)
        if scan.state == Scan.State.FAILED:
            raise CommandError(f"scan {scan.pk} failed: {scan.error}", returncode=1)

    def _line(self, tty: bool, text: str) -> None:
        if tty:
            self.stdout.write(text, ending="\r")
            self.stdout.flush()

    def _done(self, tty: bool, text: str) -> None:
        self.stdout.write(f"{text:<60}")

    def _bar(self, tty: bool, done: int, total: int) -> None:
        if not tty:
            return
        width = 30
        filled = int(width * done / total)
        self.stdout.write(
            f"scoring [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="\r"
        )
        self.stdout.flush()

    def _summary(self, scan: Scan, seconds: float) -> None:
        cards = Scorecard.objects.filter(scan=scan).select_related("service")
        checks = CheckResult.objects.filter(scorecard__scan=scan).count()
        self.stdout.write(
            f"Scan {scan.pk} {scan.state}: {cards.count()} services, {checks} check results "
            f"in {seconds:.1f}s."
        )
        for source, state in scan.progress.get("sources", {}).items():
            requests = (state.get("requests") or {}).get("total", 0)
            self.stdout.write(
                f"  {source}: {state.get('state')}, {requests} requests, "
                f"{state.get('seconds', 0):.1f}s"
            )
        for card in cards.order_by(F("score").asc(nulls_first=True), "service__name"):
            stale = f"  (stale: {', '.join(card.stale_sources)})" if card.stale_sources else ""
            coverage = "" if card.coverage is None else f"  {card.coverage:g}% decided"
            self.stdout.write(f"  {card.service.name:<30} {_score(card)}{coverage}{stale}")
        if scan.error:
            self.stdout.write(f"Problems:\n  {scan.error}")


def _score(card: Scorecard) -> str:
    """A service none of whose facts could be read has no score: say so instead of crashing."""
    if card.score is None:
        return f"{'-':>5} no score"
    return f"{card.score:>5} {card.level}"
