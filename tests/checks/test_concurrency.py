"""VIII. Concurrency checks, scored through the real collector."""

from scorecards.checks.results import Status
from tests.checks.helpers import result_for, result_from_facts


def dockerfile(instruction: str, value: str) -> dict:
    """A one-stage production Dockerfile fact ending with ``instruction value``."""
    argv = None
    if value.startswith("["):
        argv = [part.strip(' "') for part in value.strip("[]").split(",")]
    return {
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
                    "raw": "python:3.11",
                    "image": "python",
                    "tag": "3.11",
                    "stage_ref": False,
                },
            }
        ],
        "instructions": [
            {
                "stage": 0,
                "line": 2,
                "instruction": instruction,
                "value": value,
                "exec_form": argv is not None,
                "argv": argv,
            }
        ],
    }


def test_it_passes_procfile_process_types():
    result = result_for("concurrency-process-types/procfile", "concurrency.process-types")
    assert result.status == Status.PASS
    assert "worker" in result.message


def test_it_is_unknown_when_nothing_declares_a_process():
    result = result_for("concurrency-process-types/nothing-declared", "concurrency.process-types")
    assert result.status == Status.UNKNOWN


def test_it_passes_a_dockerfile_cmd_as_one_declared_process():
    result = result_for("disposability-exec-form/shell", "concurrency.process-types")
    assert result.status == Status.PASS


def test_it_passes_a_horizontal_pod_autoscaler():
    assert result_for("concurrency-autoscaling/hpa", "concurrency.autoscaling").status == (
        Status.PASS
    )


def test_it_fails_a_single_replica_without_autoscaler():
    result = result_for("concurrency-autoscaling/single-replica", "concurrency.autoscaling")
    assert result.status == Status.FAIL


def test_it_is_unknown_for_a_procfile_app():
    result = result_for("concurrency-process-types/procfile", "concurrency.autoscaling")
    assert result.status == Status.UNKNOWN


def test_it_resolves_helm_replicas_from_values():
    template = {
        "path": "chart/templates/deployment.yaml",
        "format": "yaml",
        "category": "helm_template",
        "templated": True,
        "error": None,
        "docs": [
            {
                "line": 1,
                "lines": {},
                "data": {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "metadata": {"name": "web"},
                    "spec": {
                        "replicas": "{{ .Values.replicaCount }}",
                        "template": {"spec": {"containers": [{"name": "web", "image": "x"}]}},
                    },
                },
            }
        ],
    }
    values = {
        "path": "chart/values.yaml",
        "format": "yaml",
        "category": "helm_values",
        "templated": False,
        "error": None,
        "docs": [{"line": 1, "lines": {}, "data": {"replicaCount": 3}}],
    }
    result = result_from_facts({"documents": [template, values]}, "concurrency.autoscaling")
    assert result.status == Status.PASS


def test_it_passes_foreground_start_commands():
    assert result_for("concurrency-no-daemon/foreground", "concurrency.no-daemon").status == (
        Status.PASS
    )


def test_it_fails_an_entrypoint_that_daemonizes():
    result = result_for("concurrency-no-daemon/supervisord", "concurrency.no-daemon")
    assert result.status == Status.FAIL
    assert all("docker-entrypoint.sh" in e.locator for e in result.evidence)


def test_it_accepts_a_background_helper_when_the_script_waits():
    facts = {
        "dockerfiles": [dockerfile("CMD", '["bin/start.sh"]')],
        "procfiles": [
            {
                "path": "Procfile",
                "processes": [{"type": "web", "command": "bin/start.sh", "line": 1}],
            }
        ],
        "scripts": [
            {
                "path": "bin/start.sh",
                "lines": [
                    {"line": 2, "text": "nginx &"},
                    {"line": 3, "text": "exec gunicorn app:app"},
                ],
            }
        ],
    }
    assert result_from_facts(facts, "concurrency.no-daemon").status == Status.PASS
