"""The scorecards Django app: models, views and management commands around the check engine."""

from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "scorecards"
    verbose_name = "Twelve-factor scorecards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Registers the portal's deployment checks with Django's system check framework.
        from portal import system_checks  # noqa: F401
        from scorecards.role_groups import ensure_role_groups

        post_migrate.connect(ensure_role_groups, sender=self, dispatch_uid="portal-role-groups")
