"""Factor IV checks scored on fixture repositories through the real collector."""

from tests.checks.helpers import result_for

URL = "backing-attached-by-url"
BUNDLED = "backing-not-bundled"


def test_it_passes_a_client_whose_location_comes_from_database_url():
    result = result_for(f"{URL}/from-env", "backing.attached-by-url")
    assert result.status == "pass"
    assert result.evidence[0].excerpt == "reads DATABASE_URL from the environment"


def test_it_fails_a_client_reached_only_at_a_literal_url():
    result = result_for(f"{URL}/literal-only", "backing.attached-by-url")
    assert result.status == "fail"
    assert result.evidence[0].locator == "src/db.js:2"


def test_it_is_not_applicable_without_backing_service_clients():
    assert result_for(f"{URL}/no-backing", "backing.attached-by-url").status == "na"


def test_it_trusts_spring_boot_to_bind_data_source_settings():
    assert result_for(f"{URL}/spring-boot", "backing.attached-by-url").status == "pass"


def test_it_cannot_tell_where_a_celery_broker_comes_from():
    assert result_for(f"{URL}/unclear", "backing.attached-by-url").status == "unknown"


def test_it_fails_an_image_that_installs_and_starts_postgres():
    result = result_for(f"{BUNDLED}/installs-postgres", "backing.not-bundled")
    assert result.status == "fail"
    assert [e.locator for e in result.evidence] == ["Dockerfile:2", "docker-entrypoint.sh:3"]


def test_it_fails_a_pod_running_redis_beside_the_app():
    result = result_for(f"{BUNDLED}/redis-sidecar", "backing.not-bundled")
    assert result.status == "fail"
    assert "redis:7.2-alpine" in result.evidence[0].excerpt


def test_it_fails_django_production_settings_on_sqlite():
    result = result_for(f"{BUNDLED}/django-sqlite", "backing.not-bundled")
    assert result.status == "fail"
    assert result.evidence[0].locator == "mysite/settings.py:7"


def test_it_passes_client_packages_a_database_statefulset_and_a_database_image():
    result = result_for(f"{BUNDLED}/separate-services", "backing.not-bundled")
    assert result.status == "pass"
