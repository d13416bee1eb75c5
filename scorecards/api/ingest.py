"""Check results computed outside the portal (a team's own CI), recorded as a scorecard.

Design: a push is a scan of one service with trigger ``manual`` (``requested_by`` names the
token, ``reason`` the pushing system) that finishes at once. Its scorecard is the service's
latest results with the pushed checks replaced, scored by the same scoring code: a CI job that
knows about three checks must not erase the other forty. Only catalogue check ids are accepted,
factor and severity come from the catalogue (a client cannot make a check "low"), excerpts go
through the same redaction as collected evidence, and the portal's waivers apply. ``waived`` is
not a status a client may send: waivers are decided in the portal.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from scorecards.checks.registry import CATALOGUE_VERSION, catalogue
from scorecards.checks.results import CheckResult as EngineResult
from scorecards.checks.results import Evidence, Status, fingerprint, short_excerpt
from scorecards.collectors.repo_files.secrets import redact_line
from scorecards.models import Scan, Scorecard, Service
from scorecards.recording import record_scorecard
from scorecards.scoring import score_service

PUSHABLE = ("pass", "fail", "warn", "unknown", "na")
MAX_RESULTS = 500
MAX_EVIDENCE = 50
MAX_MESSAGE = 2000


def _redacted(text: str) -> str:
    """A client's text as evidence is stored: one short line, secrets hidden like in facts.
    Whitespace is joined first so a secret split over lines is still seen as one line."""
    return short_excerpt(redact_line(" ".join(text.split()))) if text else ""


class Invalid(ValueError):
    """The pushed document breaks the contract; the message says where."""


@dataclass(frozen=True)
class Pushed:
    check_id: str
    status: str
    message: str
    evidence: list[Evidence]


def _text(value, where: str, limit: int, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise Invalid(f"{where} must be a{' non-empty' if required else ''} string")
    if len(value) > limit:
        raise Invalid(f"{where} is longer than {limit} characters")
    return value


def parse(document) -> tuple[list[Pushed], str, str]:
    """``(results, commit, source)`` from the request body, or ``Invalid``."""
    if not isinstance(document, dict):
        raise Invalid("the body must be a JSON object")
    unknown_keys = set(document) - {"results", "commit", "source"}
    if unknown_keys:
        raise Invalid(f"unknown field(s): {', '.join(sorted(unknown_keys))}")
    items = document.get("results")
    if not isinstance(items, list) or not items:
        raise Invalid("results must be a non-empty array")
    if len(items) > MAX_RESULTS:
        raise Invalid(f"at most {MAX_RESULTS} results per push")
    commit = _text(document.get("commit"), "commit", 64)
    source = _text(document.get("source"), "source", 100) or "api"
    known = catalogue()
    seen: set[str] = set()
    results = []
    for i, item in enumerate(items):
        where = f"results[{i}]"
        if not isinstance(item, dict):
            raise Invalid(f"{where} must be an object")
        extra = set(item) - {"check_id", "status", "message", "evidence"}
        if extra:
            raise Invalid(f"{where} has unknown field(s): {', '.join(sorted(extra))}")
        check_id = _text(item.get("check_id"), f"{where}.check_id", 100, required=True)
        if check_id not in known:
            raise Invalid(f"{where}.check_id {check_id!r} is not a check of the catalogue")
        if check_id in seen:
            raise Invalid(f"{where}.check_id {check_id!r} appears twice")
        seen.add(check_id)
        status = item.get("status")
        if status not in PUSHABLE:
            raise Invalid(f"{where}.status must be one of {', '.join(PUSHABLE)}")
        evidence = item.get("evidence", [])
        if not isinstance(evidence, list) or len(evidence) > MAX_EVIDENCE:
            raise Invalid(f"{where}.evidence must be an array of at most {MAX_EVIDENCE}")
        found = []
        for j, entry in enumerate(evidence):
            at = f"{where}.evidence[{j}]"
            if not isinstance(entry, dict) or set(entry) - {"source", "locator", "excerpt"}:
                raise Invalid(f"{at} must be an object with source, locator and excerpt")
            found.append(
                Evidence(
                    locator=_text(entry.get("locator"), f"{at}.locator", 500, required=True),
                    excerpt=_redacted(_text(entry.get("excerpt"), f"{at}.excerpt", 2000)),
                    source=_text(entry.get("source"), f"{at}.source", 20) or "github",
                )
            )
        message = _text(item.get("message"), f"{where}.message", MAX_MESSAGE)
        results.append(Pushed(check_id, status, _redacted(message), found))
    return results, commit, source


def _engine_result(spec, status: str, message: str, evidence: list[Evidence], waiver=None):
    return EngineResult(
        id=spec.id,
        factor=spec.factor,
        severity=spec.severity,
        status=Status(status),
        evidence=evidence,
        message=message,
        remediation=spec.remediation,
        effort=spec.effort,
        title=spec.title,
        catalogue_version=CATALOGUE_VERSION,
        fingerprint=fingerprint(spec.id, evidence),
        waiver=waiver,
    )


def record(service: Service, pushed: list[Pushed], commit: str, source: str, by: str) -> Scorecard:
    """A finished manual scan whose scorecard is the latest one with ``pushed`` laid over it."""
    specs = catalogue()
    now = timezone.now()
    base = {}
    if service.latest_scorecard_id:
        base = {row.check_id: row for row in service.latest_scorecard.results.all()}
    waivers = {w.check_id: w for w in service.waivers.filter(expires__gte=timezone.localdate())}
    overrides = {p.check_id: p for p in pushed}
    results = []
    for check_id, spec in specs.items():
        if check_id in overrides:
            p = overrides[check_id]
            status, waiver = p.status, None
            if status in ("fail", "warn") and check_id in waivers:
                w = waivers[check_id]
                waiver = {
                    "reason": w.reason,
                    "expires": w.expires.isoformat(),
                    "locator": f"portal waiver #{w.pk}",
                    "waived_status": status,
                }
                status = "waived"
            results.append(_engine_result(spec, status, p.message, p.evidence, waiver))
        elif check_id in base:
            row = base[check_id]
            evidence = [Evidence(**e) for e in row.evidence]
            results.append(_engine_result(spec, row.status, row.message, evidence, row.waiver))
        else:
            results.append(
                _engine_result(spec, "unknown", "Not measured: no scan or push has decided it.", [])
            )
    kinds = service.kinds or []
    score = score_service(results, kinds)
    with transaction.atomic():
        scan = Scan.objects.create(
            trigger=Scan.Trigger.MANUAL,
            # Finished on creation: never "active", so it neither waits for nor blocks a scan.
            state=Scan.State.SUCCEEDED,
            scope=service.slug,
            service=service,
            sources=[],
            requested_by=by[:200],
            reason=f"results pushed by {source}"[:300],
            progress={"pushed": sorted(overrides)},
            started_at=now,
            finished_at=now,
        )
        card = record_scorecard(
            service,
            scan,
            results,
            score,
            kinds,
            commit=commit or (service.latest_scorecard.commit if service.latest_scorecard else ""),
            created_at=now,
        )
    return card
