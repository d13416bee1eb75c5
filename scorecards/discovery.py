"""Service discovery and ownership: one resolver joining repositories, AWS and Kubernetes.

Pure: it receives what the collectors saw and returns service specs; the caller persists them.
A service is identified by its slug. Each source proposes names:

- a repository: the components of its ``catalog-info.yaml`` (a monorepo may declare several,
  each rooted at the folder of the file that declares it), else the repository's name;
- an AWS resource: its ``service``-like tag, else the function / ECS service name;
- a Kubernetes object: its ``app.kubernetes.io/part-of`` label (the app several workloads make
  up), else ``app.kubernetes.io/name`` / ``app``, else its own name; HPAs, PDBs and Services
  join the workload they target.

Names from different sources join when their slugs are equal. Ownership, first found wins:
catalog ``spec.owner``; the team tag / label on a resource; the owner of the root rule in
CODEOWNERS; a GitHub topic ``team-<name>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    return _SLUG.sub("-", str(name).lower()).strip("-")[:200] or "service"


@dataclass(frozen=True)
class DiscoveryKeys:
    """Which tags, labels and topics name services and teams (configurable per organisation)."""

    aws_name_tags: tuple[str, ...] = ("service", "app", "application", "app.kubernetes.io/name")
    aws_team_tags: tuple[str, ...] = ("team", "owner")
    k8s_name_labels: tuple[str, ...] = ("app.kubernetes.io/name", "app")
    k8s_part_of_label: str = "app.kubernetes.io/part-of"
    k8s_team_labels: tuple[str, ...] = ("team", "app.kubernetes.io/team", "owner")
    github_team_topic_prefix: str = "team-"


@dataclass
class RepoEntry:
    full_name: str
    facts: dict | None = None
    topics: list[str] = field(default_factory=list)
    default_branch: str = ""


@dataclass
class ServiceSpec:
    slug: str
    name: str
    team: str | None = None
    team_source: str = ""
    description: str = ""
    lifecycle: str = ""
    repository: str = ""
    repository_path: str = ""
    default_branch: str = ""
    aws_arns: list[str] = field(default_factory=list)
    k8s_locators: list[str] = field(default_factory=list)
    discovered_from: dict[str, list[str]] = field(default_factory=dict)

    def note(self, source: str, what: str) -> None:
        seen = self.discovered_from.setdefault(source, [])
        if what not in seen:
            seen.append(what)

    def set_team(self, team: str | None, source: str) -> None:
        if team and not self.team:
            self.team = team
            self.team_source = source


def _team_name(owner: str) -> str:
    """``group:default/payments`` → ``payments``; ``@acme/payments`` → ``payments``."""
    owner = str(owner).strip()
    owner = owner.split(":", 1)[-1]
    return owner.rsplit("/", 1)[-1].lstrip("@")


# --- repositories -------------------------------------------------------------------------


def catalog_components(facts: dict) -> list[dict]:
    """Backstage ``Component`` entities declared in the repository (any catalog-info file)."""
    found = []
    for document in facts.get("documents", []):
        if document.get("category") != "catalog":
            continue
        folder = document["path"].rpartition("/")[0]
        for entry in document.get("docs", []):
            data = entry.get("data")
            if not isinstance(data, dict) or data.get("kind") != "Component":
                continue
            metadata = data.get("metadata") or {}
            spec = data.get("spec") or {}
            if not metadata.get("name"):
                continue
            found.append(
                {
                    "name": str(metadata["name"]),
                    "description": str(metadata.get("description") or ""),
                    "owner": str(spec.get("owner") or ""),
                    "lifecycle": str(spec.get("lifecycle") or ""),
                    "path": folder,
                    "declared_in": document["path"],
                }
            )
    return found


def codeowners_team(facts: dict) -> str | None:
    """The owner of the repository root: the last CODEOWNERS rule matching every file."""
    for codeowners in facts.get("codeowners", []):
        owner = None
        for rule in codeowners.get("rules", []):
            if rule.get("pattern") in ("*", "/*", "**", "/**") and rule.get("owners"):
                owner = rule["owners"][0]
        if owner:
            return _team_name(owner)
    return None


def _topic_team(topics: Iterable[str], prefix: str) -> str | None:
    for topic in topics:
        if prefix and topic.startswith(prefix) and len(topic) > len(prefix):
            return topic[len(prefix) :]
    return None


# --- the resolver -------------------------------------------------------------------------


class _Registry:
    def __init__(self) -> None:
        self.by_slug: dict[str, ServiceSpec] = {}

    def get(self, name: str) -> ServiceSpec:
        slug = slugify(name)
        if slug not in self.by_slug:
            self.by_slug[slug] = ServiceSpec(slug=slug, name=name)
        return self.by_slug[slug]


def _tag(tags: dict, keys: Iterable[str]) -> str | None:
    lowered = {str(k).lower(): v for k, v in (tags or {}).items()}
    for key in keys:
        value = lowered.get(key.lower())
        if value:
            return str(value)
    return None


def _aws_name(resource: dict, keys: DiscoveryKeys) -> str | None:
    named = _tag(resource.get("tags") or {}, keys.aws_name_tags)
    if named:
        return named
    if resource.get("type") in ("lambda.function", "ecs.service"):
        return resource.get("name")
    return None


def _k8s_labels(obj: dict) -> dict:
    return (
        obj.get("labels") or ((obj.get("object") or {}).get("metadata") or {}).get("labels")
    ) or {}


def _k8s_name(obj: dict, keys: DiscoveryKeys) -> str:
    labels = _k8s_labels(obj)
    return (
        labels.get(keys.k8s_part_of_label)
        or next((labels[k] for k in keys.k8s_name_labels if labels.get(k)), None)
        or obj["name"]
    )


_WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")


def _k8s_target(obj: dict, workloads: dict[tuple, str]) -> str | None:
    """The service of the workload an HPA, PDB or Service points at, when it can be told."""
    spec = (obj.get("object") or {}).get("spec") or {}
    where = (obj.get("cluster"), obj.get("namespace"))
    if obj["kind"] == "HorizontalPodAutoscaler":
        target = spec.get("scaleTargetRef") or {}
        return workloads.get((*where, target.get("kind"), target.get("name")))
    return None


def resolve_services(
    repos: Iterable[RepoEntry] = (),
    aws_resources: Iterable[dict] = (),
    k8s_objects: Iterable[dict] = (),
    keys: DiscoveryKeys | None = None,
) -> list[ServiceSpec]:
    keys = keys or DiscoveryKeys()
    registry = _Registry()

    for repo in repos:
        facts = repo.facts or {}
        repo_name = repo.full_name.rsplit("/", 1)[-1]
        components = catalog_components(facts)
        fallback_team = codeowners_team(facts)
        topic_team = _topic_team(repo.topics, keys.github_team_topic_prefix)
        for component in components or [{"name": repo_name, "path": "", "owner": ""}]:
            spec = registry.get(component["name"])
            spec.repository = spec.repository or repo.full_name
            spec.repository_path = component.get("path", "")
            spec.default_branch = repo.default_branch
            spec.description = spec.description or component.get("description", "")
            spec.lifecycle = spec.lifecycle or component.get("lifecycle", "")
            if component.get("declared_in"):
                spec.note("catalog", f"{repo.full_name}/{component['declared_in']}")
                spec.set_team(
                    _team_name(component["owner"]) if component["owner"] else None,
                    "catalog-info.yaml",
                )
            else:
                spec.note("github", repo.full_name)
            spec.set_team(fallback_team, "CODEOWNERS")
            spec.set_team(topic_team, "GitHub topic")

    for resource in aws_resources:
        name = _aws_name(resource, keys)
        if not name:
            continue
        spec = registry.get(name)
        if resource.get("arn") and resource["arn"] not in spec.aws_arns:
            spec.aws_arns.append(resource["arn"])
        spec.note("aws", resource.get("arn") or name)
        spec.set_team(_tag(resource.get("tags") or {}, keys.aws_team_tags), "AWS tag")

    objects = list(k8s_objects)
    workloads: dict[tuple, str] = {}
    for obj in objects:
        if obj.get("kind") in _WORKLOADS:
            name = _k8s_name(obj, keys)
            workloads[(obj.get("cluster"), obj.get("namespace"), obj["kind"], obj["name"])] = name
    for obj in objects:
        name = _k8s_target(obj, workloads) or _k8s_name(obj, keys)
        spec = registry.get(name)
        locator = obj.get("locator") or f"{obj.get('namespace')}/{obj['kind']}/{obj['name']}"
        if locator not in spec.k8s_locators:
            spec.k8s_locators.append(locator)
        spec.note("kubernetes", locator)
        spec.set_team(_tag(_k8s_labels(obj), keys.k8s_team_labels), "Kubernetes label")

    return sorted(registry.by_slug.values(), key=lambda s: s.slug)


def slice_aws(inventory: dict | None, arns: Iterable[str]) -> dict | None:
    """The per-service AWS facts: the inventory's resources with these ARNs."""
    if inventory is None:
        return None
    wanted = set(arns)
    resources = [r for r in inventory.get("resources", []) if r.get("arn") in wanted]
    return {"schema": 1, "source": "aws", "resources": resources} if resources else None


def slice_kubernetes(inventory: dict | None, locators: Iterable[str]) -> dict | None:
    """The per-service Kubernetes facts: the inventory's objects with these locators."""
    if inventory is None:
        return None
    wanted = set(locators)
    objects = [o for o in inventory.get("objects", []) if o.get("locator") in wanted]
    return {"schema": 1, "source": "kubernetes", "objects": objects} if objects else None
