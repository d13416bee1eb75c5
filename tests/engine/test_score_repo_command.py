"""`manage.py score_repo`: formats, exit statuses, and errors a person can act on."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCHEMA = json.loads((Path(__file__).with_name("sarif_2_1_0_subset.schema.json")).read_text())
FACTOR_KEYS = {
    "codebase",
    "dependencies",
    "config",
    "backing_services",
    "build_release_run",
    "processes",
    "port_binding",
    "concurrency",
    "disposability",
    "dev_prod_parity",
    "logs",
    "admin_processes",
}


def score_repo(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "score_repo", *args, "--today", "2026-11-25"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def json_report(path: Path) -> dict:
    run = score_repo(str(path), "--format", "json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_the_json_report_has_the_documented_shape():
    report = json_report(EXAMPLES / "inventory-api")
    assert {"service", "kinds", "score", "level", "factors", "checks"} <= set(report)
    assert set(report["factors"]) == FACTOR_KEYS
    check = report["checks"][0]
    assert {"id", "factor", "severity", "status", "evidence", "remediation"} <= set(check)
    assert report["kinds"] == ["container", "paas"]


def test_a_good_service_scores_higher_than_a_legacy_one():
    good = json_report(EXAMPLES / "inventory-api")
    bad = json_report(EXAMPLES / "legacy-shop")
    assert good["score"] > bad["score"]
    failing = {c["id"] for c in bad["checks"] if c["status"] == "fail"}
    assert {
        "deps.base-image-pinned",
        "config.no-committed-env-file",
        "deps.no-remote-scripts",
    } <= failing


def test_the_sarif_report_validates_and_uses_check_ids_as_rule_ids():
    run = score_repo(str(EXAMPLES / "legacy-shop"), "--format", "sarif")
    assert run.returncode == 0, run.stderr
    sarif = json.loads(run.stdout)
    jsonschema.validate(sarif, SCHEMA)
    rules = [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]]
    results = sarif["runs"][0]["results"]
    assert results and all(r["ruleId"] in rules for r in results)
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    pinned = next(r for r in results if r["ruleId"] == "deps.base-image-pinned")
    location = pinned["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "Dockerfile"
    assert location["region"]["startLine"] == 1


def test_no_secret_value_reaches_any_format():
    for fmt in ("json", "sarif", "text"):
        run = score_repo(str(EXAMPLES / "legacy-shop"), "--format", fmt, "--verbose")
        assert "hunter2hunter2" not in run.stdout
        assert "wJa9Rk2pQm7Lx4Vn8Bt3Yc6Hd1Fs5Gz0Ej9Ku2Wq" not in run.stdout
        assert "AKIAZ7Q4XW2R9T5LMN3P" not in run.stdout


def test_the_text_report_groups_by_factor_and_says_how_to_fix():
    run = score_repo(str(EXAMPLES / "legacy-shop"))
    assert run.returncode == 0
    assert "II. Dependencies" in run.stdout
    assert "how to fix" in run.stdout
    assert "Dockerfile:1" in run.stdout


def test_fail_under_exits_1_when_the_score_is_lower():
    run = score_repo(str(EXAMPLES / "legacy-shop"), "--fail-under", "99")
    assert run.returncode == 1
    assert "below --fail-under 99" in run.stderr


def test_fail_under_exits_0_when_the_score_is_high_enough():
    assert score_repo(str(EXAMPLES / "legacy-shop"), "--fail-under", "0").returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/no/such/dir"], "no such directory"),
        (["manage.py"], "not a directory"),
        ([".", "--fail-under", "abc"], "--fail-under takes a number"),
        ([".", "--format", "xml"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_a_one_line_error(args, message):
    run = score_repo(*args)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_the_command_writes_to_a_file_when_asked(tmp_path):
    target = tmp_path / "report.json"
    call_command(
        "score_repo",
        str(EXAMPLES / "orders-lambda"),
        format="json",
        output=str(target),
        today="2026-11-25",
    )
    report = json.loads(target.read_text())
    assert report["kinds"] == ["serverless"]
    assert report["factors"]["port_binding"] is None


def test_every_format_shows_coverage_beside_the_score():
    report = json_report(EXAMPLES / "legacy-shop")
    assert 0 < report["coverage"] <= 100
    assert 0 < report["level_coverage"] <= 100
    assert f"Coverage {report['coverage']:g} %" in report["level_note"]

    text = score_repo(str(EXAMPLES / "legacy-shop")).stdout
    assert f"Coverage {report['coverage']:g} % decided" in text.splitlines()[1]

    sarif = json.loads(score_repo(str(EXAMPLES / "legacy-shop"), "--format", "sarif").stdout)
    properties = sarif["runs"][0]["properties"]
    assert properties["coverage"] == report["coverage"]
    assert properties["levelNote"] == report["level_note"]


def test_beyond_twelve_failures_are_shown_with_their_score_and_said_to_be_outside_it():
    report = json_report(EXAMPLES / "legacy-shop")
    failing = [c for c in report["checks"] if c["factor"] == "beyond" and c["status"] == "fail"]
    assert failing
    assert f"Beyond twelve: {len(failing)} failing check" in report["level_note"]
    text = score_repo(str(EXAMPLES / "legacy-shop")).stdout
    beyond = next(line for line in text.splitlines() if "Beyond twelve —" in line)
    assert "not measured" not in beyond
    assert beyond.endswith("(shown, not in the score)")
