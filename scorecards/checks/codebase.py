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


@check("codebase.vcs")
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


@check("codebase.one-repo-per-app")
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


_COMMIT_VARIABLE = re.compile(r"(\$\{|'Ref': ')[^}']*(commit|sha|revision)", re.IGNORECASE)


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


@check("codebase.deploys-traceable")
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
