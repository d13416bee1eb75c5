"""Live AWS facts in the processes, port, concurrency and disposability checks."""

from __future__ import annotations

from tests.checks.live.aws_resources import (
    autoscaling,
    ecs_container,
    ecs_service,
    health_check,
    lambda_function,
    load_balancer,
    result,
)

# --- processes.stateless ---


def _mounted(volume: dict) -> dict:
    container = ecs_container(
        mount_points=[
            {"source_volume": volume["name"], "container_path": "/data", "read_only": False}
        ]
    )
    return ecs_service(containers=[container], volumes=[volume], launch_type="EC2")


def _volume(name: str = "data", **fields) -> dict:
    return {
        "name": name,
        "host_path": None,
        "docker_scope": None,
        "docker_driver": None,
        "efs": False,
        "fsx": False,
        **fields,
    }


def test_a_mounted_host_path_volume_fails():
    outcome = result("processes.stateless", _mounted(_volume(host_path="/srv/uploads")))

    assert outcome.status == "fail"
    assert outcome.evidence[0].locator.endswith("#/task_definition/volumes/0")
    assert "/srv/uploads" in outcome.evidence[0].excerpt


def test_a_shared_local_docker_volume_fails_but_efs_and_scratch_space_pass():
    shared = _mounted(_volume(docker_scope="shared", docker_driver="local"))
    efs = _mounted(_volume(efs=True))
    scratch = _mounted(_volume())

    assert result("processes.stateless", shared).status == "fail"
    assert result("processes.stateless", efs).status == "pass"
    assert result("processes.stateless", scratch).status == "pass"


def test_host_paths_nobody_mounts_and_system_paths_do_not_count():
    unmounted = ecs_service(volumes=[_volume(host_path="/srv/data")])
    docker_socket = _mounted(_volume(host_path="/var/run/docker.sock"))

    assert result("processes.stateless", unmounted).status == "pass"
    assert result("processes.stateless", docker_socket).status == "pass"


def test_a_live_host_volume_outweighs_a_stateless_repository():
    outcome = result(
        "processes.stateless",
        _mounted(_volume(host_path="/srv/uploads")),
        repo="processes-stateless/stateless",
    )

    assert outcome.status == "fail"


def test_without_a_repository_an_unreadable_task_definition_is_unknown():
    service = ecs_service(task_definition=None, unreadable=["task_definition"])

    assert result("processes.stateless", service).status == "unknown"


# --- port.declared ---


def test_live_port_mappings_declare_the_port():
    service = ecs_service(
        containers=[ecs_container(port_mappings=[{"container_port": 8080, "protocol": "tcp"}])]
    )

    outcome = result("port.declared", service)

    assert outcome.status == "pass"
    assert outcome.evidence[0].excerpt == "web/web: portMappings 8080"


def test_live_port_mappings_settle_a_repository_without_expose():
    service = ecs_service(
        containers=[ecs_container(port_mappings=[{"container_port": 8000, "protocol": "tcp"}])]
    )

    outcome = result("port.declared", service, repo="disposability-exec-form/exec")

    assert outcome.status == "pass"


def test_workers_without_port_mappings_say_nothing():
    assert result("port.declared", ecs_service()).status == "unknown"


# --- concurrency.autoscaling ---


def test_an_autoscaled_ecs_service_passes():
    outcome = result("concurrency.autoscaling", ecs_service(autoscaling=autoscaling(2, 12)))

    assert outcome.status == "pass"
    assert outcome.evidence[0].excerpt == "ECS service web autoscaled 2-12"


def test_a_single_task_without_autoscaling_fails():
    outcome = result("concurrency.autoscaling", ecs_service(desired_count=1))

    assert outcome.status == "fail"


def test_an_unreadable_scalable_target_is_not_a_missing_one():
    service = ecs_service(desired_count=1, unreadable=["autoscaling"])

    assert result("concurrency.autoscaling", service).status == "unknown"


def test_a_target_capped_at_one_task_fails():
    assert result("concurrency.autoscaling", ecs_service(autoscaling=autoscaling(1, 1))).status == (
        "fail"
    )


def test_lambda_scales_unless_its_concurrency_is_capped():
    assert result("concurrency.autoscaling", lambda_function()).status == "pass"
    assert result("concurrency.autoscaling", lambda_function(reserved_concurrency=50)).status == (
        "pass"
    )
    throttled = result("concurrency.autoscaling", lambda_function(reserved_concurrency=0))
    assert throttled.status == "fail"
    assert "throttled" in throttled.evidence[0].excerpt
    assert result("concurrency.autoscaling", lambda_function(reserved_concurrency=1)).status == (
        "fail"
    )


def test_live_autoscaling_decides_over_a_single_replica_manifest():
    outcome = result(
        "concurrency.autoscaling",
        ecs_service(autoscaling=autoscaling()),
        repo="concurrency-autoscaling/single-replica",
    )

    assert outcome.status == "pass"
    assert {e.source for e in outcome.evidence} == {"aws", "local"}


# --- concurrency.process-types ---


def test_live_services_and_functions_are_process_types():
    outcome = result(
        "concurrency.process-types",
        ecs_service("web"),
        ecs_service("worker"),
        lambda_function("nightly"),
        repo="concurrency-process-types/nothing-declared",
    )

    assert outcome.status == "pass"
    assert "ECS service web, ECS service worker, function nightly" in outcome.message


# --- disposability.health-probes ---


def test_essential_containers_with_health_checks_pass():
    service = ecs_service(
        containers=[
            ecs_container(health_check=health_check()),
            ecs_container("xray", image="amazon/aws-xray-daemon:3", essential=False),
        ]
    )

    assert result("disposability.health-probes", service).status == "pass"


def test_a_load_balancer_target_health_check_counts():
    service = ecs_service(load_balancers=[load_balancer("web")])

    outcome = result("disposability.health-probes", service)

    assert outcome.status == "pass"
    assert "load balancer" in outcome.evidence[0].excerpt


def test_containers_without_any_health_check_fail_and_a_mix_warns():
    bare = ecs_service()
    mixed = ecs_service(
        containers=[ecs_container(health_check=health_check()), ecs_container("worker")]
    )

    assert result("disposability.health-probes", bare).status == "fail"
    assert result("disposability.health-probes", mixed).status == "warn"


def test_live_health_checks_answer_a_dockerfile_without_healthcheck():
    service = ecs_service(containers=[ecs_container(health_check=health_check())])

    outcome = result("disposability.health-probes", service, repo="disposability-exec-form/exec")

    assert outcome.status == "pass"


# --- disposability.fast-startup ---

MB = 1024 * 1024


def test_lambda_package_size_decides_startup():
    assert result("disposability.fast-startup", lambda_function(code_size=3 * MB)).status == "pass"
    assert result("disposability.fast-startup", lambda_function(code_size=20 * MB)).status == "warn"
    assert result("disposability.fast-startup", lambda_function(code_size=60 * MB)).status == "fail"


def test_layers_count_towards_the_package():
    function = lambda_function(
        code_size=8 * MB,
        layers=[{"arn": "arn:aws:lambda:eu-west-1:1:layer:deps:3", "code_size": 45 * MB}],
    )

    assert result("disposability.fast-startup", function).status == "fail"


def test_provisioned_concurrency_or_snapstart_keep_a_big_package_fast():
    provisioned = lambda_function(
        code_size=60 * MB,
        provisioned_concurrency=[
            {"qualifier": "live", "requested": 5, "allocated": 5, "status": "READY"}
        ],
    )
    snap = lambda_function(code_size=60 * MB, snap_start="PublishedVersions")

    assert result("disposability.fast-startup", provisioned).status == "pass"
    assert result("disposability.fast-startup", snap).status == "pass"


def test_container_image_functions_are_unknown():
    function = lambda_function(package_type="Image", code_size=0)

    assert result("disposability.fast-startup", function).status == "unknown"


def test_ecs_start_allowances_over_two_minutes_fail():
    slow = ecs_service(containers=[ecs_container(health_check=health_check(start_period=300))])
    quick = ecs_service(containers=[ecs_container(health_check=health_check(start_period=30))])
    grace = ecs_service(load_balancers=[load_balancer()], health_check_grace_period=600)

    assert result("disposability.fast-startup", slow).status == "fail"
    assert result("disposability.fast-startup", quick).status == "pass"
    assert result("disposability.fast-startup", grace).status == "fail"


def test_ecs_without_any_timing_says_nothing():
    assert result("disposability.fast-startup", ecs_service()).status == "unknown"
