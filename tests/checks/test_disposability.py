"""IX. Disposability checks, scored through the real collector."""

from scorecards.checks.disposability import startup_allowance
from scorecards.checks.results import Status
from tests.checks.helpers import result_for, result_from_facts
from tests.checks.test_concurrency import dockerfile


def test_it_passes_exec_form_in_the_final_stage():
    assert result_for("disposability-exec-form/exec", "disposability.exec-form").status == (
        Status.PASS
    )


def test_it_fails_a_shell_form_cmd():
    result = result_for("disposability-exec-form/shell", "disposability.exec-form")
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == "Dockerfile:3"


def test_it_fails_a_shell_form_cmd_that_execs_only_after_a_migration():
    result = result_for("admin-one-off/migrate-in-web", "disposability.exec-form")
    assert result.status == Status.FAIL


def test_it_passes_a_shell_form_cmd_that_starts_with_exec():
    facts = {"dockerfiles": [dockerfile("CMD", "exec gunicorn app:app --bind 0.0.0.0:$PORT")]}
    assert result_from_facts(facts, "disposability.exec-form").status == Status.PASS


def test_it_passes_a_shell_form_cmd_behind_an_exec_form_entrypoint():
    image = dockerfile("ENTRYPOINT", '["tini", "--"]')
    image["instructions"].append(
        {
            "stage": 0,
            "line": 3,
            "instruction": "CMD",
            "value": "node server.js",
            "exec_form": False,
            "argv": None,
        }
    )
    assert result_from_facts({"dockerfiles": [image]}, "disposability.exec-form").status == (
        Status.PASS
    )


def test_it_passes_a_deployment_with_a_readiness_probe():
    result = result_for("disposability-health-probes/probes", "disposability.health-probes")
    assert result.status == Status.PASS


def test_it_fails_deployments_without_probes():
    result = result_for("disposability-health-probes/no-probes", "disposability.health-probes")
    assert result.status == Status.FAIL


def test_it_warns_when_a_dockerfile_only_repo_has_no_healthcheck():
    result = result_for("disposability-exec-form/shell", "disposability.health-probes")
    assert result.status == Status.WARN


def test_it_passes_a_sigterm_handler():
    result = result_for(
        "disposability-graceful-shutdown/node-handler", "disposability.graceful-shutdown"
    )
    assert result.status == Status.PASS
    assert any("SIGTERM" in e.excerpt for e in result.evidence)


def test_it_fails_shell_form_start_without_any_shutdown_handling():
    result = result_for(
        "disposability-graceful-shutdown/shell-form", "disposability.graceful-shutdown"
    )
    assert result.status == Status.FAIL


def test_it_passes_a_startup_probe_within_budget():
    result = result_for("disposability-fast-startup/quick-probes", "disposability.fast-startup")
    assert result.status == Status.PASS


def test_it_fails_a_probe_that_allows_five_minutes_to_start():
    result = result_for("disposability-fast-startup/slow-probe", "disposability.fast-startup")
    assert result.status == Status.FAIL
    assert "300s" in result.message


def test_it_uses_kubernetes_defaults_for_a_startup_probe():
    assert startup_allowance("startupProbe", {}) == 30
    assert startup_allowance("startupProbe", {"periodSeconds": 5, "failureThreshold": 30}) == 150
