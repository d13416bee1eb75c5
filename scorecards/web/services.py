"""Views of the service catalogue, a service's scorecard, its history, and rescans."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from portal.untrusted import whole_number
from scorecards import roles, scanning, tasks
from scorecards.checks.registry import FACTORS, KINDS, catalogue
from scorecards.models import Scan, Service, ServiceClaimConflict
from scorecards.scoring import LEVELS
from scorecards.web import queries
from scorecards.web.charts import Series, line_chart, score_colour_class
from scorecards.web.next_level import grading, to_next_level
from scorecards.web.scorecard import factor_sections
from scorecards.web.waivers import WaiverRequestForm


@login_required
@require_safe
def service_list(request: HttpRequest) -> HttpResponse:
    filters = queries.CatalogueFilters.from_query(request.GET)
    page = Paginator(queries.catalogue_services(filters), queries.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    for service in page:
        # The latest scorecard joined by catalogue_services; Django leaves the attribute
        # unset when the join found none (a service never scanned).
        card = service.latest = getattr(service, "latest", None)
        service.strip = queries.factor_strip(card.factors if card else None)
        service.stale = queries.is_stale(card, now)
        service.score_css = score_colour_class(card.score if card else None)
    context = {"page": page, "filters": filters}
    # Search-as-you-type swaps only the results; a plain request renders the whole page.
    if request.htmx and request.htmx.target == "results":
        return render(request, "partials/service_results.html", context)
    context.update(
        teams=queries.teams_for_filter(),
        kinds=KINDS,
        levels=LEVELS,
        factors=FACTORS,
        checks=sorted(catalogue()),
        sorts=[("name", "Name"), ("score", "Score, best first"), ("-score", "Score, worst first"),
               ("last-scan", "Last scan")],
    )  # fmt: skip
    return render(request, "services/list.html", context)


@login_required
@require_safe
def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        service = queries.service_with_latest(slug)
    except Service.DoesNotExist:
        raise Http404("No such service") from None
    scorecard = service.latest_scorecard
    results = queries.latest_results(scorecard)
    snapshots = queries.sources_of(scorecard)
    points = queries.history(service)
    target, suggestions = (
        to_next_level(results, scorecard.kinds, scorecard.level) if scorecard else (None, [])
    )
    ingested = {snapshot.source for snapshot in snapshots}
    graded = grading(results, scorecard.kinds, ingested) if scorecard else None
    shown_scan = _scan_to_show(request, service)
    failing = [r.check_id for r in results if r.status in queries.FAILING]
    context = {
        "service": service,
        "scorecard": scorecard,
        "score_css": score_colour_class(scorecard.score if scorecard else None),
        "sections": factor_sections(service, scorecard, results, snapshots) if scorecard else [],
        "snapshots": snapshots,
        "next_level": target,
        "grading": graded,
        "suggestions": [(s, _title(s.check_id)) for s in suggestions],
        "chart": line_chart(
            [Series("Score", [(p.created_at, p.score) for p in points if p.score is not None])],
            title=f"Score of {service.name} across scans",
        ),
        "history": list(reversed(points)),
        "scan": shown_scan,
        "waivers": [
            (w, roles.can_decide_waiver(request.user, w)) for w in queries.waivers_of(service)
        ],
        "waiver_form": WaiverRequestForm(checks=failing),
        "can_rescan": roles.can_rescan(request.user, service),
        "can_request_waiver": roles.can_request_waiver(request.user, service),
        "is_platform_lead": roles.is_platform_lead(request.user),
        # Repositories that named this service and were refused: someone may be squatting it.
        "claim_conflicts": list(
            service.claim_conflicts.filter(state=ServiceClaimConflict.State.OPEN)[:5]
        ),
    }
    return render(request, "services/detail.html", context)


def _title(check_id: str) -> str:
    spec = catalogue().get(check_id)
    return spec.title if spec else check_id


def _scan_to_show(request: HttpRequest, service: Service) -> Scan | None:
    """The scan in progress, or the one just requested (after a POST without JavaScript)."""
    scan_id = whole_number(request.GET.get("scan"))
    if scan_id is not None:
        scan = Scan.objects.filter(pk=scan_id, service=service).first()
        if scan is not None:
            return scan
    return queries.active_scan(service)


@login_required
@require_safe
def service_changes(request: HttpRequest, slug: str) -> HttpResponse:
    """What regressed or improved between two scans (the last two unless chosen)."""
    service = get_object_or_404(Service, slug=slug)
    points = queries.history(service)
    scans = [p.scan_id for p in points]
    before = _int(request.GET.get("from"), scans[-2] if len(scans) > 1 else None)
    after = _int(request.GET.get("to"), scans[-1] if scans else None)
    comparison = (
        queries.compare(service, before, after)
        if before is not None and after is not None
        else None
    )
    context = {
        "service": service,
        "history": list(reversed(points)),
        "before": before,
        "after": after,
        "comparison": comparison,
        "groups": [
            ("Regressed", comparison.regressed),
            ("Improved", comparison.improved),
            ("Became inconclusive or conclusive", comparison.other),
        ]
        if comparison
        else [],
    }
    return render(request, "services/changes.html", context)


def _int(value: str | None, default: int | None) -> int | None:
    """A scan id from the query string; anything that cannot be one (``²``, 25 digits) is
    ignored like any other unknown filter value."""
    number = whole_number(value)
    return default if number is None else number


@login_required
@require_POST
def rescan(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.select_related("team"), slug=slug)
    if not roles.can_rescan(request.user, service):
        raise PermissionDenied("Only the service's team owners and platform leads may rescan it.")
    scan, created = scanning.request_scan(
        Scan.Trigger.MANUAL,
        service=service,
        reason="Rescan requested in the portal",
        requested_by=request.user.get_username(),
    )
    if created:
        # On workers this returns at once; with the embedded default the scan runs right here.
        tasks.enqueue_scan(scan)
        scan.refresh_from_db()
    if request.htmx:
        return _progress_response(request, service, scan)
    return redirect(f"{reverse('services:detail', args=[service.slug])}?scan={scan.pk}")


@login_required
@require_safe
def scan_progress(request: HttpRequest, slug: str, scan_id: int) -> HttpResponse:
    service = get_object_or_404(Service, slug=slug)
    scan = get_object_or_404(Scan, pk=scan_id, service=service)
    return _progress_response(request, service, scan)


def _progress_response(request: HttpRequest, service: Service, scan: Scan) -> HttpResponse:
    finished = scan.state not in Scan.ACTIVE_STATES
    context = {
        "service": service,
        "scan": scan,
        # Polled by htmx and now finished: the fragment asks once for the fresh scorecard.
        # Never set on full pages, or the page would reload itself forever.
        "refresh_scorecard": bool(request.htmx) and finished,
    }
    return render(request, "partials/scan_progress.html", context)
