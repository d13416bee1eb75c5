"""``manage.py score_repo PATH``: score a repository on disk — no database, no network."""

from __future__ import annotations

import argparse
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecards.reports.json_report import render_json
from scorecards.reports.sarif import render_sarif
from scorecards.reports.text import render_text
from scorecards.scanning import NotADirectoryToScore, score_directory


def _score_threshold(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise CommandError(
            f"--fail-under takes a number from 0 to 100, not {value!r}", returncode=2
        ) from None
    if not 0 <= number <= 100:
        raise CommandError(
            f"--fail-under takes a number from 0 to 100, not {value!r}", returncode=2
        )
    return number


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--today takes a date as YYYY-MM-DD, not {value!r}", returncode=2
        ) from None


class Command(BaseCommand):
    help = "Score a repository on disk against the twelve-factor check catalogue."
    # Scoring needs neither the database nor migrations: skip the checks that would touch them.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the repository directory to score")
        parser.add_argument("--format", choices=["text", "json", "sarif"], default="text")
        parser.add_argument(
            "--fail-under",
            default=None,
            metavar="N",
            help="exit with status 1 when the score is below N (0-100)",
        )
        parser.add_argument("--service", default=None, help="name shown for the service")
        parser.add_argument("--output", "-o", default=None, help="write the report to this file")
        parser.add_argument("--verbose", action="store_true", help="text: full remediation")
        parser.add_argument(
            "--no-repository-waivers",
            action="store_true",
            help="ignore the waivers of the repository's .twelve-factor.yml (nobody approved them)",
        )
        parser.add_argument("--today", default=None, help=argparse.SUPPRESS)

    def handle(self, *args, **options) -> None:
        threshold = (
            None if options["fail_under"] is None else _score_threshold(options["fail_under"])
        )
        today = _day(options["today"]) if options["today"] else date.today()
        try:
            report = score_directory(
                options["path"],
                today=today,
                service=options["service"],
                apply_repository_waivers=not options["no_repository_waivers"],
            )
        except NotADirectoryToScore as exc:
            raise CommandError(str(exc), returncode=2) from None

        fmt = options["format"]
        if fmt == "json":
            body = render_json(report)
        elif fmt == "sarif":
            body = json.dumps(render_sarif(report), indent=2, ensure_ascii=False) + "\n"
        else:
            body = render_text(report, verbose=options["verbose"])

        if options["output"]:
            try:
                with open(options["output"], "w", encoding="utf-8") as handle:
                    handle.write(body)
            except OSError as exc:
                raise CommandError(
                    f"cannot write {options['output']}: {exc.strerror}", returncode=2
                ) from exc
        else:
            self.stdout.write(body, ending="")

        score = report.score.score
        if threshold is not None and (score is None or score < threshold):
            shown = "not measured" if score is None else f"{score:g}"
            self.stderr.write(f"score {shown} is below --fail-under {threshold:g}")
            raise SystemExit(1)
