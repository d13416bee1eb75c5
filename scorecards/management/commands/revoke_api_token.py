"""``manage.py revoke_api_token PREFIX|NAME [--all]``: stop an API token from working now."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from scorecards.api.auth import revoke
from scorecards.models import ApiToken


class Command(BaseCommand):
    help = (
        "Revoke API tokens by their prefix (tfp_… as the admin lists it) or their name. "
        "The row stays, marked revoked, as a record of who had access."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("token", help="the token's prefix (e.g. tfp_Ab12Cd34) or its name")
        parser.add_argument(
            "--all", action="store_true", help="revoke every live token that matches, not one"
        )

    def handle(self, *args, token: str, all: bool = False, **options) -> None:
        live = ApiToken.objects.filter(revoked_at=None).filter(Q(prefix=token) | Q(name=token))
        found = list(live.order_by("created_at"))
        if not found:
            raise CommandError(f"no live API token has the prefix or name {token!r}")
        if len(found) > 1 and not all:
            listed = ", ".join(f"{row.name} ({row.prefix}…)" for row in found)
            raise CommandError(
                f"{len(found)} live tokens match ({listed}): give a prefix, or --all"
            )
        count = revoke(ApiToken.objects.filter(pk__in=[row.pk for row in found]))
        for row in found:
            self.stdout.write(f"revoked {row.name} ({row.prefix}…)")
        self.stderr.write(f"{count} API token(s) revoked; requests with them now answer 401.")
