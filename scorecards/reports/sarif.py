"""SARIF 2.1.0 for GitHub code scanning: rule ids are check ids, one result per failing check."""

from __future__ import annotations

from scorecards.checks.registry import CATALOGUE_VERSION, all_checks
from scorecards.checks.results import Status
from scorecards.engine import Report
from scorecards.reports.locators import file_and_line

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "twelve-factor-scorecard"
INFORMATION_URI = "https://12factor.net/"
# GitHub ranks code-scanning alerts by this property (0.1-10).
SECURITY_SEVERITY = {"critical": "9.0", "high": "7.0", "medium": "5.0", "low": "3.0"}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}


def _rule(spec) -> dict:
    return {
        "id": spec.id,
        "name": spec.id.replace(".", "_").replace("-", "_"),
        "shortDescription": {"text": spec.title},
        "fullDescription": {"text": spec.decides or spec.title},
        "help": {"text": spec.remediation, "markdown": spec.remediation},
        "defaultConfiguration": {"level": LEVEL[spec.severity]},
        "properties": {
            "tags": ["twelve-factor", spec.factor],
            "precision": "high",
            "security-severity": SECURITY_SEVERITY[spec.severity],
        },
    }


def _locations(result) -> list[dict]:
    locations = []
    for evidence in result.evidence:
        place = file_and_line(evidence.source, evidence.locator)
        if place is None:
            continue
        path, line = place
        physical: dict = {"artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"}}
        if line:
            physical["region"] = {"startLine": line}
        locations.append({"physicalLocation": physical})
    return locations[:10]


def render_sarif(report: Report) -> dict:
    specs = [spec for spec, _ in all_checks()]
    index = {spec.id: i for i, spec in enumerate(specs)}
    results = []
    for result in report.results:
        if result.status not in (Status.FAIL, Status.WARN, Status.WAIVED):
            continue
        level = LEVEL[result.severity] if result.status is not Status.WARN else "warning"
        if result.status is Status.WAIVED and result.waiver:
            level = LEVEL[result.severity]
        entry = {
            "ruleId": result.id,
            "ruleIndex": index[result.id],
            "level": level,
            "message": {"text": result.message or result.title},
            "partialFingerprints": {"twelveFactorFinding/v1": result.fingerprint},
            "properties": {"status": str(result.status), "severity": result.severity},
        }
        locations = _locations(result)
        if locations:
            entry["locations"] = locations
        if result.status is Status.WAIVED and result.waiver:
            entry["suppressions"] = [_suppression(result.waiver)]
        results.append(entry)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "semanticVersion": "0.1.0",
                        "version": CATALOGUE_VERSION,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(spec) for spec in specs],
                    }
                },
                "automationDetails": {"id": f"twelve-factor/{report.service}/"},
                "results": results,
                "properties": {
                    "score": report.score.score,
                    "level": report.score.level,
                    "coverage": report.score.coverage,
                    "levelCoverage": report.score.level_coverage,
                    "levelNote": report.level_note,
                    "catalogueVersion": report.catalogue_version,
                },
            }
        ],
    }


def _suppression(waiver: dict) -> dict:
    """A portal waiver was approved by a platform lead: accepted. A repository's own waiver
    was approved by nobody: declared in the source, and still under review."""
    justification = f"{waiver['reason']} (until {waiver['expires']})"
    if waiver.get("origin", "repository") == "repository":
        return {
            "kind": "inSource",
            "status": "underReview",
            "justification": f"repository waiver, not approved: {justification}",
        }
    return {"kind": "external", "status": "accepted", "justification": justification}
