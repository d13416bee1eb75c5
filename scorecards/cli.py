"""``manage.py score_repo PATH`` without Django: arguments, scoring, reports, exit status.

``manage.py`` runs this directly for ``score_repo`` (no ``django.setup()``: settings, apps and
the ORM were most of the command's start-up and scoring a directory uses none of them); the
Django command of the same name wraps it for ``call_command`` and ``django-admin``.
Exit status: 0 scored, 1 below ``--fail-under``, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from scorecards.directory_scoring import NotADirectoryToScore, score_directory
from scorecards.engine import Report
from scorecards.reports.json_report import render_json
from scorecards.reports.sarif import render_sarif
from scorecards.reports.text import render_text

PROG = "manage.py score_repo"


class UsageError(Exception):
    """Input the command cannot work with; exit status 2 and a one-line message."""


def _score_threshold(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise UsageError(f"--fail-under takes a number from 0 to 100, not {value!r}") from None
    if not 0 <= number <= 100:
        raise UsageError(f"--fail-under takes a number from 0 to 100, not {value!r}")
    return number


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today takes a date as YYYY-MM-DD, not {value!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
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


def _render(report: Report, fmt: str, verbose: bool) -> str:
    if fmt == "json":
        return render_json(report)
    if fmt == "sarif":
        return json.dumps(render_sarif(report), indent=2, ensure_ascii=False) + "\n"
    return render_text(report, verbose=verbose)


def run(options: dict[str, Any], out: Callable[[str], Any], err: Callable[[str], Any]) -> int:
    """Score ``options["path"]`` and write the report; the exit status (UsageError: 2)."""
    threshold = None if options["fail_under"] is None else _score_threshold(options["fail_under"])
    today = _day(options["today"]) if options["today"] else date.today()
    try:
        report = score_directory(
            options["path"],
            today=today,
            service=options["service"],
            apply_repository_waivers=not options.get("no_repository_waivers"),
        )
    except NotADirectoryToScore as exc:
        raise UsageError(str(exc)) from None

    body = _render(report, options["format"], options["verbose"])
    if options["output"]:
        try:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(body)
        except OSError as exc:
            raise UsageError(f"cannot write {options['output']}: {exc.strerror}") from exc
    else:
        out(body)

    score = report.score.score
    if threshold is not None and (score is None or score < threshold):
        shown = "not measured" if score is None else f"{score:g}"
        err(f"score {shown} is below --fail-under {threshold:g}\n")
        return 1
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Score a repository on disk against the twelve-factor check catalogue.",
    )
    add_arguments(parser)
    options = vars(parser.parse_args(argv))
    try:
        return run(options, sys.stdout.write, sys.stderr.write)
    except UsageError as exc:
        sys.stderr.write(f"{PROG}: error: {exc}\n")
        return 2
