"""A service scorecard arranged for its page: factors in order, each with its checks.

No queries here: the view hands in the rows it read (``scorecards.web.queries``) and this
module joins them with the catalogue, evidence links and rendered remediation.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorecards.checks.registry import FACTORS, CheckSpec, Factor, catalogue
from scorecards.checks.remediation import order_remediation
from scorecards.models import CheckResult, Scorecard, Service, Snapshot
from scorecards.scoring import factor_score
from scorecards.web.charts import score_colour_class
from scorecards.web.evidence import ShownEvidence, shown_evidence
from scorecards.web.markdown_text import render_markdown

STATUS_ORDER = {"fail": 0, "warn": 1, "unknown": 2, "waived": 3, "pass": 4, "na": 5}


@dataclass(frozen=True)
class CheckRow:
    result: CheckResult
    spec: CheckSpec | None
    evidence: list[ShownEvidence]
    explanation: str
    ecosystems: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.spec.title if self.spec else self.result.check_id

    @property
    def remediation(self):
        if not self.spec:
            return ""
        return render_markdown(order_remediation(self.spec.remediation, self.ecosystems))


@dataclass(frozen=True)
class FactorSection:
    factor: Factor
    score: float | None
    css: str
    checks: list[CheckRow]

    @property
    def failing(self) -> int:
        return sum(1 for c in self.checks if c.result.status in ("fail", "warn"))


def _explain(status: str, spec: CheckSpec | None, kinds: list[str], seen: set[str]) -> str:
    """Why a check is inconclusive, in one sentence (its message says what it saw)."""
    if spec is None:
        return ""
    if status == "na":
        applies = " and ".join(spec.kinds) or "every kind of"
        shown = ", ".join(kinds) or "of no detected kind"
        return (
            f"Not applicable: this check applies to {applies} services and this service is "
            f"{shown}. It neither raises nor lowers the score."
        )
    if status == "unknown":
        missing = [s for s in spec.sources if s not in seen]
        reason = (
            f"no facts from {', '.join(missing)} were ingested for this service"
            if missing
            else "the facts the sources returned were not enough to decide"
        )
        return f"Unknown: {reason}. Unknown is never counted as a pass or a failure."
    return ""


def factor_sections(
    service: Service,
    scorecard: Scorecard,
    results: list[CheckResult],
    snapshots: list[Snapshot],
) -> list[FactorSection]:
    specs = catalogue()
    seen = {s.source for s in snapshots}
    # Evidence links point at the commit this scan read.
    commit = scorecard.commit or next((s.revision for s in snapshots if s.revision), "")
    by_factor: dict[str, list[CheckRow]] = {}
    for result in results:
        spec = specs.get(result.check_id)
        by_factor.setdefault(result.factor, []).append(
            CheckRow(
                result=result,
                spec=spec,
                evidence=shown_evidence(result.evidence, service.repository, commit),
                explanation=_explain(result.status, spec, scorecard.kinds, seen),
                ecosystems=tuple(scorecard.ecosystems or ()),
            )
        )
    sections = []
    for factor in FACTORS:
        rows = sorted(
            by_factor.get(factor.key, []),
            key=lambda r: (STATUS_ORDER.get(r.result.status, 9), r.result.check_id),
        )
        score = scorecard.factors.get(factor.key)
        if score is None and not factor.twelve:
            # Outside the score, but its results still have a score of their own: the tile
            # must not say "not measured" beside decided checks.
            score = factor_score(r.result for r in rows)
        sections.append(FactorSection(factor, score, score_colour_class(score), rows))
    return sections
