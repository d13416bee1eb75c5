"""Django system checks for the portal's own deployment (``manage.py check --deploy``).

Named ``system_checks`` because ``checks`` belongs to the twelve-factor rules.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def ephemeral_secret_key(app_configs, **kwargs) -> list[Warning]:
    if getattr(settings, "SECRET_KEY_IS_EPHEMERAL", False):
        return [
            Warning(
                "SECRET_KEY is not set, so every process generated its own random key.",
                hint="Set SECRET_KEY from a secret store; sessions break across processes.",
                id="portal.W001",
            )
        ]
    return []


@register(Tags.database, deploy=True)
def embedded_database(app_configs, **kwargs) -> list[Warning]:
    if getattr(settings, "EMBEDDED_DEFAULT", False):
        return [
            Warning(
                "DATABASE_URL is not set, so the portal uses the embedded SQLite demo database.",
                hint="Set DATABASE_URL to the PostgreSQL database of this environment.",
                id="portal.W002",
            )
        ]
    return []


@register(deploy=True)
def eager_tasks(app_configs, **kwargs) -> list[Warning]:
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return [
            Warning(
                "CELERY_BROKER_URL is not set, so scans run inside the web process.",
                hint="Set CELERY_BROKER_URL (e.g. Redis) and run the worker process.",
                id="portal.W003",
            )
        ]
    return []


@register(deploy=True)
def per_process_cache(app_configs, **kwargs) -> list[Warning]:
    if not getattr(settings, "CACHE_IS_SHARED", True):
        return [
            Warning(
                "CACHE_URL is not set, so each web process counts failed sign-ins on its own.",
                hint="Set CACHE_URL to a Redis database shared by the web processes.",
                id="portal.W004",
            )
        ]
    return []
