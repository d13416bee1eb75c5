"""XII. Admin process checks, scored through the real collector."""

from scorecards.checks.results import Status
from tests.checks.helpers import result_for, result_from_facts
from tests.checks.test_concurrency import dockerfile


def test_it_passes_a_procfile_release_process():
    result = result_for("admin-one-off/release", "admin.one-off")
    assert result.status == Status.PASS
    assert "release" in result.evidence[0].excerpt


def test_it_fails_when_migrations_run_in_the_web_start_command():
    # Catalogue 2026.12, decision 9: a migration baked into web startup fails (was warn).
    result = result_for("admin-one-off/migrate-in-web", "admin.one-off")
    assert result.status == Status.FAIL
    assert "migrate" in result.evidence[0].excerpt


def test_it_is_unknown_without_admin_tasks():
    result = result_for("concurrency-process-types/nothing-declared", "admin.one-off")
    assert result.status == Status.UNKNOWN


def test_it_passes_a_job_running_the_app_image_with_another_tag():
    assert result_for("admin-same-image/same", "admin.same-image").status == Status.PASS


def test_it_fails_a_cronjob_running_another_image():
    result = result_for("admin-same-image/other-image", "admin.same-image")
    assert result.status == Status.FAIL
    assert "shop-reports" in result.evidence[0].excerpt


def test_it_passes_a_procfile_release_for_same_image():
    facts = {
        "dockerfiles": [dockerfile("CMD", '["gunicorn", "shop.wsgi"]')],
        "procfiles": [
            {
                "path": "Procfile",
                "processes": [
                    {"type": "release", "command": "python manage.py migrate", "line": 1}
                ],
            }
        ],
    }
    assert result_from_facts(facts, "admin.same-image").status == Status.PASS


def test_it_is_unknown_without_jobs_to_compare():
    assert result_for("port-declared/undeclared", "admin.same-image").status == Status.UNKNOWN
