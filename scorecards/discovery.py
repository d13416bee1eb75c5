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

A repository is hostile input: names are normalised (NFKC) and stripped of format and control
characters (bidi overrides, zero-width spaces) before they become names or slugs, and a service
bound to one repository is never re-pointed by another repository naming it: that claim is
refused and reported as a :class:`ClaimConflict` for a platform lead to decide.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from scorecards.collectors import aws, kubernetes

_SLUG = re.compile(r"[^a-z0-9]+")
# Format (bidi overrides, zero-width joiners), control and surrogate code points: invisible or
# unstorable, they make look-alike names ("payments-api\u202e") and teams ("plat\u202eform").
_INVISIBLE = frozenset(("Cf", "Cc", "Cs"))


def clean_text(value: object, single_line: bool = True) -> str:
    """Text from a repository as people will read it: NFKC, no invisible characters."""
    text = unicodedata.normalize("NFKC", str(value))
    # Whitespace controls (tab, newline) separate words; the other invisible ones go.
    text = "".join(c for c in text if c.isspace() or unicodedata.category(c) not in _INVISIBLE)
    return " ".join(text.split()) if single_line else text.strip()


def slugify(name: str) -> str:
    return _SLUG.sub("-", clean_text(name).lower())[:200].strip("-") or "service"


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
        team = clean_text(team) if team else ""
        if team and not self.team:
            self.team = team
            self.team_source = source


@dataclass(frozen=True)
class ClaimConflict:
    """A repository named a service another repository owns: refused, left for a person."""

    slug: str
    name: str
    repository: str
    declared_in: str
    bound_repository: str


def _team_name(owner: str) -> str:
    """``group:default/payments`` → ``payments``; ``@acme/payments`` → ``payments``."""
    owner = clean_text(owner)
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
            name = clean_text(metadata.get("name") or "")
            if not name:
                continue
            found.append(
                {
                    "name": name,
                    "description": clean_text(metadata.get("description") or "", False),
                    "owner": clean_text(spec.get("owner") or ""),
                    "lifecycle": clean_text(spec.get("lifecycle") or ""),
                    "path": folder,
                    "declared_in": document["path"],
                }
            )
    return found


_PATH_LISTS = (
    "dockerfiles",
    "documents",
    "terraform",
    "procfiles",
    "env_files",
    "scripts",
    "manifests",
    "lockfiles",
    "signals",
    "errors",
)


def _under(path: str, folder: str) -> bool:
    return not folder or path == folder or path.startswith(folder + "/")


def scope_to_component(facts: dict, folder: str, other_folders: Iterable[str]) -> dict:
    """The facts one component of a monorepo is judged on.

    Its own folder, plus what belongs to no component (the repository's CI workflows,
    Dependabot/Renovate config, CODEOWNERS, root lockfiles of a workspace): shared files apply
    to every component, a sibling's Dockerfile or lockfile does not.
    """
    others = [f for f in other_folders if f and f != folder and not _under(folder, f)]
    if not others and not folder:
        return facts

    def keep(path: str) -> bool:
        if folder and _under(path, folder):
            return True
        return not any(_under(path, other) for other in others)

    scoped = dict(facts)
    for key in _PATH_LISTS:
        items = facts.get(key)
        if isinstance(items, list):
            scoped[key] = [i for i in items if not isinstance(i, dict) or keep(i.get("path", ""))]
    if isinstance(facts.get("paths"), list):
        scoped["paths"] = [p for p in facts["paths"] if keep(p)]
    scoped["component"] = folder
    return scoped


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
            self.by_slug[slug] = ServiceSpec(slug=slug, name=clean_text(name) or slug)
        return self.by_slug[slug]


def _aws_keys(resource: dict, keys: DiscoveryKeys) -> tuple[str | None, str | None]:
    return aws.service_keys(resource, tag_keys=keys.aws_name_tags, team_keys=keys.aws_team_tags)


def _k8s_keys(obj: dict, keys: DiscoveryKeys) -> tuple[str | None, str | None]:
    return kubernetes.service_keys(
        obj,
        name_labels=keys.k8s_name_labels,
        part_of_label=keys.k8s_part_of_label,
        team_labels=keys.k8s_team_labels,
    )


_WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")
_BATCH_KINDS = ("Job", "CronJob")


def _claim_refused(
    slug: str, repository: str, bound: Mapping[str, str], registry: _Registry
) -> str | None:
    """The repository that owns ``slug`` when it is not ``repository``, else None.

    The catalogue's binding comes first; a service no repository owns yet goes to the first
    repository of this run that names it.
    """
    owner = bound.get(slug) or (
        registry.by_slug[slug].repository if slug in registry.by_slug else ""
    )
    return owner if owner and owner != repository else None


def resolve_services(
    repos: Iterable[RepoEntry] = (),
    aws_resources: Iterable[dict] = (),
    k8s_objects: Iterable[dict] = (),
    keys: DiscoveryKeys | None = None,
    bound: Mapping[str, str] | None = None,
    conflicts: list[ClaimConflict] | None = None,
) -> list[ServiceSpec]:
    """Services from every source. ``bound``: the repository each known service is built from
    (slug → repository); claims on those by other repositories are appended to ``conflicts``."""
    keys = keys or DiscoveryKeys()
    registry = _Registry()
    bound = bound or {}
    refused = conflicts if conflicts is not None else []

    for repo in repos:
        facts = repo.facts or {}
        repo_name = repo.full_name.rsplit("/", 1)[-1]
        components = catalog_components(facts)
        fallback_team = codeowners_team(facts)
        topic_team = _topic_team(repo.topics, keys.github_team_topic_prefix)
        for component in components or [{"name": repo_name, "path": "", "owner": ""}]:
            owner = _claim_refused(slugify(component["name"]), repo.full_name, bound, registry)
            if owner:
                refused.append(
                    ClaimConflict(
                        slug=slugify(component["name"]),
                        name=clean_text(component["name"]),
                        repository=repo.full_name,
                        declared_in=component.get("declared_in", ""),
                        bound_repository=owner,
                    )
                )
                continue
            spec = registry.get(component["name"])
            spec.repository = repo.full_name
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

    # The same keys the collectors use for per-service facts (aws/kubernetes.service_keys), so
    # discovery and the facts the checks see agree on what belongs to whom.
    resources = list(aws_resources)
    owned: dict[str, list[dict]] = {}
    for resource in resources:
        name, team = _aws_keys(resource, keys)
        if not name:
            continue  # log groups follow their writers, below
        spec = registry.get(name)
        owned.setdefault(spec.slug, []).append(resource)
        spec.note("aws", resource.get("arn") or name)
        spec.set_team(team, "AWS tag")
    for slug, own in owned.items():
        spec = registry.by_slug[slug]
        for resource in own + aws.log_groups_of(resources, own):
            if resource.get("arn") and resource["arn"] not in spec.aws_arns:
                spec.aws_arns.append(resource["arn"])

    _resolve_kubernetes(registry, list(k8s_objects), keys)
    return sorted(registry.by_slug.values(), key=lambda s: s.slug)


def _resolve_kubernetes(registry: _Registry, objects: list[dict], keys: DiscoveryKeys) -> None:
    """Only workloads found services; every other object joins the workload it serves.

    A workload is named by its labels (:func:`_k8s_keys`), else by itself. The namespace is
    part of its identity: one name in several namespaces is one service only when ownership
    says so (the same team label everywhere); otherwise each namespace's workloads are a
    service of their own, named ``<name>-<namespace>``. Clusters are not: the same namespace
    and name in a staging and a production cluster are one service in two environments.
    """
    workloads = [o for o in objects if o.get("kind") in _WORKLOADS]
    named: list[tuple[dict, str, str | None]] = []
    for obj in workloads:
        name, team = _k8s_keys(obj, keys)
        if not name and obj.get("kind") in _BATCH_KINDS:
            continue  # an unlabelled Job joins the workload it belongs to, below
        named.append((obj, name or obj["name"], team))
    identity = _workload_identities(named)
    members: dict[str, list[dict]] = {}
    for obj, name, team in named:
        spec = registry.get(identity[(name, obj.get("namespace"))])
        members.setdefault(spec.slug, []).append(obj)
        spec.set_team(team, "Kubernetes label")
    for obj in workloads:
        if any(obj is o for own in members.values() for o in own):
            continue
        slug = _owning_service(obj, members) or registry.get(obj["name"]).slug
        members.setdefault(slug, []).append(obj)
    claimed = {id(o) for own in members.values() for o in own}
    for slug, own in members.items():
        unclaimed = [o for o in objects if id(o) not in claimed]
        own.extend(kubernetes.related_objects(unclaimed, own))
        own.extend(_labelled_members(unclaimed, own, keys))
        claimed.update(id(o) for o in own)
        spec = registry.by_slug[slug]
        for obj in own:
            locator = obj.get("locator") or f"{obj.get('namespace')}/{obj['kind']}/{obj['name']}"
            if locator not in spec.k8s_locators:
                spec.k8s_locators.append(locator)
            spec.note("kubernetes", locator)


def _workload_identities(named: list[tuple[dict, str, str | None]]) -> dict[tuple, str]:
    """(label name, namespace) -> the service name its workloads take."""
    namespaces: dict[str, set] = {}
    teams: dict[str, set] = {}
    for obj, name, team in named:
        namespaces.setdefault(name, set()).add(obj.get("namespace"))
        teams.setdefault(name, set()).add(team or None)
    identity = {}
    for name, spaces in namespaces.items():
        owned_together = len(teams[name]) == 1 and None not in teams[name]
        for namespace in spaces:
            split = len(spaces) > 1 and not owned_together and namespace
            identity[(name, namespace)] = f"{name}-{namespace}" if split else name
    return identity


def _owning_service(job: dict, members: dict[str, list[dict]]) -> str | None:
    """The service an unlabelled Job or CronJob belongs to: its owner (a CronJob's Job), else
    the service whose long-running workload in the same namespace runs the same image."""
    metadata = (job.get("object") or {}).get("metadata") or {}
    owners = {
        (str(ref.get("kind")), str(ref.get("name")))
        for ref in metadata.get("ownerReferences") or []
        if isinstance(ref, dict)
    }
    images = kubernetes.image_repositories(job)
    for slug, own in members.items():
        for obj in own:
            if not _same_place(obj, job):
                continue
            if (obj["kind"], obj["name"]) in owners:
                return slug
            if obj["kind"] not in _BATCH_KINDS and images & kubernetes.image_repositories(obj):
                return slug
    return None


def _labelled_members(candidates: list[dict], own: list[dict], keys: DiscoveryKeys) -> list:
    """Non-workload objects whose labels name this service, beside one of its workloads."""
    names = {_k8s_keys(o, keys)[0] for o in own if o.get("kind") in _WORKLOADS} - {None}
    found = []
    for obj in candidates:
        if obj.get("kind") in _WORKLOADS or _k8s_keys(obj, keys)[0] not in names:
            continue
        if any(_same_place(obj, w) for w in own if w.get("kind") in _WORKLOADS):
            found.append(obj)
    return found


def _same_place(a: dict, b: dict) -> bool:
    return a.get("cluster") == b.get("cluster") and a.get("namespace") == b.get("namespace")


def slice_aws(inventory: dict | None, arns: Iterable[str]) -> dict | None:
    """The per-service AWS facts: the inventory's resources with these ARNs."""
    if inventory is None:
        return None
    wanted = set(arns)
    resources = [r for r in inventory.get("resources", []) if r.get("arn") in wanted]
    return {"schema": 1, "source": "aws", "resources": resources} if resources else None


def slice_kubernetes(inventory: dict | None, locators: Iterable[str]) -> dict | None:
    """The per-service Kubernetes facts: the inventory's objects with these locators.

    ``unlisted`` names the kinds the collector could not list (403, a failed call) where the
    service runs, so a check that looks for one of them says ``unknown``, not "absent".
    """
    if inventory is None:
        return None
    wanted = set(locators)
    objects = [o for o in inventory.get("objects", []) if o.get("locator") in wanted]
    if not objects:
        return None
    places = {(o.get("cluster"), o.get("namespace")) for o in objects}
    unlisted = [
        {k: error.get(k) for k in ("cluster", "namespace", "kind", "error")}
        for error in inventory.get("errors", [])
        if error.get("kind")
        and any(
            error.get("cluster") == cluster and error.get("namespace") in (None, namespace)
            for cluster, namespace in places
        )
    ]
    facts = {"schema": 1, "source": "kubernetes", "objects": objects}
    if unlisted:
        facts["unlisted"] = unlisted
    return facts
