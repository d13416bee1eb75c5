"""Factor VI checks scored on fixture repositories through the real collector."""

from tests.checks.helpers import result_for

STATELESS = "processes-stateless"


def test_it_fails_a_deployment_with_a_host_path_volume_but_not_the_docker_socket():
    result = result_for(f"{STATELESS}/hostpath-volume", "processes.stateless")
    assert result.status == "fail"
    assert [e.excerpt for e in result.evidence] == [
        "Deployment/uploads mounts hostPath /mnt/uploads"
    ]


def test_it_fails_a_read_write_once_claim_and_client_ip_affinity():
    result = result_for(f"{STATELESS}/rwo-claim", "processes.stateless")
    assert result.status == "fail"
    assert [e.locator for e in result.evidence] == ["k8s/web.yaml:22", "k8s/web.yaml:32"]


def test_it_fails_django_file_sessions():
    result = result_for(f"{STATELESS}/file-sessions", "processes.stateless")
    assert result.status == "fail"
    assert result.evidence[0].locator == "mysite/settings.py:3"


def test_it_fails_an_express_memory_session_store():
    assert result_for(f"{STATELESS}/memory-store", "processes.stateless").status == "fail"


def test_it_warns_on_cookie_affinity_at_the_ingress():
    assert result_for(f"{STATELESS}/sticky-ingress", "processes.stateless").status == "warn"


def test_it_passes_redis_sessions_and_a_database_statefulset():
    assert result_for(f"{STATELESS}/stateless", "processes.stateless").status == "pass"
