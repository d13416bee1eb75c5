"""Helm charts as they render by default: values (sub-chart values included) and what they switch
off, and which workloads are the app's own (catalogue 2026.12, decisions 5 and 8).

Pure views over repository facts, memoised per service like ``deployables``.
"""

from __future__ import annotations

import posixpath
import re

from scorecards.checks import deployables as d
from scorecards.checks.context import CheckContext


def chart_dirs(ctx: CheckContext) -> list[str]:
    """Folders holding a ``Chart.yaml`` ("" for the root), deepest first."""

    def compute() -> list[str]:
        folders = {
            posixpath.dirname(doc["path"])
            for doc in d.documents(ctx, "helm_chart", production_only=False)
        }
        for doc in d.documents(ctx, "helm_template", production_only=False):
            path = f"/{doc['path']}"
            if "/templates/" in path:  # a chart whose Chart.yaml was not ingested
                folders.add(path.split("/templates/", 1)[0].lstrip("/"))
        return sorted(folders, key=lambda f: (-f.count("/") - bool(f), f))

    return ctx.memo("chart_dirs", compute)


def chart_of(ctx: CheckContext, path: str) -> str | None:
    """The innermost chart folder holding ``path``."""
    for folder in chart_dirs(ctx):
        if folder == "" or path.startswith(folder + "/"):
            return folder
    return None


def _parent_chart(ctx: CheckContext, folder: str) -> tuple[str, str] | None:
    """(parent chart folder, sub-chart name) when ``folder`` is ``<parent>/charts/<name>``."""
    head, _, name = folder.rpartition("/")
    parent, _, charts = head.rpartition("/")
    if charts != "charts" or not name:
        return None
    return (parent, name) if parent in chart_dirs(ctx) else None


def _first_mapping(document: dict) -> dict:
    return next((data for _, data in d.iter_docs(document) if isinstance(data, dict)), {})


def _by_folder(ctx: CheckContext, category: str, names: tuple[str, ...]) -> dict[str, dict]:
    """Folder -> first mapping of the chart file named ``names`` there (indexed once)."""

    def compute() -> dict[str, dict]:
        found: dict[str, dict] = {}
        for doc in d.documents(ctx, category, production_only=False):
            folder, _, name = doc["path"].rpartition("/")
            if name in names and folder not in found:
                found[folder] = _first_mapping(doc)
        return found

    return ctx.memo(f"chart_files:{category}", compute)


def values_known(ctx: CheckContext, folder: str) -> bool:
    """Whether the chart's default values were read (a values.yaml that parsed): without them
    a condition cannot be judged false."""

    def compute() -> set[str]:
        return {
            doc["path"].rpartition("/")[0]
            for doc in d.documents(ctx, "helm_values", production_only=False)
            if doc["path"].rpartition("/")[2] in ("values.yaml", "values.yml")
            and not doc.get("error")
        }

    return folder in ctx.memo("chart_values_known", compute)


def _own_values(ctx: CheckContext, folder: str) -> dict:
    return _by_folder(ctx, "helm_values", ("values.yaml", "values.yml")).get(folder, {})


def chart_metadata(ctx: CheckContext, folder: str) -> dict:
    return _by_folder(ctx, "helm_chart", ("Chart.yaml", "Chart.yml")).get(folder, {})


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def chart_values(ctx: CheckContext, folder: str) -> dict:
    """A chart's default values; a sub-chart's own values under what its parent sets for it
    (``<subchart>.replicaCount`` in the parent's values.yaml wins, as Helm merges them)."""

    def compute() -> dict:
        values = _own_values(ctx, folder)
        parent = _parent_chart(ctx, folder)
        if parent is not None:
            parent_values = chart_values(ctx, parent[0])
            scoped = parent_values.get(parent[1])
            if isinstance(scoped, dict):
                values = _merge(values, scoped)
            if isinstance(parent_values.get("global"), dict):
                values = _merge(values, {"global": parent_values["global"]})
        return values

    return ctx.memo(f"chart_values:{folder}", compute)


def values_for(ctx: CheckContext, path: str) -> dict | None:
    """The default values a template at ``path`` renders with (None outside a chart)."""
    folder = chart_of(ctx, path)
    return None if folder is None else chart_values(ctx, folder)


def lookup(values: dict, dotted: str) -> object:
    current: object = values
    for part in dotted.split("."):
        if not isinstance(current, dict) or part not in current:
            return None
        current = current[part]
    return current


_TERM = re.compile(r"^\$?\.Values\.([\w.-]+)$")
_QUOTED = re.compile(r"""^(["'`])(.*)\1$""")


def _term(word: str, values: dict) -> tuple[bool, object]:
    """(understood, value) of one word of a condition."""
    match = _TERM.match(word)
    if match:
        return True, lookup(values, match.group(1))
    quoted = _QUOTED.match(word)
    if quoted:
        return True, quoted.group(2)
    if word in ("true", "false"):
        return True, word == "true"
    if re.fullmatch(r"-?\d+", word):
        return True, int(word)
    return False, None


def _truthy(value: object) -> bool:
    return value not in (None, False, 0, "", [], {})


_TOKEN = re.compile(r"""\(|\)|"[^"]*"|'[^']*'|[^\s()]+""")
MAX_TOKENS = 64


def _parse(tokens: list[str]) -> list | None:
    """Go-template words and parenthesised sub-expressions as nested lists (None if unbalanced)."""
    stack: list[list] = [[]]
    for token in tokens:
        if token == "(":
            stack.append([])
        elif token == ")":
            if len(stack) == 1:
                return None
            inner = stack.pop()
            stack[-1].append(inner)
        else:
            stack[-1].append(token)
    return stack[0] if len(stack) == 1 else None


def _value(node: object, values: dict) -> tuple[bool, object]:
    """(understood, value) of a word or a parenthesised call."""
    if isinstance(node, list):
        result = _call(node, values)
        return result is not None, result
    return _term(str(node), values)


def _call(expr: list, values: dict) -> bool | None:
    if not expr:
        return None
    head, args = expr[0], expr[1:]
    if isinstance(head, list) and not args:
        return _call(head, values)
    if head == "not" and len(args) == 1:
        understood, value = _value(args[0], values)
        return (not _truthy(value)) if understood else None
    if head in ("and", "or") and args:
        results = []
        for arg in args:
            understood, value = _value(arg, values)
            results.append(_truthy(value) if understood else None)
        if head == "and":
            return False if False in results else (None if None in results else True)
        return True if True in results else (None if None in results else False)
    if head in ("eq", "ne") and len(args) == 2:
        (ok_a, a), (ok_b, b) = _value(args[0], values), _value(args[1], values)
        if not (ok_a and ok_b):
            return None
        return (a == b) if head == "eq" else (a != b)
    if not args and not isinstance(head, list):
        understood, value = _term(head, values)
        return _truthy(value) if understood else None
    return None


def evaluate(condition: str, values: dict) -> bool | None:
    """A Helm ``if`` condition against default values: True, False, or None when it says more
    than values, ``not``, ``and``, ``or``, ``eq`` and ``ne`` (then it counts as rendered)."""
    tokens = _TOKEN.findall(condition)
    if len(tokens) > MAX_TOKENS or "|" in tokens:
        return None
    expr = _parse(tokens)
    return None if expr is None else _call(expr, values)


def _subchart_condition(ctx: CheckContext, folder: str) -> tuple[str, str] | None:
    """(condition, where it is declared) switching a sub-chart on, from its parent's Chart.yaml."""
    parent = _parent_chart(ctx, folder)
    if parent is None:
        return None
    for dependency in chart_metadata(ctx, parent[0]).get("dependencies") or []:
        if not isinstance(dependency, dict):
            continue
        if parent[1] in (dependency.get("name"), dependency.get("alias")):
            condition = dependency.get("condition")
            if isinstance(condition, str) and condition.strip():
                first = condition.split(",")[0].strip()
                return first, posixpath.join(parent[0], "Chart.yaml")
    return None


def disabled_by(ctx: CheckContext, document_path: str, entry: dict) -> str | None:
    """Why a templated document does not render with the chart's defaults, or None."""
    folder = chart_of(ctx, document_path)
    if folder is None:
        return None
    values = chart_values(ctx, folder)
    for guard in entry.get("guards") or [] if values_known(ctx, folder) else []:
        if evaluate(guard, values) is False:
            return f"{{{{ if {guard} }}}} is false by default"
    while folder is not None:
        sub = _subchart_condition(ctx, folder)
        if sub is not None:
            parent = _parent_chart(ctx, folder)
            known = parent is not None and values_known(ctx, parent[0])
            if known and not _truthy(lookup(chart_values(ctx, parent[0]), sub[0])):
                return f"sub-chart off by default ({sub[0]} in {sub[1]})"
        parent = _parent_chart(ctx, folder)
        folder = parent[0] if parent else None
    return None


# --- which workloads are the app's own (decision 8) -----------------------------------------

LOAD_GENERATORS = re.compile(
    r"(?i)\b(locust|k6|vegeta|jmeter|artillery|gatling|wrk2?|hey|fortio|loadgen|"
    r"load[-_]?generator|load[-_]?test|loadtest|stress[-_]?test)\b"
)
# Off-the-shelf servers a chart may bundle as a dependency: not the app being scored.
THIRD_PARTY_SERVERS = frozenset({
    "postgres", "postgresql", "postgresql-ha", "mysql", "mariadb", "mariadb-galera", "mongo",
    "mongodb", "redis", "redis-cluster", "valkey", "keydb", "memcached", "rabbitmq", "kafka",
    "zookeeper", "elasticsearch", "opensearch", "etcd", "minio", "cassandra", "clickhouse",
    "nats", "influxdb", "couchdb", "neo4j", "pgbouncer", "mssql-server", "mssql", "dragonfly",
})  # fmt: skip
# Off-the-shelf observability servers a repository deploys beside its app (decision 8: they are
# not the app's workloads for probes and autoscaling).
OBSERVABILITY_SERVERS = frozenset({
    "prometheus", "grafana", "loki", "tempo", "promtail", "jaeger", "all-in-one", "zipkin",
    "otel-collector", "opentelemetry-collector", "opentelemetry-collector-contrib", "alertmanager",
    "fluent-bit", "fluentd", "vector",
})  # fmt: skip


def _image_repository(image: object) -> str:
    name, _tag, _digest = d.split_image_ref(" ".join(str(image or "").split()))
    return name.rsplit("/", 1)[-1].lower()


def _subchart_name(ctx: CheckContext, path: str) -> str | None:
    folder = chart_of(ctx, path)
    parent = _parent_chart(ctx, folder) if folder is not None else None
    return parent[1] if parent else None


# Folders of optional add-ons a user may apply on top of the app's manifests (decision 8):
# `extras/`, `addons/`, Kustomize `components/` switched on per overlay.
OPTIONAL_ADDONS = re.compile(r"(?i)(?:^|/)(?:extras?|add-?ons?|optional|contrib|components)/")


_DATABASE_NAME = re.compile(r"(?i)(?:^|[-_])(?:db|database|postgres(?:ql)?|mysql|mongo(?:db)?)$")


def _database_workload(metadata: dict) -> bool:
    """A StatefulSet named or labelled as a database (`accounts-db`, `tier: db`): a database
    image the project packages is still a database, not the app (decision 8)."""
    labels = metadata.get("labels") if isinstance(metadata.get("labels"), dict) else {}
    tiers = {str(labels.get(k, "")).lower() for k in ("tier", "app.kubernetes.io/component")}
    return bool(_DATABASE_NAME.search(str(metadata.get("name") or ""))) or bool(
        tiers & {"db", "database"}
    )


def not_the_app(ctx: CheckContext, workload: dict) -> str | None:
    """Why a workload does not count against the app for probes and autoscaling, or None:
    an optional add-on, a load generator, a test hook, or an off-the-shelf database/cache/broker."""
    if OPTIONAL_ADDONS.search(workload["path"]):
        return "an optional add-on"
    obj = workload["object"]
    metadata = obj.get("metadata") or {}
    if workload.get("kind") == "StatefulSet" and _database_workload(metadata):
        return "a database StatefulSet"
    annotations = metadata.get("annotations") or {}
    hook = str(annotations.get("helm.sh/hook", "")) if isinstance(annotations, dict) else ""
    if "test" in hook or "/templates/tests/" in f"/{workload['path']}":
        return "a Helm test hook"
    images = [c["container"].get("image") for c in workload["containers"] if not c["init"]]
    if workload.get("templated"):
        images = [d.resolve_helm(ctx, workload["path"], image) for image in images]
    if LOAD_GENERATORS.search(str(workload.get("name") or "")) or any(
        LOAD_GENERATORS.search(_image_repository(image)) for image in images
    ):
        return "a load generator"
    subchart = _subchart_name(ctx, workload["path"])
    if subchart and subchart.lower() in THIRD_PARTY_SERVERS:
        return f"the {subchart} sub-chart"
    repositories = {_image_repository(image) for image in images if image}
    if repositories and repositories <= THIRD_PARTY_SERVERS | OBSERVABILITY_SERVERS:
        return f"an off-the-shelf server ({', '.join(sorted(repositories))})"
    return None
