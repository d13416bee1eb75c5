"""The report for people: grouped by factor, what failed and how to fix it."""

from __future__ import annotations

from scorecards.checks.registry import FACTORS
from scorecards.checks.results import Status
from scorecards.engine import Report
from scorecards.scoring import factor_score

SYMBOLS = {
    Status.PASS: "PASS",
    Status.FAIL: "FAIL",
    Status.WARN: "WARN",
    Status.UNKNOWN: "  ? ",
    Status.NA: " n/a",
    Status.WAIVED: "WAIV",
}


def _fix_summary(remediation: str, max_lines: int) -> list[str]:
    """The first lines of the remediation: enough to start fixing without the catalogue open."""
    lines = [line.rstrip() for line in remediation.splitlines()]
    kept: list[str] = []
    for line in lines:
        if line.startswith("```") and kept:
            break
        if line:
            kept.append(line)
        if len(kept) >= max_lines:
            break
    return kept


def _format_score(value: float | None) -> str:
    if value is None:
        return "not measured"
    return f"{value:g}"


def _format_coverage(value: float | None) -> str:
    return "none applicable" if value is None else f"{value:g} % decided"


def render_text(report: Report, verbose: bool = False) -> str:
    out: list[str] = []
    kinds = ", ".join(report.kinds) or "no deployable kind detected"
    out.append(f"Twelve-factor scorecard — {report.service}  ({kinds})")
    out.append(
        f"Score {_format_score(report.score.score)} / 100 · Level {report.score.level} · "
        f"Coverage {_format_coverage(report.score.coverage)} · "
        f"catalogue {report.catalogue_version}"
        + (f" · commit {report.commit[:12]}" if report.commit else "")
    )
    out.append(report.level_note)
    by_factor: dict[str, list] = {}
    for result in report.results:
        by_factor.setdefault(result.factor, []).append(result)
    for factor in FACTORS:
        results = by_factor.get(factor.key, [])
        if not results:
            continue
        # A factor outside the score still shows its own results' score, never "not measured"
        # above decided checks.
        score = report.score.factors.get(factor.key, factor_score(results))
        suffix = "" if factor.twelve else "  (shown, not in the score)"
        out.append("")
        out.append(f"{factor.number}. {factor.title} — {_format_score(score)}{suffix}")
        for result in results:
            out.append(
                f"  [{SYMBOLS[result.status]}] {result.id} ({result.severity}): {result.message}"
            )
            show_detail = result.status in (Status.FAIL, Status.WARN) or verbose
            if not show_detail and result.status is not Status.WAIVED:
                continue
            for evidence in result.evidence[:5]:
                excerpt = f" — {evidence.excerpt}" if evidence.excerpt else ""
                out.append(f"         at {evidence.locator}{excerpt}")
            if result.waiver:
                w = result.waiver
                out.append(
                    f"         waived until {w['expires']} by {_waived_by(w)}: {w['reason']}"
                )
            elif result.status in (Status.FAIL, Status.WARN):
                out.append(f"         how to fix ({result.effort} effort):")
                limit = 200 if verbose else 6
                out.extend(f"           {line}" for line in _fix_summary(result.remediation, limit))
    if report.waiver_problems:
        out.append("")
        out.append("Waivers ignored:")
        out.extend(f"  - {problem}" for problem in report.waiver_problems)
    skipped = {k: v for k, v in (report.skipped or {}).items() if v}
    if skipped or report.parse_errors:
        out.append("")
        parts = [f"{count} {reason.replace('_', ' ')}" for reason, count in sorted(skipped.items())]
        if report.parse_errors:
            parts.append(f"{len(report.parse_errors)} unparsable")
        out.append("Files not analysed: " + ", ".join(parts))
        for error in report.parse_errors[:10]:
            line = f":{error['line']}" if error.get("line") else ""
            out.append(f"  - {error['path']}{line}: {error['error']}")
    return "\n".join(out) + "\n"


def _waived_by(waiver: dict) -> str:
    # A repository's own waiver is approved by nobody: say so wherever it shows.
    if waiver.get("origin", "repository") == "repository":
        return f"the repository's {waiver.get('locator') or '.twelve-factor.yml'} (not approved)"
    return waiver.get("author") or "a platform lead"
