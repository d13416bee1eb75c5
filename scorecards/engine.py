"""Run the catalogue over one service's facts: checks, waivers, scoring -> a report.

Pure: the caller passes ``today``; no ORM, no network. ``score_repo``, the scanner and the tests
all come through :func:`evaluate_service`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from scorecards.checks.context import CheckContext
from scorecards.checks.kinds import detect_kinds
from scorecards.checks.registry import CATALOGUE_VERSION, all_checks, catalogue
from scorecards.checks.remediation import detected_ecosystems, order_remediation
from scorecards.checks.results import CheckResult, Evidence, Outcome, Status, fingerprint
from scorecards.scoring import Score, level_note, score_service
from scorecards.waivers import Waiver, parse_waivers

logger = logging.getLogger(__name__)


@dataclass
class Report:
    service: str
    kinds: list[str]
    score: Score
    results: list[CheckResult]
    catalogue_version: str = CATALOGUE_VERSION
    commit: str | None = None
    waiver_problems: list[str] = field(default_factory=list)
    # The repository's own waivers in force (.twelve-factor.yml), applied or not.
    repository_waivers: list[Waiver] = field(default_factory=list)
    skipped: dict = field(default_factory=dict)
    parse_errors: list[dict] = field(default_factory=list)
    # Detected languages, most telling first: remediation examples are ordered by them.
    ecosystems: list[str] = field(default_factory=list)
    # Sources the facts came from (catalogue names; "github" stands for any repository), when
    # known: the level note then names the ones that were not read.
    ingested: tuple[str, ...] | None = None

    @property
    def uncounted_failing(self) -> int:
        """Failing or warning results of factors outside the score (Beyond twelve)."""
        return sum(
            1
            for r in self.results
            if r.factor not in self.score.factors and r.status in (Status.FAIL, Status.WARN)
        )

    @property
    def level_note(self) -> str:
        return level_note(self.score, beyond_failing=self.uncounted_failing, ingested=self.ingested)

    def as_dict(self) -> dict:
        return {
            "service": self.service,
            "kinds": self.kinds,
            "score": self.score.score,
            "level": self.score.level,
            "coverage": self.score.coverage,
            "level_coverage": self.score.level_coverage,
            "level_note": self.level_note,
            "factors": self.score.factors,
            "catalogue_version": self.catalogue_version,
            "commit": self.commit,
            "checks": [r.as_dict() for r in self.results],
            "waiver_problems": self.waiver_problems,
            "skipped": self.skipped,
            "parse_errors": self.parse_errors,
            "ecosystems": self.ecosystems,
        }


def _missing_sources(spec, ctx: CheckContext) -> str | None:
    """Without repository facts, a check none of whose sources was ingested cannot decide.

    Repository facts count for every check (manifests in a repository are evidence for the
    aws/kubernetes ones too), so this only applies to services seen in AWS or Kubernetes alone.
    """
    if ctx.repo is not None or not spec.sources:
        return None
    ingested = {"aws": ctx.aws is not None, "kubernetes": ctx.kubernetes is not None}
    if any(ingested.get(source) for source in spec.sources):
        return None
    return ", ".join(spec.sources)


def _run_one(spec, function, ctx: CheckContext) -> Outcome:
    if not spec.applies_to(ctx.kinds):
        kinds = ", ".join(spec.kinds)
        return Outcome.not_applicable(f"Applies to {kinds} services; this service is not one.")
    missing = _missing_sources(spec, ctx)
    if missing:
        return Outcome.unknown(f"Needs facts from {missing}; none were ingested for this service.")
    if function is None:
        return Outcome.unknown("This check is not implemented yet.")
    try:
        outcome = function(ctx)
    except Exception as exc:  # a bug in one check must not sink the whole scorecard
        logger.exception("check crashed", extra={"check": spec.id})
        return Outcome.unknown(f"The check could not run: {type(exc).__name__}: {exc}")
    if not isinstance(outcome, Outcome):
        raise TypeError(f"check {spec.id} returned {type(outcome).__name__}, not Outcome")
    return outcome


def _apply_waiver(result: CheckResult, waivers: dict[str, Waiver]) -> None:
    waiver = waivers.get(result.id)
    if waiver and result.status in (Status.FAIL, Status.WARN):
        result.waiver = {**waiver.as_dict(), "waived_status": str(result.status)}
        result.status = Status.WAIVED


def evaluate_service(
    ctx: CheckContext,
    today: date,
    service: str | None = None,
    extra_waivers: list[Waiver] | None = None,
    include_beyond: bool = False,
    apply_repository_waivers: bool = True,
) -> Report:
    """Decide every check for one service and score it.

    ``apply_repository_waivers=False`` (the portal): the repository's waivers are parsed and
    returned as requests but waive nothing; only ``extra_waivers`` (approved ones) do.
    """
    ctx.today = today
    if not ctx.kinds:
        ctx.kinds = detect_kinds(ctx)
    repo = ctx.repo or {}
    config_file = repo.get("twelve_factor") or {}
    config = config_file.get("data") if isinstance(config_file.get("data"), dict) else {}
    waivers, problems = parse_waivers(
        config, config_file.get("path", ".twelve-factor.yml"), set(catalogue()), today
    )
    applied = waivers if apply_repository_waivers else []
    waivers_by_check = {w.check: w for w in [*applied, *(extra_waivers or [])]}

    ecosystems = detected_ecosystems(ctx)
    results = []
    for spec, function in all_checks():
        outcome = _run_one(spec, function, ctx)
        evidence = [e if isinstance(e, Evidence) else Evidence(**e) for e in outcome.evidence]
        result = CheckResult(
            id=spec.id,
            factor=spec.factor,
            severity=spec.severity,
            status=Status(outcome.status),
            evidence=evidence,
            message=outcome.message,
            remediation=order_remediation(spec.remediation, ecosystems),
            effort=spec.effort,
            title=spec.title,
            catalogue_version=CATALOGUE_VERSION,
            fingerprint=fingerprint(spec.id, evidence),
        )
        _apply_waiver(result, waivers_by_check)
        results.append(result)

    name = service or str(config.get("service") or repo.get("root") or "service")
    kinds = sorted(ctx.kinds)
    return Report(
        service=name,
        kinds=kinds,
        score=score_service(results, kinds, include_beyond=include_beyond),
        results=results,
        commit=repo.get("commit"),
        waiver_problems=problems,
        repository_waivers=waivers,
        skipped=repo.get("skipped", {}),
        parse_errors=repo.get("errors", []),
        ecosystems=ecosystems,
        ingested=_ingested(ctx),
    )


def _ingested(ctx: CheckContext) -> tuple[str, ...]:
    read = {"github": ctx.repo, "aws": ctx.aws, "kubernetes": ctx.kubernetes}
    return tuple(sorted(source for source, facts in read.items() if facts is not None))
