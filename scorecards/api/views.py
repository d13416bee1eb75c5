"""``/api/v1/``: thin views over the models, ``representations`` and ``summaries``.

Every endpoint is described in ``openapi.yaml`` (served at ``/api/v1/openapi.yaml``).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from portal import untrusted
from scorecards.api import exports, ingest
from scorecards.api import representations as rep
from scorecards.api.auth import api_view, error
from scorecards.api.pagination import BadPage, paginate
from scorecards.api.summaries import LEVELS, org_summary, teams_with_scores
from scorecards.models import PullRequestEvaluation, Scan, Scorecard, Service, Team

SCHEMA = Path(settings.BASE_DIR) / "openapi.yaml"


def _page(request: HttpRequest, queryset, represent) -> JsonResponse:
    try:
        return JsonResponse(paginate(request, queryset, lambda rows: [represent(r) for r in rows]))
    except BadPage as exc:
        return error(400, str(exc))


def _services(request: HttpRequest):
    services = Service.objects.select_related("team", "latest_scorecard")
    if request.GET.get("retired") != "true":
        services = services.filter(retired=False)
    if team := request.GET.get("team"):
        services = services.filter(team__slug=team)
    if level := request.GET.get("level"):
        if level == "unscored":
            services = services.filter(latest_scorecard=None)
        else:
            services = services.filter(latest_scorecard__level=level)
    if q := request.GET.get("q", "").strip():
        services = services.filter(
            Q(name__icontains=q) | Q(slug__icontains=q) | Q(repository__icontains=q)
        )
    return services.order_by("slug")


def _bad_level(request: HttpRequest) -> JsonResponse | None:
    level = request.GET.get("level")
    if level and level not in (*LEVELS, "unscored"):
        return error(400, f"level must be one of {', '.join(LEVELS)}, unscored")
    return None


@require_safe
def openapi(request: HttpRequest) -> HttpResponse:
    """The contract itself, public: it describes the API, not the organisation's data."""
    return FileResponse(SCHEMA.open("rb"), content_type="application/yaml")


@api_view()
def services(request: HttpRequest) -> HttpResponse:
    return _bad_level(request) or _page(request, _services(request), rep.service)


@api_view()
def service(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(
        Service.objects.select_related("team", "latest_scorecard__scan", "latest_scorecard"),
        slug=slug,
    )
    return JsonResponse(rep.service_detail(item))


@api_view()
def service_scorecards(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Service, slug=slug)
    history = item.scorecards.select_related("scan", "service").order_by("-created_at", "-pk")
    return _page(request, history, rep.scorecard)


@api_view(methods=("GET", "POST"))
def service_results(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the latest scorecard's results. POST (write token): push results (``ingest``)."""
    item = get_object_or_404(Service.objects.select_related("latest_scorecard"), slug=slug)
    if request.method == "POST":
        return _push(request, item)
    if item.latest_scorecard is None:
        return error(404, f"{slug} has no scorecard yet")
    return _page(request, _results(request, item.latest_scorecard), rep.result)


def _push(request: HttpRequest, item: Service) -> HttpResponse:
    if not request.api_token.can_write:
        return error(403, "this token may read but not write")
    if not request.api_token.may_push_for(item):
        return error(403, f"this token may not push results for {item.slug}: not in its scope")
    try:
        pushed, commit, source = ingest.parse(untrusted.load_json(request.body or b"null"))
    except ValueError as exc:  # not JSON, not storable (untrusted.Unstorable), ingest.Invalid
        return error(400, str(exc))
    card = ingest.record(item, pushed, commit, source, by=f"api token {request.api_token.name}")
    card = Scorecard.objects.select_related("scan", "service").get(pk=card.pk)
    response = JsonResponse(rep.scorecard(card), status=201)
    response["Location"] = f"/api/v1/scorecards/{card.pk}"
    return response


@api_view()
def service_pull_requests(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Service, slug=slug)
    rows = PullRequestEvaluation.objects.filter(service=item).select_related("service")
    if number := request.GET.get("number"):
        # A pull request's number is a PositiveIntegerField: at most 2**31 - 1 everywhere.
        wanted = untrusted.whole_number(number, maximum=2**31 - 1)
        if wanted is None:
            return error(400, "number must be a whole number")
        rows = rows.filter(number=wanted)
    return _page(request, rows.order_by("-created_at", "-pk"), rep.pull_request)


@api_view()
def service_sarif(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Service.objects.select_related("latest_scorecard"), slug=slug)
    if item.latest_scorecard is None:
        return error(404, f"{slug} has no scorecard yet")
    response = JsonResponse(
        exports.sarif_of(item.latest_scorecard), json_dumps_params={"indent": 2}
    )
    response["Content-Type"] = "application/sarif+json"
    response["Content-Disposition"] = f'attachment; filename="{slug}.sarif"'
    return response


def _results(request: HttpRequest, card: Scorecard):
    rows = card.results.all()
    if status := request.GET.get("status"):
        rows = rows.filter(status=status)
    if factor := request.GET.get("factor"):
        rows = rows.filter(factor=factor)
    return rows.order_by("check_id")


@api_view()
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_object_or_404(Scorecard.objects.select_related("scan", "service"), pk=pk)
    return JsonResponse(rep.scorecard(card))


@api_view()
def scorecard_results(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_object_or_404(Scorecard, pk=pk)
    return _page(request, _results(request, card), rep.result)


@api_view()
def teams(request: HttpRequest) -> HttpResponse:
    return _page(request, teams_with_scores(), rep.team)


@api_view()
def summary(request: HttpRequest) -> HttpResponse:
    return JsonResponse(org_summary())


@api_view()
def scans(request: HttpRequest) -> HttpResponse:
    rows = Scan.objects.select_related("service")
    for name in ("state", "trigger"):
        if value := request.GET.get(name):
            rows = rows.filter(**{name: value})
    if slug := request.GET.get("service"):
        rows = rows.filter(service__slug=slug)
    return _page(request, rows.order_by("-created_at", "-pk"), rep.scan)


def _csv(body: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _export_services(request: HttpRequest):
    services = Service.objects.filter(retired=False)
    if team := request.GET.get("team"):
        get_object_or_404(Team, slug=team)
        services = services.filter(team__slug=team)
    return services


@api_view()
def export_org(request: HttpRequest) -> HttpResponse:
    return _csv(exports.services_csv(_export_services(request)), "services.csv")


@api_view()
def export_teams(request: HttpRequest) -> HttpResponse:
    team = request.GET.get("team")
    if team:
        get_object_or_404(Team, slug=team)
    return _csv(exports.teams_csv(team), "teams.csv")


@api_view()
def export_checks(request: HttpRequest) -> HttpResponse:
    return _csv(exports.checks_csv(_export_services(request)), "checks.csv")
