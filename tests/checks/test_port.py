"""VII. Port binding checks, scored through the real collector."""

from scorecards.checks.port import is_port_variable
from scorecards.checks.results import Status
from tests.checks.helpers import result_for, result_from_facts


def test_it_passes_an_app_served_by_gunicorn():
    result = result_for("port-binding/gunicorn", "port.binding")
    assert result.status == Status.PASS
    assert "gunicorn" in result.message


def test_it_fails_a_war_deployed_into_tomcat():
    result = result_for("port-binding/tomcat-war", "port.binding")
    assert result.status == Status.FAIL
    assert any("webapps" in e.excerpt for e in result.evidence)


def test_it_fails_php_served_by_apache_mod_php():
    assert result_for("port-binding/php-apache", "port.binding").status == Status.FAIL


def test_it_is_not_applicable_to_a_worker_only_service():
    assert result_for("port-binding/worker", "port.binding").status == Status.NA


def test_it_warns_on_php_fpm():
    facts = {
        "dockerfiles": [
            {
                "path": "Dockerfile",
                "role": "prod",
                "error": None,
                "args": {},
                "stages": [
                    {
                        "index": 0,
                        "name": None,
                        "line": 1,
                        "from": {
                            "raw": "php:8.3-fpm",
                            "image": "php",
                            "tag": "8.3-fpm",
                            "stage_ref": False,
                        },
                    }
                ],
                "instructions": [],
            }
        ]
    }
    assert result_from_facts(facts, "port.binding").status == Status.WARN


def test_it_passes_a_port_read_from_the_environment():
    result = result_for("port-from-env/node-env", "port.from-env")
    assert result.status == Status.PASS


def test_it_fails_a_hard_coded_listen_port():
    result = result_for("port-from-env/go-hardcoded", "port.from-env")
    assert result.status == Status.FAIL
    assert "main.go" in result.evidence[0].locator


def test_it_passes_gunicorn_without_a_bind_because_gunicorn_reads_port():
    assert result_for("port-binding/gunicorn", "port.from-env").status == Status.PASS


def test_it_is_not_applicable_to_the_port_of_an_external_app_server():
    assert result_for("port-binding/tomcat-war", "port.from-env").status == Status.NA


def test_it_does_not_take_a_database_port_for_the_listen_port():
    assert is_port_variable("PORT")
    assert is_port_variable("SERVER_PORT")
    assert not is_port_variable("DB_PORT")
    assert not is_port_variable("REDIS_MASTER_PORT")


def test_it_passes_a_container_port_in_a_deployment():
    assert result_for("port-declared/k8s-container-port", "port.declared").status == Status.PASS


def test_it_passes_an_expose_instruction():
    assert result_for("port-binding/gunicorn", "port.declared").status == Status.PASS


def test_it_fails_a_web_server_that_declares_no_port():
    assert result_for("port-declared/undeclared", "port.declared").status == Status.FAIL
