"""``manage.py load_demo``: scan the bundled demo organisation, with its history, and create
the demo account. Idempotent: a second run changes nothing and prints the same credentials."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from scorecards import demo, sources
from scorecards.roles import VIEWER

DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = "Load the bundled demo organisation: past scans replayed, a current scan, an account."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="delete every scan and service, then load again"
        )

    def handle(self, *args, reset: bool = False, **options):
        if not sources.demo_mode():
            raise CommandError(
                "A real source is configured (GitHub, AWS, Kubernetes or LOCAL_REPOSITORIES): "
                "the demo organisation and its account are only loaded when none is."
            )
        root = Path(settings.DEMO_ORGANISATION)
        if not (root / "repos").is_dir():
            raise CommandError(f"{root} holds no demo organisation (no repos/ folder).")
        if reset:
            demo.forget_everything()
        if demo.is_loaded():
            self.stdout.write("Demo organisation already loaded (use --reset to load it again).")
        else:
            for scan in demo.load(root, progress=self.stdout.write):
                self.stdout.write(
                    f"  scan #{scan.pk} of {scan.created_at:%Y-%m-%d}: {scan.state}, "
                    f"{scan.scorecards.count()} services scored"
                )
        username, password = self.demo_account(Path(settings.DEMO_CREDENTIALS_FILE))
        self.stdout.write(self.style.SUCCESS(f"Demo account: {username} / {password}"))
        self.stdout.write(f"(stored in {settings.DEMO_CREDENTIALS_FILE})")

    def demo_account(self, stored: Path) -> tuple[str, str]:
        """The demo user, a viewer, with a generated password kept in a gitignored file so a
        second run prints the same one; regenerated when the file or the user is gone."""
        user_model = get_user_model()
        user = user_model.objects.filter(username=DEMO_USERNAME).first()
        password = ""
        if stored.is_file():
            lines = stored.read_text(encoding="utf-8").splitlines()
            password = lines[1] if len(lines) > 1 else ""
        if user is not None and password and user.check_password(password):
            _make_viewer(user)  # demo accounts made before "no role, no access" had none
            return DEMO_USERNAME, password
        password = secrets.token_urlsafe(12)
        if user is None:
            user = user_model.objects.create_user(DEMO_USERNAME, email="demo@example.com")
        user.set_password(password)
        user.save()
        _make_viewer(user)
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.touch(mode=0o600, exist_ok=True)
        stored.write_text(f"{DEMO_USERNAME}\n{password}\n", encoding="utf-8")
        return DEMO_USERNAME, password


def _make_viewer(user) -> None:
    """Viewer: the demo shows every page; an account with no role would see none."""
    user.groups.add(Group.objects.get_or_create(name=VIEWER)[0])
