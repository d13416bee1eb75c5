"""The factor guide: what each factor means, its checks, and the organisation's pass rates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from scorecards.checks.registry import FACTOR_BY_KEY, FACTORS, catalogue
from scorecards.scoring import (
    AVERAGE_COVERAGE_FLOOR,
    HALF_WEIGHT_FACTORS_FOR_SERVERLESS,
    LEVEL_COVERAGE,
)
from scorecards.web import history_cache, queries
from scorecards.web.factor_guide import GUIDE
from scorecards.web.markdown_text import render_markdown


@login_required
@require_safe
def factor_list(request: HttpRequest) -> HttpResponse:
    specs = catalogue().values()
    rates = history_cache.cached("pass-rates", history_cache.data_version(), queries.pass_rates)
    rows = []
    for factor in FACTORS:
        checks = [s.id for s in specs if s.factor == factor.key]
        total = queries.PassRate(
            passed=sum(rates[c].passed for c in checks if c in rates),
            failed=sum(rates[c].failed for c in checks if c in rates),
        )
        rows.append(
            {"factor": factor, "text": GUIDE[factor.key], "checks": len(checks), "rate": total}
        )
    rule = {
        "gold": f"{LEVEL_COVERAGE['Gold']:g}",
        "silver": f"{LEVEL_COVERAGE['Silver']:g}",
        "floor": f"{AVERAGE_COVERAGE_FLOOR:g}",
    }
    return render(request, "factors/list.html", {"rows": rows, "coverage_rule": rule})


@login_required
@require_safe
def factor_detail(request: HttpRequest, key: str) -> HttpResponse:
    factor = FACTOR_BY_KEY.get(key)
    if factor is None:
        raise Http404("No such factor")
    rates = history_cache.cached(
        f"pass-rates:{factor.key}",
        history_cache.data_version(),
        lambda: queries.pass_rates(factor.key),
    )
    checks = [
        {
            "spec": spec,
            "decides": render_markdown(spec.decides),
            "remediation": render_markdown(spec.remediation),
            "rate": rates.get(spec.id, queries.PassRate()),
        }
        for spec in catalogue().values()
        if spec.factor == factor.key
    ]
    context = {
        "factor": factor,
        "text": GUIDE[factor.key],
        "checks": checks,
        "serverless_weight": HALF_WEIGHT_FACTORS_FOR_SERVERLESS.get(factor.key),
        "previous": _neighbour(factor, -1),
        "next": _neighbour(factor, 1),
    }
    return render(request, "factors/detail.html", context)


def _neighbour(factor, step: int):
    index = FACTORS.index(factor) + step
    return FACTORS[index] if 0 <= index < len(FACTORS) else None
