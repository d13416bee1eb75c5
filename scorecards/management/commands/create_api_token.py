"""``manage.py create_api_token NAME [--write --team T | --service S | --all-services]
[--expires-in-days N]``: a token for the API, printed once."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecards.api.auth import MAX_TOKEN_DAYS, create_token
from scorecards.models import API_TOKEN_DAYS, Service, Team


class Command(BaseCommand):
    help = "Create an API bearer token. It is printed once; only its SHA-256 is stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="who or what uses it, e.g. 'grafana' or 'ci-payments'")
        parser.add_argument(
            "--write",
            action="store_true",
            help="may also push check results (POST), for the services of its scope",
        )
        parser.add_argument(
            "--team",
            action="append",
            default=[],
            metavar="SLUG",
            help="with --write: may push for this team's services (repeatable)",
        )
        parser.add_argument(
            "--service",
            action="append",
            default=[],
            metavar="SLUG",
            help="with --write: may push for this service (repeatable)",
        )
        parser.add_argument(
            "--all-services",
            action="store_true",
            help="with --write: may push for every service (a central CI, say)",
        )
        parser.add_argument(
            "--expires-in-days",
            type=int,
            default=API_TOKEN_DAYS,
            metavar="N",
            help=f"days until it stops working (default {API_TOKEN_DAYS}, max {MAX_TOKEN_DAYS})",
        )

    def handle(self, *args, **options) -> None:
        scoped = options["team"] or options["service"] or options["all_services"]
        if options["write"] and not scoped:
            raise CommandError(
                "a write token needs a scope: --team SLUG, --service SLUG or --all-services"
            )
        if scoped and not options["write"]:
            raise CommandError("--team, --service and --all-services scope writes: add --write")
        days = options["expires_in_days"]
        if not 1 <= days <= MAX_TOKEN_DAYS:
            raise CommandError(f"--expires-in-days is between 1 and {MAX_TOKEN_DAYS}")
        row, token = create_token(
            options["name"],
            can_write=options["write"],
            teams=self._find(Team, options["team"]),
            services=self._find(Service, options["service"]),
            all_services=options["all_services"],
            expires_in_days=days,
        )
        self.stderr.write(
            f"API token {row.name!r} ({row.prefix}…) created: reads everything, "
            f"pushes for {row.scope}; expires {row.expires_at:%Y-%m-%d}. "
            "Store it now, it cannot be shown again:"
        )
        # The token alone on stdout, so `TOKEN=$(manage.py create_api_token ci)` works.
        self.stdout.write(token)

    @staticmethod
    def _find(model, slugs: list[str]) -> list:
        found = list(model.objects.filter(slug__in=slugs))
        missing = sorted(set(slugs) - {row.slug for row in found})
        if missing:
            raise CommandError(f"no {model._meta.verbose_name} {', '.join(missing)}")
        return found
