"""The portal's own deployment files keep the twelve-factor properties the portal checks for."""

import json
import re
from pathlib import Path

import pytest
import yaml
from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[1]
KUBE = ROOT / "deploy" / "kubernetes"
IMAGE_REPO = "ghcr.io/example/twelve-factor-portal"
WORKLOAD_KINDS = {"Deployment", "Job"}


def dockerfile_instructions() -> list[dict]:
    parser = DockerfileParser(path=str(ROOT / "Dockerfile"))
    return parser.structure


def instructions_named(name: str) -> list[dict]:
    return [i for i in dockerfile_instructions() if i["instruction"] == name]


def kube_objects(folder: Path) -> list[dict]:
    objects = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        objects.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
    return objects


def base_objects(kind: str | None = None) -> list[dict]:
    objects = kube_objects(KUBE / "base")
    return [o for o in objects if kind is None or o["kind"] == kind]


def pod_containers(obj: dict) -> list[dict]:
    return obj["spec"]["template"]["spec"]["containers"]


def image_tag(image: str) -> str | None:
    name = image.rsplit("/", 1)[-1]
    return name.split(":", 1)[1] if ":" in name else None


# --- Dockerfile ---


def test_the_image_starts_with_an_exec_form_command():
    (cmd,) = instructions_named("CMD")
    assert json.loads(cmd["value"]) == ["gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py"]
    assert instructions_named("ENTRYPOINT") == []


def test_every_base_image_names_a_tag_other_than_latest():
    images = [i["value"].split()[0] for i in instructions_named("FROM")]
    assert images
    for image in images:
        assert image_tag(image) not in (None, "latest"), image


def test_the_image_runs_as_a_numeric_non_root_user():
    users = [i["value"].split(":")[0] for i in instructions_named("USER")]
    assert users and users[-1] not in ("root", "0")
    assert users[-1].isdigit()  # runAsNonRoot can only verify numeric users


def test_the_image_declares_its_port_healthcheck_and_revision_label():
    assert [i["value"] for i in instructions_named("EXPOSE")] == ["8000"]
    (healthcheck,) = instructions_named("HEALTHCHECK")
    assert "/healthz" in healthcheck["value"]
    labels = " ".join(i["value"] for i in instructions_named("LABEL"))
    assert "org.opencontainers.image.revision=" in labels
    assert any(i["value"].startswith("GIT_SHA") for i in instructions_named("ARG"))


def test_the_image_installs_nothing_at_start_up():
    (cmd,) = instructions_named("CMD")
    assert not re.search(r"pip install|collectstatic|migrate", cmd["value"])


# --- compose, Procfile, env example ---


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_runs_every_process_type_against_postgres_and_redis():
    services = compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "migrate"} <= set(services)
    env = services["web"]["environment"]
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert env["DATABASE_URL"].endswith("@postgres:5432/portal")
    assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"


def test_compose_images_are_pinned_and_backing_services_have_healthchecks():
    services = compose()["services"]
    for name, service in services.items():
        assert image_tag(service["image"]) not in (None, "latest"), name
    assert "healthcheck" in services["postgres"]
    assert "healthcheck" in services["redis"]


def test_compose_starts_web_and_worker_only_after_migrations():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name


def test_compose_holds_no_literal_database_password():
    password = compose()["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert password.startswith("${POSTGRES_PASSWORD")


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip())


def test_the_procfile_declares_web_worker_beat_and_a_release_migration():
    processes = procfile()
    assert set(processes) == {"web", "worker", "beat", "release"}
    assert processes["release"].strip() == "python manage.py migrate --noinput"
    assert processes["web"].strip().startswith("gunicorn portal.wsgi")


def test_the_env_example_has_no_secret_values():
    for line in (ROOT / ".env.example").read_text().splitlines():
        if re.match(r"(SECRET_KEY|GITHUB_TOKEN|GITHUB_WEBHOOK_SECRET|POSTGRES_PASSWORD)=", line):
            assert line.endswith("="), line


def test_gunicorn_binds_the_port_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORT", "9123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    config: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), config)
    assert config["bind"] == "0.0.0.0:9123"
    assert config["workers"] == 3
    assert config["accesslog"] == config["errorlog"] == "-"
    assert config["graceful_timeout"] > 0


def test_gunicorn_access_lines_are_json_objects():
    config: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), config)
    atoms = {key: "x" for key in re.findall(r"%\(([^)]+)\)s", config["access_log_format"])}
    line = re.sub(r"%\(([^)]+)\)s", lambda m: atoms[m.group(1)], config["access_log_format"])
    assert json.loads(line)["path"] == "x"


# --- Kubernetes ---


def test_every_object_in_the_base_has_the_required_fields():
    for obj in base_objects():
        assert obj["apiVersion"] and obj["kind"], obj
        assert obj["metadata"]["name"], obj


def test_every_container_has_a_pinned_image_of_the_portal():
    for workload in base_objects("Deployment") + base_objects("Job"):
        for container in pod_containers(workload):
            repo, _, tag = container["image"].rpartition(":")
            assert repo == IMAGE_REPO, workload["metadata"]["name"]
            assert tag and tag != "latest"


def test_every_long_running_container_has_probes_and_a_fast_startup_budget():
    for deployment in base_objects("Deployment"):
        for container in pod_containers(deployment):
            assert "livenessProbe" in container, deployment["metadata"]["name"]
            startup = container["startupProbe"]
            budget = startup.get("initialDelaySeconds", 0) + (
                startup["periodSeconds"] * startup["failureThreshold"]
            )
            assert budget <= 120, deployment["metadata"]["name"]


def test_the_web_pods_probe_readiness_and_liveness_on_their_endpoints():
    (web,) = [d for d in base_objects("Deployment") if d["metadata"]["name"] == "portal-web"]
    (container,) = pod_containers(web)
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["ports"] == [{"name": "http", "containerPort": 8000}]
    assert {"name": "PORT", "value": "8000"} in container["env"]
    assert "preStop" in container["lifecycle"]
    assert web["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > 25


def test_every_pod_runs_as_non_root():
    for workload in base_objects("Deployment") + base_objects("Job"):
        assert workload["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


def test_secret_like_variables_come_from_a_secret():
    secret_like = re.compile(r"SECRET|TOKEN|PASSWORD|KEY|DATABASE_URL|BROKER_URL")
    for workload in base_objects("Deployment") + base_objects("Job"):
        for container in pod_containers(workload):
            for variable in container.get("env", []):
                if secret_like.search(variable["name"]):
                    assert "secretKeyRef" in variable["valueFrom"], variable["name"]
                    assert "value" not in variable
    config = base_objects("ConfigMap")[0]["data"]
    assert not [name for name in config if secret_like.search(name)]


def test_the_migration_job_runs_the_web_image_with_migrate():
    (job,) = base_objects("Job")
    (container,) = pod_containers(job)
    assert container["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_web_and_worker_scale_horizontally_and_keep_no_session_affinity():
    targets = {h["spec"]["scaleTargetRef"]["name"] for h in base_objects("HorizontalPodAutoscaler")}
    assert targets == {"portal-web", "portal-worker", "portal-worker-cloud"}
    for service in base_objects("Service"):
        assert service["spec"].get("sessionAffinity", "None") == "None"
    assert base_objects("PodDisruptionBudget")


def test_no_workload_mounts_host_paths_or_claims():
    for workload in base_objects("Deployment"):
        for volume in workload["spec"]["template"]["spec"].get("volumes", []):
            assert set(volume) <= {"name", "emptyDir", "configMap", "secret"}, volume


@pytest.mark.parametrize("overlay", ["staging", "production"])
def test_each_overlay_builds_on_the_base_and_pins_the_image(overlay):
    folder = KUBE / "overlays" / overlay
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    assert kustomization["resources"] == ["../../base"]
    (image,) = kustomization["images"]
    assert image["name"] == IMAGE_REPO
    assert image["newTag"] not in ("", "latest")
    for patch in kustomization.get("patches", []):
        if "path" in patch:
            assert (folder / patch["path"]).is_file()
    deployments = {d["metadata"]["name"] for d in base_objects("Deployment")}
    assert {r["name"] for r in kustomization["replicas"]} <= deployments


def test_the_base_kustomization_lists_every_manifest_file():
    kustomization = yaml.safe_load((KUBE / "base" / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    on_disk = {p.name for p in (KUBE / "base").glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk


# The typed models of the official client: what a kube-apiserver would accept for each kind.
KUBE_MODELS = {
    ("apps/v1", "Deployment"): "V1Deployment",
    ("v1", "Service"): "V1Service",
    ("v1", "ConfigMap"): "V1ConfigMap",
    ("batch/v1", "Job"): "V1Job",
    ("autoscaling/v2", "HorizontalPodAutoscaler"): "V2HorizontalPodAutoscaler",
    ("policy/v1", "PodDisruptionBudget"): "V1PodDisruptionBudget",
}


def test_every_manifest_deserialises_into_its_typed_model_without_losing_a_field():
    """Required fields are checked by the models (client-side validation); a misspelt or
    misplaced field is dropped by deserialisation, so the round trip must give the same doc."""
    from kubernetes.client import ApiClient

    client = ApiClient()
    objects = base_objects()
    assert objects
    for obj in objects:
        model = KUBE_MODELS[(obj["apiVersion"], obj["kind"])]
        typed = client.deserialize(json.dumps(obj), model, "application/json")
        assert client.sanitize_for_serialization(typed) == obj, obj["metadata"]["name"]


def test_every_worker_deployment_consumes_named_queues_and_has_its_own_autoscaler():
    workers = [d for d in base_objects("Deployment") if "worker" in d["metadata"]["name"]]
    assert len(workers) == 2
    scaled = {h["spec"]["scaleTargetRef"]["name"] for h in base_objects("HorizontalPodAutoscaler")}
    for worker in workers:
        command = worker["spec"]["template"]["spec"]["containers"][0]["command"]
        assert "-Q" in command
        assert worker["metadata"]["name"] in scaled
