"""Prometheus metrics of the portal's own processes, exposed on ``/metrics``.

The endpoint is off unless ``METRICS_TOKEN`` is set, and then answers only requests that carry
``Authorization: Bearer <METRICS_TOKEN>``: every other URL of the portal sits behind login, and
metrics name services and teams. Under gunicorn several worker processes each hold their own
counters; when ``PROMETHEUS_MULTIPROC_DIR`` is set (``gunicorn.conf.py`` does it for the web
process) the endpoint merges the per-process files so a scrape sees the whole pod.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from portal import bearer

REQUESTS = Counter(
    "portal_http_requests_total",
    "HTTP requests answered, by view and status class.",
    ["method", "view", "status"],
)
LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time from the request entering Django to the response leaving it, by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SCANS = Counter(
    "portal_scans_total",
    "Service scans finished, by trigger and outcome.",
    ["trigger", "outcome"],
)
SCAN_SECONDS = Histogram(
    "portal_scan_duration_seconds",
    "Seconds spent scanning one service (collect, check, score, persist).",
    buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300),
)
WEBHOOKS = Counter(
    "portal_webhook_deliveries_total",
    "Webhook deliveries answered, by event and outcome (queued, duplicate, ignored, ...).",
    ["event", "outcome"],
)


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    # The route name, never the raw path: paths carry ids and would explode label cardinality.
    return (match.view_name if match and match.view_name else "unmatched") or "unmatched"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        view = _view_name(request)
        LATENCY.labels(view).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, view, f"{response.status_code // 100}xx").inc()
        return response


def _registry() -> CollectorRegistry | None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return None


def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404("metrics are disabled")
    if not bearer.matches(request, token):
        return HttpResponse("a bearer token is required\n", status=401, content_type="text/plain")
    registry = _registry()
    body = generate_latest(registry) if registry else generate_latest()
    # State read at scrape time from the database and the broker: one answer for the whole
    # deployment, whichever process is scraped (so never merged per process).
    state = CollectorRegistry()
    state.register(PortalStateCollector())
    return HttpResponse(body + generate_latest(state), content_type=CONTENT_TYPE_LATEST)


class PortalStateCollector:
    """Scores per team, recent scan durations and the broker's queue depth, at scrape time."""

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        from scorecards.api.summaries import queue_depths, scan_durations, team_scores

        scores = GaugeMetricFamily(
            "portal_team_score",
            "Mean score of the latest scorecards of a team's active services.",
            labels=["team"],
        )
        services = GaugeMetricFamily(
            "portal_team_services", "Active services of a team, by level.", labels=["team", "level"]
        )
        for row in team_scores():
            if row["score"] is not None:
                scores.add_metric([row["team"]], row["score"])
            for level, count in row["levels"].items():
                services.add_metric([row["team"], level], count)
        yield scores
        yield services
        durations = GaugeMetricFamily(
            "portal_scan_last_duration_seconds",
            "Duration of the last finished scan, by trigger.",
            labels=["trigger"],
        )
        for trigger, seconds in scan_durations().items():
            durations.add_metric([trigger], seconds)
        yield durations
        depth = GaugeMetricFamily(
            "portal_queue_length", "Tasks waiting in the broker, by queue.", labels=["queue"]
        )
        for queue, length in queue_depths().items():
            depth.add_metric([queue], length)
        yield depth
