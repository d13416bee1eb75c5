"""Collect live Kubernetes facts (docs/kubernetes-facts.md) from one or more clusters.

Pure collector: no Django, no Celery. It talks to each cluster with the official client,
lists every kind it needs **once per cluster** (``list_*_for_all_namespaces``) or once per
namespace of the filter, follows ``continue`` tokens, and returns plain JSON-serialisable
facts. Every object is shaped like the manifest a repository would hold (``apiVersion``,
``kind``, ``metadata``, ``spec``, ``status``) so the checks that read repository manifests can
read live objects too. Secret values never leave this module: Secret objects are never listed,
ConfigMap values are dropped (key names kept), ``managedFields`` and the kubectl
last-applied annotation are stripped, and literal environment values with secret-like names
(or values detect-secrets recognises) are replaced by ``«redacted»``.

The caller builds :class:`KubeConfig` from its own settings (``KUBECONFIG``,
``KUBE_CONTEXTS``, ``KUBE_NAMESPACES``); this module reads no environment variable itself
(the client library reads ``KUBECONFIG`` when no path is given).

Offline mode (``KubeConfig.offline_dir``): the clusters are ``kubectl get ... -A -o json``
exports on disk (air-gapped installs, the bundled demo), one file or folder per context.
Their items go through the same normalisation as listed ones (:func:`_object_entry`), so an
export yields the facts a live list would have. Layout: docs/kubernetes-offline.md.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import urllib3
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException

from scorecards.checks.live_k8s import selector_matches
from scorecards.collectors.repo_files.redaction import REDACTED, is_reference, is_secret_name
from scorecards.collectors.repo_files.secrets import find_secrets

log = logging.getLogger(__name__)

SCHEMA = 1
SOURCE = "kubernetes"
DEFAULT_PAGE_SIZE = 500
# Annotations whose values may hold a whole manifest with literal secrets.
DROPPED_ANNOTATIONS = frozenset({"kubectl.kubernetes.io/last-applied-configuration"})
# A restarted list after a 410 (continue token expired) happens at most this many times.
_MAX_LIST_RESTARTS = 1
_CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


@dataclass(frozen=True)
class KindSpec:
    """One kind the collector lists: its API, and the all-namespaces / namespaced calls."""

    kind: str
    api_version: str
    api: str  # class name in kubernetes.client
    all_namespaces: str
    namespaced: str


KINDS: tuple[KindSpec, ...] = (
    KindSpec(
        "Deployment",
        "apps/v1",
        "AppsV1Api",
        "list_deployment_for_all_namespaces",
        "list_namespaced_deployment",
    ),
    KindSpec(
        "StatefulSet",
        "apps/v1",
        "AppsV1Api",
        "list_stateful_set_for_all_namespaces",
        "list_namespaced_stateful_set",
    ),
    KindSpec(
        "DaemonSet",
        "apps/v1",
        "AppsV1Api",
        "list_daemon_set_for_all_namespaces",
        "list_namespaced_daemon_set",
    ),
    KindSpec("Job", "batch/v1", "BatchV1Api", "list_job_for_all_namespaces", "list_namespaced_job"),
    KindSpec(
        "CronJob",
        "batch/v1",
        "BatchV1Api",
        "list_cron_job_for_all_namespaces",
        "list_namespaced_cron_job",
    ),
    KindSpec(
        "Service",
        "v1",
        "CoreV1Api",
        "list_service_for_all_namespaces",
        "list_namespaced_service",
    ),
    KindSpec(
        "HorizontalPodAutoscaler",
        "autoscaling/v2",
        "AutoscalingV2Api",
        "list_horizontal_pod_autoscaler_for_all_namespaces",
        "list_namespaced_horizontal_pod_autoscaler",
    ),
    KindSpec(
        "PodDisruptionBudget",
        "policy/v1",
        "PolicyV1Api",
        "list_pod_disruption_budget_for_all_namespaces",
        "list_namespaced_pod_disruption_budget",
    ),
    KindSpec(
        "PersistentVolumeClaim",
        "v1",
        "CoreV1Api",
        "list_persistent_volume_claim_for_all_namespaces",
        "list_namespaced_persistent_volume_claim",
    ),
    KindSpec(
        "ConfigMap",
        "v1",
        "CoreV1Api",
        "list_config_map_for_all_namespaces",
        "list_namespaced_config_map",
    ),
    KindSpec(
        "Ingress",
        "networking.k8s.io/v1",
        "NetworkingV1Api",
        "list_ingress_for_all_namespaces",
        "list_namespaced_ingress",
    ),
)
KIND_NAMES = tuple(spec.kind for spec in KINDS)


@dataclass(frozen=True)
class KubeConfig:
    """Where and what to collect.

    ``kubeconfig``: path of a kubeconfig file (None: the client's default loading, i.e.
    ``$KUBECONFIG`` or ``~/.kube/config``). ``contexts``: contexts to collect (empty: the
    current context). ``namespaces``: only these namespaces (None: every namespace, one
    cluster-wide list per kind). ``label_selector``: passed to every list call.
    ``in_cluster``: use the pod's service account instead of a kubeconfig (context
    ``in-cluster``). ``kinds``: the kinds to list (default: all of :data:`KIND_NAMES`).
    """

    kubeconfig: str | None = None
    contexts: list[str] = field(default_factory=list)
    namespaces: list[str] | None = None
    label_selector: str | None = None
    in_cluster: bool = False
    kinds: tuple[str, ...] = KIND_NAMES
    page_size: int = DEFAULT_PAGE_SIZE
    connect_timeout: float = 5.0
    read_timeout: float = 60.0  # one list page: a large page of a busy cluster can be slow
    # ``/version`` is tiny: a cluster that does not answer it within this is given up at once,
    # rather than paying a page's read timeout for every kind.
    probe_timeout: float = 10.0
    retries: int = 1  # connection failures only; an unanswered read is never repeated
    # A folder of ``kubectl get -o json`` exports: ``<context>.json`` files or ``<context>/``
    # folders of them. Set, no cluster is contacted (docs/kubernetes-offline.md).
    offline_dir: str | None = None


# progress(done, total, label): one step per kind of each cluster (per kind and namespace when
# namespaces are configured: 200 namespaces make 200 visible steps), label ``context/Kind``.
Progress = Callable[[int, int, str], None]


class _Steps:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def step(self, label: str, count: int = 1) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total, label)


class _ClusterUnreachable(Exception):
    """The cluster cannot be talked to at all: stop listing it, keep the other clusters."""


# --- redaction -------------------------------------------------------------------------------

_FLAG = re.compile(r"^--?(?P<name>[A-Za-z][\w.-]*)(?:=(?P<value>.*))?$", re.DOTALL)
# Flag names are often one word (``--requirepass``, ``--masterauth``): looser than env names.
_SECRET_FLAG = re.compile(
    r"(?i)pass|pwd|secret|token|credential|api[-_]?key|private[-_]?key|auth[-_]?key|masterauth"
)
_REFERENCE_FLAG = re.compile(r"(?i)[-_](file|path|dir|url|uri|env|name|id|stdin|ref)$")
_ASSIGNMENT = re.compile(r"^(?P<name>[A-Za-z_][\w.-]*)=(?P<value>.*)$", re.DOTALL)


def _flagged_by_detect_secrets(value: str) -> str | None:
    """The value with its secret part hidden when detect-secrets recognises a credential."""
    if len(value) < 8:
        return None
    found = find_secrets("kubernetes-value", value)
    if not found:
        return None
    excerpt = str(found[0].get("excerpt") or "")
    url_password = len(found) == 1 and found[0].get("rule") == "secret.basic-auth"
    if url_password and REDACTED in excerpt and len(value) < 150 and "\n" not in value:
        return excerpt  # postgres://app:«redacted»@db:5432/shop keeps the location
    return REDACTED


def redact_literal(name: str, value: Any) -> Any:
    """A literal environment value as it may be stored: secret names and credentials hidden."""
    if not isinstance(value, str) or value == "" or value == REDACTED:
        return value
    if is_secret_name(name) and not is_reference(value):
        return REDACTED
    flagged = _flagged_by_detect_secrets(value)
    return flagged if flagged is not None else value


def _redact_env(items: object) -> object:
    if not isinstance(items, list):
        return items
    redacted = []
    for item in items:
        if isinstance(item, dict) and "value" in item and "valueFrom" not in item:
            item = {**item, "value": redact_literal(str(item.get("name", "")), item["value"])}
        redacted.append(item)
    return redacted


def redact_argv(argv: object) -> object:
    """``--db-password=x``, ``--token x``, ``PASSWORD=x`` and recognised credentials hidden."""
    if not isinstance(argv, list):
        return argv
    result: list[Any] = []
    secret_flag_pending = False
    for arg in argv:
        if not isinstance(arg, str):
            result.append(arg)
            secret_flag_pending = False
            continue
        if secret_flag_pending and not arg.startswith("-"):
            result.append(REDACTED if not is_reference(arg) else arg)
            secret_flag_pending = False
            continue
        secret_flag_pending = False
        flag = _FLAG.match(arg)
        assignment = _ASSIGNMENT.match(arg)
        if flag and flag["value"] is None:
            secret_flag_pending = _is_secret_flag(flag["name"])
            result.append(arg)
        elif flag and _is_secret_flag(flag["name"]) and not is_reference(flag["value"]):
            result.append(arg[: flag.start("value")] + REDACTED)
        elif flag or assignment:
            match = flag or assignment
            assert match is not None
            value = redact_literal(match["name"], match["value"])
            result.append(arg[: match.start("value")] + str(value))
        else:
            flagged = _flagged_by_detect_secrets(arg)
            result.append(flagged if flagged is not None else arg)
    return result


def _is_secret_flag(name: str) -> bool:
    return is_secret_name(name) or (
        bool(_SECRET_FLAG.search(name)) and not _REFERENCE_FLAG.search(name)
    )


def _redact_container(container: object) -> object:
    if not isinstance(container, dict):
        return container
    container = dict(container)
    if "env" in container:
        container["env"] = _redact_env(container["env"])
    for key in ("command", "args"):
        if key in container:
            container[key] = redact_argv(container[key])
    return container


def _redact_pod_specs(value: Any) -> Any:
    """Every container list and pod-template annotation anywhere in the object."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in _CONTAINER_LISTS and isinstance(item, list):
                out[key] = [_redact_container(c) for c in item]
            elif key == "metadata" and isinstance(item, dict):
                out[key] = _clean_metadata(item)
            else:
                out[key] = _redact_pod_specs(item)
        return out
    if isinstance(value, list):
        return [_redact_pod_specs(item) for item in value]
    return value


def _clean_metadata(metadata: object) -> dict:
    if not isinstance(metadata, dict):
        return {}
    metadata = {k: v for k, v in metadata.items() if k != "managedFields"}
    annotations = metadata.get("annotations")
    if isinstance(annotations, dict):
        metadata["annotations"] = {
            key: redact_literal(key, value)
            for key, value in annotations.items()
            if key not in DROPPED_ANNOTATIONS
        }
    return metadata


def normalise_object(item: dict, spec: KindSpec) -> dict:
    """A list item as a manifest: kind and apiVersion set, metadata cleaned, secrets hidden.

    The API server leaves ``kind``/``apiVersion`` out of the items of a typed list.
    """
    obj: dict[str, Any] = {"apiVersion": item.get("apiVersion") or spec.api_version}
    obj["kind"] = item.get("kind") or spec.kind
    obj["metadata"] = _clean_metadata(item.get("metadata"))
    for key, value in item.items():
        if key in ("apiVersion", "kind", "metadata"):
            continue
        obj[key] = value
    if spec.kind == "ConfigMap":
        for key in ("data", "binaryData"):
            values = obj.pop(key, None)
            if isinstance(values, dict):
                obj[f"{key}Keys"] = sorted(values)
        return obj
    for key in ("spec", "status"):
        if key in obj:
            obj[key] = _redact_pod_specs(obj[key])
    return obj


# --- listing ---------------------------------------------------------------------------------


def _connection_error(api_client: Any, exc: Exception, read_timeout: float) -> str:
    """``cannot reach https://host:6443: Connection refused`` (no urllib3 internals)."""
    host = api_client.configuration.host
    cause: object = getattr(exc, "reason", None) or exc
    if isinstance(cause, urllib3.exceptions.ConnectTimeoutError):
        return f"cannot reach {host}: no connection within the connect timeout"
    if isinstance(cause, urllib3.exceptions.ReadTimeoutError | TimeoutError):
        return (
            f"{host} accepted the connection but did not answer within {read_timeout:g} s; "
            "is the API server overloaded, or is something else listening there?"
        )
    text = str(cause)
    if "]" in text and "Errno" in text:
        text = text.rsplit("]", 1)[1].strip(" )\"'")
    text = text or type(cause).__name__
    return f"cannot reach {api_client.configuration.host}: {text}"[:300]


def _status_message(exc: ApiException) -> str:
    """``403 Forbidden: <the Status message>`` from an API error."""
    message = ""
    try:
        body = json.loads(exc.body or "")
        message = str(body.get("message") or "") if isinstance(body, dict) else ""
    except (TypeError, ValueError):
        message = ""
    reason = str(exc.reason or "").strip()
    text = f"{exc.status} {reason}".strip()
    return f"{text}: {message}" if message else text


class _Lister:
    """Lists kinds of one cluster through one ApiClient, counting requests."""

    def __init__(self, api_client: Any, config: KubeConfig) -> None:
        self.api_client = api_client
        self.config = config
        self.requests = 0
        self._apis: dict[str, Any] = {}

    def _api(self, name: str) -> Any:
        if name not in self._apis:
            self._apis[name] = getattr(k8s_client, name)(self.api_client)
        return self._apis[name]

    def _call(
        self, function: Callable[..., Any], read_timeout: float | None = None, **kwargs: Any
    ) -> dict:
        self.requests += 1
        read_timeout = read_timeout or self.config.read_timeout
        timeout = (self.config.connect_timeout, read_timeout)
        try:
            response = function(_preload_content=False, _request_timeout=timeout, **kwargs)
        except ApiException as exc:
            if exc.status in (0, None):
                raise _ClusterUnreachable(str(exc.reason or exc).splitlines()[0]) from exc
            raise
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _ClusterUnreachable(
                _connection_error(self.api_client, exc, read_timeout)
            ) from exc
        try:
            data = json.loads(response.data)
        except ValueError as exc:
            raise ApiException(status=502, reason="response is not JSON") from exc
        finally:
            response.release_conn()
        if not isinstance(data, dict):
            raise ApiException(status=502, reason="response is not a JSON object")
        return data

    def version(self) -> str | None:
        api = self._api("VersionApi")
        try:
            data = self._call(api.get_code, read_timeout=self.config.probe_timeout)
        except ApiException as exc:
            if exc.status == 401:
                raise _ClusterUnreachable(_status_message(exc)) from exc
            return None  # /version may be forbidden; listing can still work
        return str(data.get("gitVersion") or "") or None

    def list_kind(self, spec: KindSpec, namespace: str | None) -> tuple[list[dict], str | None]:
        """Every item of a kind (all pages), and the list's resourceVersion."""
        api = self._api(spec.api)
        if namespace is None:
            function = getattr(api, spec.all_namespaces)
            base: dict[str, Any] = {}
        else:
            function = getattr(api, spec.namespaced)
            base = {"namespace": namespace}
        if self.config.label_selector:
            base["label_selector"] = self.config.label_selector
        restarts = 0
        while True:
            items: list[dict] = []
            token: str | None = None
            try:
                while True:
                    kwargs = dict(base, limit=self.config.page_size)
                    if token:
                        kwargs["_continue"] = token
                    data = self._call(function, **kwargs)
                    items.extend(i for i in data.get("items") or [] if isinstance(i, dict))
                    metadata = data.get("metadata") or {}
                    token = metadata.get("continue") or None
                    if not token:
                        return items, metadata.get("resourceVersion")
            except ApiException as exc:
                if exc.status == 410 and token and restarts < _MAX_LIST_RESTARTS:
                    restarts += 1  # the continue token expired: list again from the start
                    continue
                raise


def _namespaces(config: KubeConfig) -> list[str | None]:
    """The namespaces listed one by one, or ``[None]``: every namespace in one list per kind."""
    return list(config.namespaces) if config.namespaces else [None]


def _specs(config: KubeConfig) -> list[KindSpec]:
    return [spec for spec in KINDS if spec.kind in config.kinds]


def _contexts(config: KubeConfig) -> list[tuple[str, str | None]]:
    """(context name, error) to collect: the configured ones or the current one."""
    if config.in_cluster:
        return [("in-cluster", None)]
    if config.contexts:
        return [(name, None) for name in config.contexts]
    try:
        _all, active = k8s_config.list_kube_config_contexts(config_file=config.kubeconfig)
    except (ConfigException, OSError, ValueError) as exc:
        return [("(current)", f"kubeconfig: {exc}")]
    return [(str((active or {}).get("name") or "(current)"), None)]


def _api_client(config: KubeConfig, context: str) -> Any:
    configuration = k8s_client.Configuration()
    # Repeat what failed to connect; never a request sent and left unanswered (that would
    # double the wait on a cluster that accepts connections and then hangs).
    configuration.retries = urllib3.util.Retry(
        total=config.retries, connect=config.retries, read=0, status=0, redirect=0
    )
    if config.in_cluster:
        k8s_config.load_incluster_config(client_configuration=configuration)
        return k8s_client.ApiClient(configuration=configuration)
    return k8s_config.new_client_from_config(
        config_file=config.kubeconfig,
        context=context,
        persist_config=False,
        client_configuration=configuration,
    )


def _object_entry(context: str, spec: KindSpec, item: dict) -> dict:
    obj = normalise_object(item, spec)
    metadata = obj["metadata"]
    namespace = str(metadata.get("namespace") or "")
    name = str(metadata.get("name") or "")
    return {
        "cluster": context,
        "namespace": namespace,
        "kind": spec.kind,
        "api_version": obj["apiVersion"],
        "name": name,
        "locator": f"{context}/{namespace}/{spec.kind}/{name}",
        "labels": dict(metadata.get("labels") or {}),
        "object": obj,
    }


def _collect_cluster(config: KubeConfig, context: str, result: dict, steps: _Steps) -> None:
    cluster: dict[str, Any] = {
        "context": context,
        "server": None,
        "version": None,
        "error": None,
        "resource_version": {},
        "requests": 0,
    }
    result["clusters"].append(cluster)
    specs = _specs(config)
    try:
        api_client = _api_client(config, context)
    except (ConfigException, OSError, ValueError, TypeError) as exc:
        cluster["error"] = f"kubeconfig: {exc}"
        result["errors"].append({"cluster": context, "kind": None, "error": cluster["error"]})
        steps.step(f"{context} (error)", len(specs) * len(_namespaces(config)))
        return
    cluster["server"] = api_client.configuration.host
    lister = _Lister(api_client, config)
    listed = 0
    namespaces = _namespaces(config)
    try:
        cluster["version"] = lister.version()
        for spec in specs:
            for namespace in namespaces:
                try:
                    items, resource_version = lister.list_kind(spec, namespace)
                except ApiException as exc:
                    where = f" in namespace {namespace}" if namespace else ""
                    result["errors"].append(
                        {
                            "cluster": context,
                            "namespace": namespace,
                            "kind": spec.kind,
                            "error": _status_message(exc) + where,
                        }
                    )
                    continue
                finally:
                    listed += 1
                    where = f"{namespace}/" if namespace else ""
                    steps.step(f"{context}/{where}{spec.kind}")
                key = spec.kind if namespace is None else f"{namespace}/{spec.kind}"
                cluster["resource_version"][key] = resource_version
                for item in items:
                    result["objects"].append(_object_entry(context, spec, item))
    except _ClusterUnreachable as exc:
        cluster["error"] = str(exc)
        result["errors"].append({"cluster": context, "kind": None, "error": str(exc)})
        steps.step(f"{context} (error)", len(specs) * len(namespaces) - listed)
    finally:
        cluster["requests"] = lister.requests
        result["requests"] += lister.requests
        api_client.close()


# --- offline mode ----------------------------------------------------------------------------


def offline_contexts(folder: Path) -> dict[str, list[Path]]:
    """Context name -> its export files: ``<context>.json`` or every ``*.json`` of
    ``<context>/`` (sorted, so the order of objects is stable)."""
    contexts: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix == ".json":
            contexts.setdefault(path.stem, []).append(path)
        elif path.is_dir():
            contexts.setdefault(path.name, []).extend(sorted(path.glob("*.json")))
    return contexts


def _exported_items(path: Path) -> tuple[list[dict], str | None]:
    """The items of one export with their kind: a ``List`` from ``kubectl get a,b -o json``
    (items carry their kind), a typed list answer (``DeploymentList``: the kind comes from the
    list's), or a single object."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError("not a JSON object")
    list_kind = str(document.get("kind") or "")
    if "items" not in document:
        return [document], None
    implied = list_kind.removesuffix("List") if list_kind not in ("", "List") else None
    items = []
    for item in document.get("items") or []:
        if isinstance(item, dict):
            items.append(item if item.get("kind") or not implied else {**item, "kind": implied})
    return items, (document.get("metadata") or {}).get("resourceVersion") or None


def _collect_offline(config: KubeConfig, result: dict, steps: _Steps) -> None:
    folder = Path(str(config.offline_dir))
    contexts = offline_contexts(folder) if folder.is_dir() else {}
    if not folder.is_dir():
        contexts = {"(offline)": []}
    if config.contexts:
        contexts = {name: contexts.get(name, []) for name in config.contexts}
    specs = _specs(config)
    namespaces = set(config.namespaces or [])
    for context, files in contexts.items():
        cluster: dict[str, Any] = {
            "context": context,
            "server": f"file://{folder / context}",
            "version": None,
            "error": None,
            "resource_version": {},
            "requests": 0,
        }
        result["clusters"].append(cluster)
        by_kind: dict[str, list[dict]] = {}
        errors = [] if files else [f"no export for context {context} in {folder}"]
        for path in files:
            try:
                items, resource_version = _exported_items(path)
            except (OSError, ValueError) as exc:
                errors.append(f"{path.name}: {exc}"[:300])
                continue
            for item in items:
                by_kind.setdefault(str(item.get("kind") or ""), []).append(item)
            if resource_version:
                cluster["resource_version"][path.name] = resource_version
        for error in errors:
            result["errors"].append({"cluster": context, "kind": None, "error": error})
        cluster["error"] = "; ".join(errors)[:300] or None
        for spec in specs:
            for item in by_kind.get(spec.kind, []):
                namespace = (item.get("metadata") or {}).get("namespace")
                if not namespaces or namespace in namespaces:
                    result["objects"].append(_object_entry(context, spec, item))
            steps.step(f"{context}/{spec.kind}")


def collect_kubernetes(config: KubeConfig, progress: Progress | None = None) -> dict:
    """Live facts of every configured cluster; a failing cluster or kind is an ``errors`` entry."""
    result: dict[str, Any] = {
        "schema": SCHEMA,
        "source": SOURCE,
        "clusters": [],
        "objects": [],
        "errors": [],
        "requests": 0,
    }
    if config.offline_dir:
        folder = Path(config.offline_dir)
        count = len(config.contexts or (offline_contexts(folder) if folder.is_dir() else [1]))
        _collect_offline(config, result, _Steps(progress, count * len(_specs(config))))
        return result
    contexts = _contexts(config)
    per_cluster = len(_specs(config)) * len(_namespaces(config))
    steps = _Steps(progress, len(contexts) * per_cluster)
    for context, error in contexts:
        if error:
            result["clusters"].append(
                {
                    "context": context,
                    "server": None,
                    "version": None,
                    "error": error,
                    "resource_version": {},
                    "requests": 0,
                }
            )
            result["errors"].append({"cluster": context, "kind": None, "error": error})
            steps.step(f"{context} (error)", per_cluster)
            continue
        _collect_cluster(config, context, result, steps)
    return result


# --- service mapping -------------------------------------------------------------------------


def _manifest(obj: dict) -> dict:
    return obj["object"] if isinstance(obj.get("object"), dict) else obj


def _template_metadata(manifest: dict) -> dict:
    spec = manifest.get("spec") if isinstance(manifest.get("spec"), dict) else {}
    if manifest.get("kind") == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    return ((spec.get("template") or {}).get("metadata")) or {}


def service_keys(
    obj: dict,
    name_labels: Iterable[str] = ("app.kubernetes.io/name", "app"),
    part_of_label: str = "app.kubernetes.io/part-of",
    team_labels: Iterable[str] = ("team", "app.kubernetes.io/team", "owner"),
) -> tuple[str | None, str | None]:
    """(service name, team) of a live object (collector entry or bare manifest), from labels.

    The service is the ``part-of`` label when set (several components of one service), else
    the first name label; the object's own labels win over its pod template's. The team comes
    from the team labels, then the same keys as annotations. ``None`` when nothing says.
    """
    manifest = _manifest(obj)
    metadata = manifest.get("metadata") if isinstance(manifest.get("metadata"), dict) else {}
    template = _template_metadata(manifest)
    label_sets = [metadata.get("labels") or {}, template.get("labels") or {}]

    def first(keys: Iterable[str], sets: list[dict]) -> str | None:
        for labels in sets:
            for key in keys:
                value = labels.get(key) if isinstance(labels, dict) else None
                if value not in (None, ""):
                    return str(value)
        return None

    name = first([part_of_label], label_sets) or first(list(name_labels), label_sets)
    team_keys = list(team_labels)
    team = first(team_keys, label_sets) or first(
        team_keys, [metadata.get("annotations") or {}, template.get("annotations") or {}]
    )
    return name, team


_POD_TEMPLATE_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"})
_RELATED_KINDS = frozenset(
    {
        "HorizontalPodAutoscaler",
        "Service",
        "PodDisruptionBudget",
        "ConfigMap",
        "PersistentVolumeClaim",
    }
)


def _referenced_config_maps(manifest: dict) -> set[str]:
    names: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key in ("configMapRef", "configMapKeyRef", "configMap"):
                ref = value.get(key)
                if isinstance(ref, dict) and ref.get("name"):
                    names.add(str(ref["name"]))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(manifest.get("spec"))
    return names


def service_facts(collected: dict, service: str, **label_keys: Any) -> dict:
    """The per-service Kubernetes facts checks read (``ctx.kubernetes``).

    Objects whose :func:`service_keys` name ``service``, plus :func:`related_objects`.
    """
    objects = collected.get("objects") or []
    own = [o for o in objects if service_keys(o, **label_keys)[0] == service]
    return {"schema": SCHEMA, "source": SOURCE, "objects": own + related_objects(objects, own)}


def related_objects(objects: list[dict], own: list[dict]) -> list[dict]:
    """The objects that belong to ``own``'s workloads without saying so in their labels.

    In the same cluster and namespace: the HorizontalPodAutoscalers that target one of its
    workloads, the Services and PodDisruptionBudgets that select its pods, and the ConfigMaps
    and claims it references.
    """
    chosen = {id(o) for o in own}
    workloads: dict[tuple, list[dict]] = {}
    for obj in own:
        if obj["kind"] in _POD_TEMPLATE_KINDS:
            workloads.setdefault((obj.get("cluster"), obj.get("namespace")), []).append(obj)
    related: list[dict] = []
    for other in objects:
        if id(other) in chosen or other["kind"] not in _RELATED_KINDS:
            continue
        candidates = workloads.get((other.get("cluster"), other.get("namespace")), [])
        if any(_belongs_to(other, workload) for workload in candidates):
            related.append(other)
            chosen.add(id(other))
    return related


def _belongs_to(other: dict, workload: dict) -> bool:
    manifest = other.get("object") or {}
    spec = manifest.get("spec") if isinstance(manifest.get("spec"), dict) else {}
    kind = other["kind"]
    if kind == "HorizontalPodAutoscaler":
        target = spec.get("scaleTargetRef")
        return (
            isinstance(target, dict)
            and target.get("kind") == workload["kind"]
            and target.get("name") == workload["name"]
        )
    if kind in ("Service", "PodDisruptionBudget"):
        pod_labels = _template_metadata(workload.get("object") or {}).get("labels") or {}
        return selector_matches(spec.get("selector"), pod_labels)
    if kind == "ConfigMap":
        return other["name"] in _referenced_config_maps(workload.get("object") or {})
    if kind == "PersistentVolumeClaim":
        return other["name"] in _claim_names(workload.get("object") or {})
    return False


def image_repositories(obj: dict) -> set[str]:
    """The image repositories (no tag, no digest) the containers of a workload run."""
    manifest = _manifest(obj)
    spec = manifest.get("spec") if isinstance(manifest.get("spec"), dict) else {}
    if manifest.get("kind") == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    pod = ((spec.get("template") or {}).get("spec")) or {}
    found = set()
    for key in ("containers", "initContainers"):
        for container in pod.get(key) or []:
            image = str((container or {}).get("image") or "") if isinstance(container, dict) else ""
            name = image.split("@", 1)[0]
            if ":" in name.rsplit("/", 1)[-1]:
                name = name.rsplit(":", 1)[0]
            if name:
                found.add(name.lower())
    return found


def _claim_names(manifest: dict) -> set[str]:
    spec = manifest.get("spec") if isinstance(manifest.get("spec"), dict) else {}
    if manifest.get("kind") == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    pod = ((spec.get("template") or {}).get("spec")) or {}
    names = {
        str((v.get("persistentVolumeClaim") or {}).get("claimName"))
        for v in pod.get("volumes") or []
        if isinstance(v, dict) and isinstance(v.get("persistentVolumeClaim"), dict)
    }
    if manifest.get("kind") == "StatefulSet":
        name = str((manifest.get("metadata") or {}).get("name") or "")
        for template in spec.get("volumeClaimTemplates") or []:
            claim = str(((template or {}).get("metadata") or {}).get("name") or "")
            names |= {f"{claim}-{name}-{i}" for i in range(int(spec.get("replicas") or 1))}
    return names
