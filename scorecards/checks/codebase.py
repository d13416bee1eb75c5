"""Checks of factor I, Codebase (see catalogue/codebase.yaml for their metadata and remediation).

Only repository facts are ingested for now, so the checks decide what the repository shows:
that it is version-controlled, how many deployable units it holds, and whether the artifacts it
builds record the commit they came from.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from scorecards.checks import deployables as d
from scorecards.checks import live_aws, live_k8s
from scorecards.checks.context import CheckContext
from scorecards.checks.registry import check
from scorecards.checks.results import Evidence, Outcome

# --- codebase.vcs ---------------------------------------------------------------------------

_VCS_MARKER_PATHS = (".gitignore", ".gitattributes", ".gitmodules", ".hgignore")


def _vcs_markers(ctx: CheckContext) -> list[str]:
    vcs = d.repo(ctx).get("vcs") or {}
    markers = [str(m) for m in vcs.get("markers") or []]
    if vcs.get("git") and ".git" not in markers:
        markers.insert(0, ".git")
    paths = d.paths(ctx)
    markers += [p for p in _VCS_MARKER_PATHS if p in paths and p not in markers]
    if not {".github", ".github/"} & set(markers) and any(p.startswith(".github/") for p in paths):
        markers.append(".github/")
    return markers


def _live_source_evidence(ctx: CheckContext) -> list[Evidence]:
    return [
        live_k8s.evidence(ctx, s["workload"], s["pointer"], f"{s['key']}: {s['repository']}")
        for s in live_k8s.source_repositories(ctx)
    ]


def _live_vcs(ctx: CheckContext) -> Outcome:
    """Running workloads that name the repository they are built from."""
    found = live_k8s.source_repositories(ctx)
    if not found:
        return Outcome.unknown(
            "Running workloads name no source repository (annotation or label); the "
            "repository scan decides."
        )
    names = ", ".join(sorted({s["repository"] for s in found}))
    return Outcome.passed(
        f"Running workloads name their source repository ({names}).",
        _live_source_evidence(ctx)[:5],
    )


def _aws_source_evidence(ctx: CheckContext) -> list[Evidence]:
    return [
        live_aws.evidence(s["resource"], s["pointer"], f"{s['key']}: {s['repository']}")
        for s in live_aws.source_repositories(ctx)
    ]


def _aws_vcs(ctx: CheckContext) -> Outcome:
    """Live resources whose tags or image labels name the repository they come from."""
    found = live_aws.source_repositories(ctx)
    if not found:
        return Outcome.unknown(
            "The live AWS resources name no source repository (tag or image label); the "
            "repository scan decides."
        )
    names = ", ".join(sorted({s["repository"] for s in found}))
    return Outcome.passed(
        f"Live AWS resources name their source repository ({names}).",
        _aws_source_evidence(ctx)[:5],
    )


@check("codebase.vcs")
@live_k8s.with_kubernetes(_live_vcs, policy="best")
@live_aws.with_aws(_aws_vcs, policy="best")
def vcs(ctx: CheckContext) -> Outcome:
    markers = _vcs_markers(ctx)
    if not markers:
        return Outcome.unknown(
            "No sign of version control (.git, .gitignore, .github/) was found in the scanned tree."
        )
    evidence = [ctx.evidence(m, None, "version-control marker") for m in markers[:3]]
    return Outcome.passed(
        f"The service's code lives in a version-controlled repository ({markers[0]}).", evidence
    )


# --- codebase.one-repo-per-app --------------------------------------------------------------

# Folders that hold packaging files for the code around them, not an app of their own.
_PACKAGING_DIRS = frozenset(
    [
        "docker",
        ".docker",
        "dockerfiles",
        "deploy",
        "deployment",
        "deployments",
        "infra",
        "infrastructure",
        "ops",
        ".ops",
        "build",
        "ci",
        ".ci",
        "containers",
        "images",
        "scripts",
        "packaging",
        "dist",
        ".devops",
        "devops",
        "etc",
        "config",
        "conf",
        ".github",
        ".gitlab",
        ".circleci",
        "tools",
        "hack",
    ]
)
_LAMBDA_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")


def _app_root(path: str) -> str:
    """Directory of the app a deploy file belongs to ('' is the repository root)."""
    parts = posixpath.dirname(path).split("/") if "/" in path else []
    for i, part in enumerate(parts):
        if part.lower() in _PACKAGING_DIRS:
            return "/".join(parts[:i])
    return "/".join(parts)


def _is_under(path: str, root: str) -> bool:
    return root == "" or path == root or path.startswith(root + "/")


def _deploy_files(ctx: CheckContext) -> list[str]:
    """Files that make a directory a deployable app: Dockerfile, Procfile, serverless, SAM/CFN."""
    files = [f["path"] for f in d.production_dockerfiles(ctx)]
    files += [
        p["path"]
        for p in d.repo(ctx).get("procfiles", [])
        if not d.is_non_production_path(p["path"])
    ]
    files += [doc["path"] for doc in d.documents(ctx, "serverless")]
    files += [r["path"] for r in d.cfn_resources(ctx) if r["type"] in _LAMBDA_TYPES]
    return sorted(set(files))


def app_roots(ctx: CheckContext) -> dict[str, str]:
    """Deployable app roots (nested roots folded into the outer one) -> one file that shows it."""
    found: dict[str, str] = {}
    for path in _deploy_files(ctx):
        found.setdefault(_app_root(path), path)
    roots = sorted(found, key=lambda r: (r.count("/"), r) if r else (-1, r))
    kept: dict[str, str] = {}
    for root in roots:
        if not any(_is_under(root, outer) for outer in kept):
            kept[root] = found[root]
    return kept


def _catalog_components(ctx: CheckContext) -> list[tuple[str, int | None, str]]:
    components = []
    for document in d.documents(ctx, "catalog", production_only=False):
        for entry, data in d.iter_docs(document):
            if isinstance(data, dict) and str(data.get("kind", "")).lower() == "component":
                name = str((data.get("metadata") or {}).get("name") or "")
                components.append((document["path"], entry.get("line"), name))
    return components


def _live_one_repo_per_app(ctx: CheckContext) -> Outcome:
    """The repositories the running workloads of this service name."""
    repositories = sorted({s["repository"] for s in live_k8s.source_repositories(ctx)})
    if not repositories:
        return Outcome.unknown("Running workloads name no source repository.")
    if len(repositories) > 1:
        return Outcome.warned(
            f"The running workloads of this service come from {len(repositories)} "
            f"repositories ({', '.join(repositories)[:120]}).",
            _live_source_evidence(ctx)[:5],
        )
    return Outcome.passed(
        f"Every running workload that names its source names {repositories[0]}.",
        _live_source_evidence(ctx)[:5],
    )


def _aws_one_repo_per_app(ctx: CheckContext) -> Outcome:
    """The repositories the live resources of this service name."""
    repositories = sorted({s["repository"] for s in live_aws.source_repositories(ctx)})
    if not repositories:
        return Outcome.unknown("The live AWS resources name no source repository.")
    if len(repositories) > 1:
        return Outcome.warned(
            f"The live AWS resources of this service come from {len(repositories)} "
            f"repositories ({', '.join(repositories)[:120]}).",
            _aws_source_evidence(ctx)[:5],
        )
    return Outcome.passed(
        f"Every live AWS resource that names its source names {repositories[0]}.",
        _aws_source_evidence(ctx)[:5],
    )


@check("codebase.one-repo-per-app")
@live_k8s.with_kubernetes(_live_one_repo_per_app, policy="worst")
@live_aws.with_aws(_aws_one_repo_per_app, policy="worst")
def one_repo_per_app(ctx: CheckContext) -> Outcome:
    roots = app_roots(ctx)
    evidence = [
        ctx.evidence(path, None, f"app root: {root or '.'}") for root, path in roots.items()
    ]
    if len(roots) <= 1:
        return Outcome.passed("The repository holds one codebase for one deployable app.", evidence)
    components = _catalog_components(ctx)
    if len(components) >= 2:
        return Outcome.passed(
            f"{len(roots)} deployable units, and catalog-info.yaml declares "
            f"{len(components)} components.",
            [ctx.evidence(p, line, f"kind: Component {name}") for p, line, name in components[:5]],
        )
    return Outcome.warned(
        f"{len(roots)} deployable units, not declared in catalog-info.yaml.", evidence[:5]
    )


# --- codebase.deploys-traceable -------------------------------------------------------------

_COMMIT_REF = re.compile(
    r"\$\{\{\s*github\.(sha|event\.after|event\.pull_request\.head\.sha)\s*\}\}"
    r"|\$\{?(?:env\.)?(GITHUB_SHA|CI_COMMIT_SHA|CI_COMMIT_SHORT_SHA|BUILDKITE_COMMIT|CIRCLE_SHA1|"
    r"BITBUCKET_COMMIT|GIT_COMMIT|CODEBUILD_RESOLVED_SOURCE_VERSION|COMMIT_SHA|SHORT_SHA|"
    r"DRONE_COMMIT_SHA|TRAVIS_COMMIT|BUILD_SOURCEVERSION)\b"
    r"|\$\(\s*git\s+rev-parse|`git rev-parse|\$\(Build\.SourceVersion\)|\$\{git:sha1\}",
)
_IMAGE_CONTEXT = re.compile(
    r"docker\s+(buildx\s+)?(build|tag|push)|podman\s+(build|tag|push)|buildah|kaniko|"
    r"\bimage\b|(^|\s)(-t|--tag|--label)[\s=]|ko\s+(build|publish)|jib|crane\s|skopeo|"
    r"\b\w*(image|tag)\w*\s*[=:]",
    re.IGNORECASE,
)
_IMAGE_KEY = re.compile(r"tag|image|label|version|revision", re.IGNORECASE)
_METADATA_ACTION = re.compile(r"^docker/metadata-action@", re.IGNORECASE)
_REVISION_LABEL = re.compile(
    r"org\.opencontainers\.image\.revision|org\.label-schema\.vcs-ref", re.IGNORECASE
)
_COMMIT_WORD = re.compile(r"commit|git[-_.]?sha|revision|vcs[-_.]?ref|\bsha\b", re.IGNORECASE)


def _walk_strings(value: object, pointer: str = "") -> Iterator[tuple[str, str]]:
    """Every string inside a parsed document with its JSON pointer."""
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk_strings(item, f"{pointer}/{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk_strings(item, f"{pointer}/{i}")


def _ci_commit_tags(ctx: CheckContext) -> list[Evidence]:
    """CI steps that tag or label images with the commit, or use docker/metadata-action."""
    found = []
    for document in d.documents(ctx, "ci"):
        for entry, data in d.iter_docs(document):
            for pointer, text in _walk_strings(data):
                line = d.line_of(entry, pointer)
                if pointer.endswith("/uses") and _METADATA_ACTION.match(text.strip()):
                    found.append(ctx.evidence(document["path"], line, f"uses: {text.strip()}"))
                    continue
                key = pointer.rsplit("/", 1)[-1]
                # Judge each line of a script on its own: a sha on one line and `-t` on
                # another line of the same step are not an image tagged with the commit.
                for text_line in text.splitlines():
                    if _COMMIT_REF.search(text_line) and (
                        _IMAGE_KEY.search(key) or _IMAGE_CONTEXT.search(text_line)
                    ):
                        found.append(ctx.evidence(document["path"], line, text_line.strip()))
    return found


def _script_commit_tags(ctx: CheckContext) -> list[Evidence]:
    """Shell scripts, Makefiles and Jenkinsfiles that build or push images under the commit."""
    found = []
    for script in d.repo(ctx).get("scripts", []):
        if d.is_non_production_path(script["path"]):
            continue
        for line in script.get("lines", []):
            text = str(line.get("text", ""))
            if _COMMIT_REF.search(text) and _IMAGE_CONTEXT.search(text):
                found.append(ctx.evidence(script["path"], line.get("line"), text))
    return found


def _dockerfile_revision_labels(ctx: CheckContext) -> list[Evidence]:
    return [
        ctx.evidence(f["path"], i["line"], f"LABEL {i['value']}")
        for f in d.production_dockerfiles(ctx)
        for i in f.get("instructions", [])
        if i.get("instruction") == "LABEL" and _REVISION_LABEL.search(str(i.get("value", "")))
    ]


def _k8s_commit_annotations(ctx: CheckContext) -> list[Evidence]:
    found = []
    for workload in d.workloads(ctx):
        obj = workload["object"]
        template_meta = ((obj.get("spec") or {}).get("template") or {}).get("metadata") or {}
        for pointer, meta in (
            ("/metadata", obj.get("metadata") or {}),
            ("/spec/template/metadata", template_meta),
        ):
            for field in ("annotations", "labels"):
                for key, value in (meta.get(field) or {}).items():
                    if _COMMIT_WORD.search(str(key)):
                        line = d.line_of(workload["entry"], f"{pointer}/{field}/{key}")
                        found.append(ctx.evidence(workload["path"], line, f"{key}: {value}"))
    return found


# Bounded, and never across the next "$": "${${${..." must not make each start scan the line.
_COMMIT_VARIABLE = re.compile(r"(\$\{|'Ref': ')[^}'$]{0,200}?(commit|sha|revision)", re.IGNORECASE)


def _carries_commit(value: object) -> bool:
    """A tag named like a commit, or a description filled from a commit variable.

    Plain words are not enough: "Handles commit webhooks" describes a function, not a release.
    """
    if isinstance(value, dict) and any(_COMMIT_WORD.search(str(key)) for key in value):
        return True
    text = str(value)
    return bool(_COMMIT_REF.search(text) or _COMMIT_VARIABLE.search(text))


def _lambda_commit_refs(ctx: CheckContext) -> list[Evidence]:
    """SAM/CFN/serverless function descriptions or tags that carry a commit reference."""
    found = []
    for fn in d.lambda_functions(ctx):
        raw = fn["raw"]
        if fn["tool"] in ("sam", "cloudformation"):
            props = raw["properties"]
            globals_fn = (raw["template"].get("Globals") or {}).get("Function") or {}
            fields = {k: props.get(k) or globals_fn.get(k) for k in ("Description", "Tags")}
            fields["VersionDescription"] = props.get("VersionDescription") or globals_fn.get(
                "VersionDescription"
            )
        elif fn["tool"] == "serverless":
            fields = {
                "description": raw["function"].get("description"),
                "tags": raw["function"].get("tags"),
                "provider.tags": raw["provider"].get("tags"),
                "provider.stackTags": raw["provider"].get("stackTags"),
            }
        else:
            attrs = raw.get("attrs") or {}
            fields = {"description": attrs.get("description"), "tags": attrs.get("tags")}
        for name, value in fields.items():
            if value and _carries_commit(value):
                found.append(ctx.evidence(fn["path"], fn["line"], f"{fn['name']} {name}: {value}"))
                break
    return found


_PUSH_TAGS = re.compile(r"docker\s+push\s+(?:--\S+\s+)*([^\s;&|]+)")
_BUILD_TAGS = re.compile(r"(?:^|\s)(?:-t|--tag)[\s=]+([^\s;&|]+)")


def _fixed_image_pushes(ctx: CheckContext) -> tuple[list[Evidence], bool]:
    """(pushes of literal image references, whether any push uses a variable reference)."""
    fixed, variable = [], False
    for document in d.documents(ctx, "ci"):
        for entry, data in d.iter_docs(document):
            for pointer, text in _walk_strings(data):
                refs = _PUSH_TAGS.findall(text)
                if pointer.endswith("/with/tags"):
                    refs += [r for r in re.split(r"[\s,]+", text) if r]
                elif "docker push" in text or "--push" in text:
                    refs += _BUILD_TAGS.findall(text)
                for ref in dict.fromkeys(refs):
                    if re.search(r"[$%{]", ref):
                        variable = True
                    else:
                        line = d.line_of(entry, pointer)
                        fixed.append(ctx.evidence(document["path"], line, f"pushes {ref}"))
    return fixed, variable


# A commit SHA: 7 to 40 hex digits with at least one letter (plain numbers are build ids).
_SHA = r"(?=[0-9]*[a-f])[0-9a-f]{7,40}"
_COMMIT_TAG = re.compile(rf"(?i)^(?:(?:sha|git|commit|g)[-_.]?)?{_SHA}$|[-_.+](?:g|sha-?)?{_SHA}$")
_COMMIT_VALUE = re.compile(rf"(?i)^{_SHA}$")
# Annotations the cluster itself writes (a rollout revision is a counter, not a commit).
_SYSTEM_KEY = re.compile(r"(?i)^([\w.-]*\.)?(kubernetes\.io|k8s\.io)/")


def _live_commit_marks(ctx: CheckContext) -> list[Evidence]:
    found = []
    for workload in live_k8s.workloads(ctx):
        obj = workload["object"]
        template = ((obj.get("spec") or {}).get("template") or {}).get("metadata") or {}
        for pointer, meta in (
            ("/metadata", obj.get("metadata") or {}),
            ("/spec/template/metadata", template),
        ):
            for field in ("annotations", "labels"):
                for key, value in (meta.get(field) or {}).items():
                    if (
                        _COMMIT_WORD.search(str(key))
                        and not _SYSTEM_KEY.match(str(key))
                        and _COMMIT_VALUE.match(str(value).strip())
                    ):
                        found.append(
                            live_k8s.evidence(
                                ctx,
                                workload,
                                f"{pointer}/{field}/{live_k8s.pointer_token(key)}",
                                f"{key}: {value}",
                            )
                        )
        for item in workload["containers"]:
            image = str(item["container"].get("image") or "")
            _name, tag, _digest = d.split_image_ref(image)
            if tag and _COMMIT_TAG.search(tag):
                found.append(
                    live_k8s.evidence(ctx, workload, f"{item['pointer']}/image", f"image: {image}")
                )
    return found


def _live_deploys_traceable(ctx: CheckContext) -> Outcome:
    """Commit SHAs in live image tags or in workload annotations/labels."""
    found = _live_commit_marks(ctx)
    if found:
        return Outcome.passed(
            "Running workloads record the commit they were built from.", found[:5]
        )
    return Outcome.unknown(
        "No running image tag or workload annotation carries a commit SHA; a version tag may "
        "still be traceable through the release process."
    )


_COMMIT_IN_TEXT = re.compile(rf"(?i)(?:commit|sha|revision|git)\W{{0,3}}{_SHA}\b|^\s*{_SHA}\s*$")


def _aws_commit_marks(ctx: CheckContext) -> list[Evidence]:
    """Commit SHAs in live tags, image labels, image tags or Lambda version descriptions."""
    found = [
        live_aws.evidence(label["resource"], label["pointer"], f"{label['key']}: {label['value']}")
        for label in live_aws.labels(ctx)
        if _COMMIT_WORD.search(label["key"]) and _COMMIT_VALUE.match(label["value"].strip())
    ]
    for item in live_aws.containers(ctx):
        image = str(item["container"].get("image") or "")
        _name, tag, _digest = d.split_image_ref(image)
        if tag and _COMMIT_TAG.search(tag):
            pointer = f"{item['pointer']}/image"
            found.append(live_aws.evidence(item["service"], pointer, f"{item['name']}: {image}"))
    for fn in live_aws.functions(ctx):
        _name, tag, _digest = d.split_image_ref(str(fn.get("image_uri") or ""))
        texts = [
            ("/image_uri", tag or "", _COMMIT_TAG),
            ("/description", fn.get("description"), _COMMIT_IN_TEXT),
        ]
        texts += [
            (f"/versions/{i}/description", v.get("description"), _COMMIT_IN_TEXT)
            for i, v in enumerate(fn.get("versions") or [])
        ]
        for pointer, text, pattern in reversed(texts):  # the newest version first
            if text and pattern.search(str(text)):
                found.append(live_aws.evidence(fn, pointer, f"{fn['name']}: {text}"))
                break
    return found


def _aws_deploys_traceable(ctx: CheckContext) -> Outcome:
    found = _aws_commit_marks(ctx)
    if found:
        return Outcome.passed(
            "Live AWS resources record the commit they were built from.", found[:5]
        )
    return Outcome.unknown(
        "No live image tag, tag, image label or Lambda version description carries a commit "
        "SHA; a version tag may still be traceable through the release process."
    )


@check("codebase.deploys-traceable")
@live_k8s.with_kubernetes(_live_deploys_traceable, policy="best")
@live_aws.with_aws(_aws_deploys_traceable, policy="best")
def deploys_traceable(ctx: CheckContext) -> Outcome:
    evidence = (
        _dockerfile_revision_labels(ctx)
        + _ci_commit_tags(ctx)
        + _script_commit_tags(ctx)
        + _k8s_commit_annotations(ctx)
        + _lambda_commit_refs(ctx)
    )
    if evidence:
        return Outcome.passed("Built artifacts record the commit they came from.", evidence[:5])
    fixed, variable = _fixed_image_pushes(ctx)
    if fixed and not variable:
        return Outcome.failed(
            "CI pushes images only under fixed tags, so a running image cannot be traced to a "
            "commit.",
            fixed[:5],
        )
    return Outcome.unknown(
        "The repository does not show how deployed artifacts record their commit; live "
        "deployment data is needed."
    )
