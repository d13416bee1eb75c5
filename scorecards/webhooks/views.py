"""``/webhooks/github`` and ``/webhooks/rescan``: verify, decide, record and queue, answer.

Nothing is parsed before the signature (or the token) is verified, and no work is done in
the request: a 202 means the work is durably recorded and on the queue; a 503 means it is
not, and the sender should try again.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal import bearer, untrusted
from portal.metrics import WEBHOOKS
from scorecards.models import Service
from scorecards.webhooks import deliveries, github_events, signatures

logger = logging.getLogger(__name__)


# What a 503 asks senders that honour it to wait before sending the delivery again.
RETRY_AFTER_SECONDS = 30


class BodyTooLarge(Exception):
    pass


def read_body(request: HttpRequest, limit: int) -> bytes:
    """The raw body, refusing more than ``limit`` bytes whatever Content-Length claims.

    Read from the stream rather than ``request.body``, whose own cap
    (``DATA_UPLOAD_MAX_MEMORY_SIZE``) is meant for forms, not for webhook payloads.
    """
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise BodyTooLarge
    body = request.read(limit + 1)
    if len(body) > limit:
        raise BodyTooLarge
    return body


def _answer(event: str, outcome: str, status: int, body: dict | None = None, reason: str = ""):
    WEBHOOKS.labels(event or "none", outcome).inc()
    if status == 204:
        response = HttpResponse(status=204)
    else:
        response = JsonResponse({"status": outcome, **(body or {})}, status=status)
    if reason:
        # 204 has no body: the reason travels in a header, visible in GitHub's delivery log.
        response["X-Webhook-Reason"] = reason[:200]
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@csrf_exempt
@require_POST
def github(request: HttpRequest) -> HttpResponse:
    secret = settings.GITHUB_WEBHOOK_SECRET
    event = request.headers.get("X-GitHub-Event", "")[:60]
    if not secret:
        raise Http404("GitHub webhooks are not configured")
    try:
        body = read_body(request, settings.WEBHOOK_MAX_BYTES)
    except BodyTooLarge:
        return _answer(event, "too_large", 413, {"limit": settings.WEBHOOK_MAX_BYTES})
    if not signatures.verify(secret, body, request.headers.get("X-Hub-Signature-256")):
        return _answer(event, "bad_signature", 401, {"reason": "missing or wrong signature"})
    delivery_id = request.headers.get("X-GitHub-Delivery", "")
    if not delivery_id or not event:
        return _answer(event, "bad_request", 400, {"reason": "X-GitHub-Delivery and -Event"})
    if len(delivery_id) > deliveries.MAX_DELIVERY_ID:
        # Cut, two different ids would become one and the second delivery a "duplicate".
        reason = f"X-GitHub-Delivery is longer than {deliveries.MAX_DELIVERY_ID} characters"
        return _answer(event, "bad_request", 400, {"reason": reason})
    try:
        payload = json.loads(body)
    except ValueError:
        return _answer(event, "bad_request", 400, {"reason": "the body is not JSON"})
    except RecursionError:
        return _answer(event, "bad_request", 400, {"reason": "the JSON is nested too deeply"})
    if not isinstance(payload, dict):
        return _answer(event, "bad_request", 400, {"reason": "the body is not a JSON object"})

    if event == "ping":
        return _answer(event, "pong", 200, {"zen": str(payload.get("zen", ""))[:200]})
    decision = github_events.decide(event, payload)
    if decision.ignored:
        return _answer(event, "ignored", 204, reason=decision.reason)
    action = str(payload.get("action") or "")
    try:
        # Only what is stored and queried is checked: the rest of the payload is never kept.
        untrusted.check_tree([delivery_id, event, action, decision.work], "the delivery")
    except untrusted.Unstorable as exc:
        # A redelivery would fail the same way: 400 ends it, where 503 had GitHub retry.
        return _answer(event, "bad_request", 400, {"reason": str(exc)})
    try:
        refused = deliveries.why_not(decision.work)
        if refused:
            return _answer(event, "ignored", 204, reason=refused)
        accepted = deliveries.accept(
            delivery_id,
            event,
            action,
            decision.work.get("repository", ""),
            decision.work,
        )
    except deliveries.Unavailable as exc:
        return _answer(event, "unavailable", 503, {"reason": str(exc)})
    if accepted.duplicate:
        return _answer(
            event, "duplicate", 200, {"delivery": delivery_id, "reason": "already received"}
        )
    return _answer(event, "queued", 202, {"delivery": delivery_id, "reason": decision.reason})


@csrf_exempt
@require_POST
def rescan(request: HttpRequest) -> HttpResponse:
    """A rescan for CI systems and cloud events: ``{"service": slug}`` or ``{"repository"}``."""
    token = settings.RESCAN_TOKEN
    if not token:
        raise Http404("the rescan hook is disabled (RESCAN_TOKEN is not set)")
    if not bearer.matches(request, token):
        return _answer("rescan", "bad_token", 401, {"reason": "a bearer token is required"})
    try:
        body = read_body(request, settings.WEBHOOK_MAX_BYTES)
        payload = untrusted.load_json(body)
    except BodyTooLarge:
        return _answer("rescan", "too_large", 413, {"limit": settings.WEBHOOK_MAX_BYTES})
    except untrusted.Unstorable as exc:
        return _answer("rescan", "bad_request", 400, {"reason": str(exc)})
    except ValueError:
        return _answer("rescan", "bad_request", 400, {"reason": "the body is not JSON"})
    if not _one_target(payload):
        reason = 'give one of "service" or "repository", a non-empty string'
        return _answer("rescan", "bad_request", 400, {"reason": reason})
    try:
        services = Service.objects.filter(retired=False)
        if "service" in payload:
            services = services.filter(slug=payload["service"])
        else:
            services = services.filter(repository=payload["repository"])
        slugs = list(services.values_list("slug", flat=True))
        if not slugs:
            return _answer("rescan", "not_found", 404, {"reason": "no such service"})
        target = payload.get("service") or payload["repository"]
        work = {
            "kind": "rescan",
            "reason": f"rescan requested for {target}"[:300],
            **(
                {"service": payload["service"]}
                if "service" in payload
                else {"repository": payload["repository"]}
            ),
        }
        deliveries.accept(deliveries.new_delivery_id(), "rescan", "", target, work)
    except (deliveries.Unavailable, DatabaseError) as exc:
        return _answer("rescan", "unavailable", 503, {"reason": str(exc) or "database"})
    return _answer("rescan", "queued", 202, {"services": slugs})


def _one_target(payload: object) -> bool:
    """Exactly one of ``service`` and ``repository``, a non-empty string: a number or a null
    beside the other key is a malformed request (400), not a service that does not exist."""
    if not isinstance(payload, dict):
        return False
    given = [key for key in ("service", "repository") if key in payload]
    return len(given) == 1 and isinstance(payload[given[0]], str) and bool(payload[given[0]])
