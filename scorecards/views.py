"""Pages of the portal, and the health endpoints used by load balancers and orchestrators."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from scorecards.broker import broker_problem
from scorecards.models import ReadinessHeartbeat, Service

logger = logging.getLogger(__name__)


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches no backing service, so a database outage
    never makes the orchestrator restart healthy web processes."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database answers, holds the portal's schema and takes a write, and the
    broker accepts a connection (webhooks answer 503 without it); 503 with the reason when
    any of them does not. ``SELECT 1`` alone passed with a full disk, a deleted SQLite file
    (reopened empty) or a schema never migrated, while every sign-in then failed."""
    try:
        problem = _database_problem()
    except DatabaseError as exc:
        problem = f"database: {type(exc).__name__}"
    problem = problem or broker_problem()
    if problem:
        logger.warning("readiness check failed", extra={"error": problem})
        return JsonResponse({"status": "unavailable", "reason": problem}, status=503)
    return JsonResponse({"status": "ok"})


def _required_tables() -> set[str]:
    """Tables every page needs: sign-in (users, sessions), the catalogue, the heartbeat."""
    models = (get_user_model(), Session, Service, ReadinessHeartbeat)
    return {"django_migrations", *(model._meta.db_table for model in models)}


def _database_problem() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
        tables = set(connection.introspection.table_names(cursor))
    missing = sorted(_required_tables() - tables)
    if missing:
        return f"database: schema missing ({', '.join(missing)}); run manage.py migrate"
    # A real, committed write of one row: proves the disk and the database accept writes.
    with transaction.atomic():
        now = timezone.now()
        if not ReadinessHeartbeat.objects.filter(pk=1).update(checked_at=now):
            ReadinessHeartbeat.objects.get_or_create(pk=1, defaults={"checked_at": now})
    return None
