"""``manage.py score_repo PATH``: score a repository on disk — no database, no network.

``manage.py`` runs ``scorecards.cli`` for this command without setting Django up; this
wrapper keeps ``call_command("score_repo", ...)`` and ``django-admin score_repo`` working.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecards import cli


class Command(BaseCommand):
    help = "Score a repository on disk against the twelve-factor check catalogue."
    # Scoring needs neither the database nor migrations: skip the checks that would touch them.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_arguments(parser)

    def handle(self, *args, **options) -> None:
        try:
            status = cli.run(
                options,
                lambda text: self.stdout.write(text, ending=""),
                lambda text: self.stderr.write(text, ending=""),
            )
        except cli.UsageError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if status:
            raise SystemExit(status)
