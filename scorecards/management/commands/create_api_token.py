"""``manage.py create_api_token NAME [--write]``: a token for the API, printed once."""

from django.core.management.base import BaseCommand, CommandParser

from scorecards.api.auth import create_token


class Command(BaseCommand):
    help = "Create an API bearer token. It is printed once; only its SHA-256 is stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="who or what uses it, e.g. 'grafana' or 'ci-payments'")
        parser.add_argument(
            "--write", action="store_true", help="may also push check results (POST)"
        )

    def handle(self, *args, **options) -> None:
        row, token = create_token(options["name"], can_write=options["write"])
        self.stderr.write(
            f"API token {row.name!r} created ({'read and write' if row.can_write else 'read'}); "
            "store it now, it cannot be shown again:"
        )
        # The token alone on stdout, so `TOKEN=$(manage.py create_api_token ci)` works.
        self.stdout.write(token)
