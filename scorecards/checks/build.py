"""Checks of factor V, Build, release, run (see catalogue/build.yaml for metadata and remediation).

Build, release and run are separate stages: a CI pipeline builds, deployment is code, releases
are immutable (pinned images, published Lambda versions) and the run stage only starts the app.
"""

from __future__ import annotations

import posixpath
import re

from scorecards.checks import charts, live_aws, live_k8s
from scorecards.checks import deployables as d
from scorecards.checks.context import CheckContext
from scorecards.checks.registry import check
from scorecards.checks.results import Evidence, Outcome

# --- build.ci-pipeline ----------------------------------------------------------------------

_CI_PATHS = re.compile(
    r"(^|/)(Jenkinsfile[^/]*|\.gitlab-ci\.ya?ml|\.travis\.ya?ml|bitbucket-pipelines\.ya?ml|"
    r"azure-pipelines[^/]*\.ya?ml|(?:[\w-]+\.)*cloudbuild[^/]*\.(ya?ml|json)|buildspec[^/]*\.ya?ml|"
    r"\.drone\.ya?ml|\.woodpecker\.ya?ml|appveyor\.ya?ml|codefresh\.ya?ml|\.cirrus\.ya?ml|"
    # AWS Amplify builds and deploys every push from its build spec.
    r"amplify\.ya?ml)$"
    r"|^\.(buildkite|semaphore|tekton|woodpecker|circleci)/"
    r"|^\.github/workflows/[^/]+\.ya?ml$"
)
# Actions that only tend the repository (issues, labels, release notes), never build or test.
_HOUSEKEEPING_ACTIONS = re.compile(
    r"^(actions/(stale|labeler|first-interaction|add-to-project|checkout|github-script)|"
    r"release-drafter/|dessant/|peter-evans/(create-or-update-comment|find-comment)|"
    r"amannn/action-semantic-pull-request|github/issue-labeler|kentaro-m/auto-assign|"
    r"actions-ecosystem/|codelytv/pr-size-labeler|dependabot/fetch-metadata|wow-actions/|"
    r"mheap/|pascalgn/|thollander/|marocchino/sticky-pull-request-comment|"
    r"eps1lon/actions-label-merge-conflict|tiangolo/issue-manager|boring-cyborg|"
    r"actions/(welcome|assign)|toshimaru/auto-author-assign|srvaroa/labeler)",
    re.IGNORECASE,
)


def _ci_files(ctx: CheckContext) -> list[str]:
    paths = {doc["path"] for doc in d.documents(ctx, "ci")}
    paths |= set(d.has_path(ctx, _CI_PATHS.pattern))
    return sorted(paths)


def _workflow_does_work(document: dict) -> bool:
    """A GitHub workflow with a job that runs commands, a real action or a reusable workflow."""
    if document.get("error"):
        return True  # cannot tell: give the benefit of the doubt
    for _, data in d.iter_docs(document):
        jobs = data.get("jobs") if isinstance(data, dict) else None
        for job in (jobs or {}).values() if isinstance(jobs, dict) else []:
            if not isinstance(job, dict):
                continue
            if job.get("uses"):
                return True
            for step in job.get("steps") or []:
                if not isinstance(step, dict):
                    continue
                if step.get("run"):
                    return True
                uses = str(step.get("uses") or "")
                if uses and not _HOUSEKEEPING_ACTIONS.match(uses):
                    return True
    return False


@check("build.ci-pipeline")
def ci_pipeline(ctx: CheckContext) -> Outcome:
    files = _ci_files(ctx)
    if not files:
        return Outcome.failed("No CI pipeline definition was found in the repository.")
    workflows = {
        doc["path"]: doc
        for doc in d.documents(ctx, "ci")
        if doc["path"].startswith(".github/workflows/")
    }
    working = [p for p in files if p not in workflows or _workflow_does_work(workflows[p])]
    if not working:
        return Outcome.warned(
            f"{len(files)} GitHub workflow(s) only tend the repository (labels, stale issues, "
            "release notes); none builds or tests the code.",
            [ctx.evidence(p, None, "housekeeping workflow") for p in files[:5]],
        )
    return Outcome.passed(
        f"CI is defined in {working[0]}"
        + (f" and {len(working) - 1} more file(s)." if len(working) > 1 else "."),
        [ctx.evidence(p, None, "CI definition") for p in working[:5]],
    )


# --- build.iac ------------------------------------------------------------------------------

_IAC_PATHS = re.compile(
    r"(^|/)(cdk\.json|Pulumi\.ya?ml|fly\.toml|render\.ya?ml|Dockerrun\.aws\.json|"
    r"appspec\.ya?ml|terragrunt\.hcl|samconfig\.toml|serverless\.(ya?ml|json|ts|js)|"
    r"[^/]+\.nomad(\.hcl)?|\.platform\.app\.yaml|[^/]+\.bicep|azuredeploy[^/]*\.json|"
    r"mainTemplate\.json|docker-stack[^/]*\.ya?ml)$|(^|/)\.ebextensions/|(^|/)nomad/[^/]+\.hcl$|"
    r"^copilot/[^/]+/manifest\.ya?ml$|^\.do/(app|deploy\.template)\.ya?ml$"
)
# Heroku's app.json and heroku.yml name buildpacks and add-ons, not the release (decision 4).
_NOT_IAC_PLATFORM = re.compile(r"(^|/)(app\.json|heroku\.yml)$")
# Libraries of infrastructure written in a programming language (CDK, Pulumi, CDKTF).
IAC_LIBRARIES = frozenset({
    "aws-cdk-lib", "aws-cdk.core", "aws-cdk-lib/aws-ecs", "awscdk", "amazon.cdk.lib",
    "software.amazon.awscdk:aws-cdk-lib", "github.com/aws/aws-cdk-go/awscdk/v2",
    "@pulumi/pulumi", "pulumi", "github.com/pulumi/pulumi/sdk/v3", "com.pulumi:pulumi",
    "cdktf", "@cdktf/provider-aws", "constructs",
})  # fmt: skip
# Keys of a compose service's deploy: that only Docker Swarm reads (a stack, not local compose).
_SWARM_KEYS = ("placement", "update_config", "rollback_config", "mode", "endpoint_mode")


def _swarm_stack_services(ctx: CheckContext) -> list[dict]:
    found = []
    for service in d.compose_services(ctx):
        deploy = service["service"].get("deploy")
        named = "stack" in service["path"].rsplit("/", 1)[-1]
        if named or (isinstance(deploy, dict) and any(k in deploy for k in _SWARM_KEYS)):
            found.append(service)
    return found


def _iac_evidence(ctx: CheckContext) -> list[Evidence]:
    found: list[Evidence] = []
    for tf in d.repo(ctx).get("terraform", []):
        if not d.is_non_production_path(tf["path"]) and (tf.get("resources") or tf.get("modules")):
            found.append(ctx.evidence(tf["path"], None, "Terraform"))
    labels = {
        "cloudformation": "CloudFormation/SAM template",
        "serverless": "Serverless Framework",
        "helm_chart": "Helm chart",
        "kustomization": "Kustomize",
        "ecs_task_definition": "ECS task definition",
        "platform": "platform deploy config",
    }
    for category, label in labels.items():
        found += [
            ctx.evidence(doc["path"], None, label)
            for doc in d.documents(ctx, category)
            if not _NOT_IAC_PLATFORM.search(doc["path"])
        ]
    found += [
        ctx.evidence(w["path"], w["line"], f"Kubernetes {w['kind']} {w['name']}")
        for w in d.workloads(ctx)
    ]
    found += [
        ctx.evidence(
            s["path"],
            d.line_of(s["entry"], s["pointer"] + "/deploy"),
            f"Swarm stack service {s['name']}",
        )
        for s in _swarm_stack_services(ctx)
    ]
    found += [
        ctx.evidence(s["path"], s["line"], "infrastructure code")
        for s in d.code_deploy_signals(ctx)
    ]
    found += [
        ctx.evidence(manifest["path"], dep.get("line"), f"infrastructure library {dep['name']}")
        for manifest, dep in d.dependency_hits(ctx, IAC_LIBRARIES)
    ]
    found += [
        ctx.evidence(p, None, "deployment config") for p in d.has_path(ctx, _IAC_PATHS.pattern)
    ]
    unique: dict[str, Evidence] = {}
    for item in found:
        unique.setdefault(item.locator.split(":")[0], item)
    return list(unique.values())


@check("build.iac")
def iac(ctx: CheckContext) -> Outcome:
    evidence = _iac_evidence(ctx)
    if not evidence:
        return Outcome.failed(
            "No deployment definition (Terraform, CloudFormation/SAM, CDK, Pulumi, Bicep, Helm, "
            "Kustomize, k8s manifests, serverless, Nomad, Swarm stack, app platform spec) was "
            "found in the repository; compose files, Heroku app.json and heroku.yml do not "
            "define the release."
        )
    return Outcome.passed(f"Deployment is defined as code ({evidence[0].excerpt}).", evidence[:5])


# --- build.image-tag-immutable --------------------------------------------------------------

# Bounded, and never across another "{{": "{{{{..." or "{{" and 100 KB of spaces stay linear.
_ACTION = re.compile(r"\{\{-?\s*+((?:(?!\{\{).){0,500}?)\s{0,100}-?\}\}")
_PLACEHOLDER = re.compile(r"[${}<>%]|(^|[/:])[A-Z][A-Z0-9_]{2,}($|[/:@])")
# Manifests for local clusters, CI and dev environments: not what production runs.
_DEV_DEPLOY_PATH = re.compile(
    r"(^|/)(dev|develop|development|local|localdev|kind|minikube|docker-desktop|\.github|ci|"
    r"hack|sandbox|tilt)(/|$)|[-_.](dev|local)\.(ya?ml|json)$",
    re.IGNORECASE,
)


def _chart_of(ctx: CheckContext, template_path: str) -> tuple[dict, dict] | None:
    """(default values, Chart.yaml data) of the chart a template belongs to; a sub-chart's values
    include what its parent chart sets for it."""
    folder = charts.chart_of(ctx, template_path)
    if folder is None:
        return None
    return charts.chart_values(ctx, folder), charts.chart_metadata(ctx, folder)


def _helm_value(term: str, values: dict, chart: dict) -> object:
    term = term.strip()
    if len(term) >= 2 and term[0] in "\"'" and term[-1] == term[0]:
        return term[1:-1]
    if term.startswith((".Values.", "$.Values.")):
        node: object = values
        for key in term.split(".Values.", 1)[1].split("."):
            node = node.get(key) if isinstance(node, dict) else None
        return node
    if term == ".Chart.AppVersion":
        return chart.get("appVersion")
    if term == ".Chart.Version":
        return chart.get("version")
    raise ValueError(term)


def _helm_action(expr: str, values: dict, chart: dict) -> str | None:
    """Evaluate `.Values.x | default .Chart.AppVersion`-shaped actions; None when unknowable."""
    stages = [s.strip() for s in expr.split("|")]
    try:
        first = stages[0].split()
        if first[0] == "default" and len(first) == 3:
            value = _helm_value(first[2], values, chart) or _helm_value(first[1], values, chart)
        elif len(first) == 1:
            value = _helm_value(first[0], values, chart)
        else:
            return None
        for stage in stages[1:]:
            words = stage.split()
            if words[0] == "default" and len(words) == 2:
                value = value or _helm_value(words[1], values, chart)
            elif words[0] not in ("quote", "toString", "trim", "squote"):
                return None
    except (ValueError, IndexError):
        return None
    if value in (None, "") or isinstance(value, dict | list):
        return None
    return str(value)


def _resolve_helm_image(ctx: CheckContext, path: str, image: str) -> str | None:
    chart = _chart_of(ctx, path)
    if chart is None:
        return None
    values, chart_data = chart
    parts = []
    last = 0
    for match in _ACTION.finditer(image):
        value = _helm_action(match.group(1), values, chart_data)
        if value is None:
            return None
        parts += [image[last : match.start()], value]
        last = match.end()
    return "".join(parts) + image[last:]


def _kustomize_overrides(ctx: CheckContext) -> tuple[dict[str, dict], list[dict]]:
    """Image overrides by name, and image references the overrides themselves make."""
    overrides: dict[str, dict] = {}
    references = []
    for doc in d.documents(ctx, "kustomization"):
        for entry, data in d.iter_docs(doc):
            images = data.get("images") if isinstance(data, dict) else None
            for i, item in enumerate(images or []):
                if not isinstance(item, dict) or not item.get("name"):
                    continue
                overrides[str(item["name"])] = item
                if item.get("newTag") is not None or item.get("digest"):
                    name = item.get("newName") or item["name"]
                    ref = (
                        f"{name}@{item['digest']}"
                        if item.get("digest")
                        else (f"{name}:{item['newTag']}")
                    )
                    references.append(
                        {
                            "path": doc["path"],
                            "image": ref,
                            "line": d.line_of(entry, f"/images/{i}"),
                        }
                    )
    return overrides, references


def _apply_override(image: str, overrides: dict[str, dict]) -> str:
    name, tag, digest = d.split_image_ref(image)
    item = overrides.get(name)
    if not item:
        return image
    name = item.get("newName") or name
    if item.get("digest"):
        return f"{name}@{item['digest']}"
    tag = item.get("newTag", tag)
    return f"{name}:{tag}" if tag is not None else name


def _image_string(value: object) -> str | None:
    """A literal image, or the template string of a CloudFormation ``Fn::Sub``."""
    if isinstance(value, dict) and "Fn::Sub" in value:
        value = value["Fn::Sub"]
        value = value[0] if isinstance(value, list) and value else value
    return value if isinstance(value, str) else None


def _deploy_image_refs(ctx: CheckContext) -> list[dict]:
    """``{"path","line","image","shown"}`` for every image a deploy manifest references."""
    refs: list[dict] = []
    overrides, kustomize_refs = _kustomize_overrides(ctx)
    for workload in d.workloads(ctx):
        for item in workload["containers"]:
            image = item["container"].get("image")
            if not isinstance(image, str):
                continue
            shown = image
            if workload["templated"] and "{{" in image:
                image = _resolve_helm_image(ctx, workload["path"], image) or image
            refs.append(
                {
                    "path": workload["path"],
                    "image": _apply_override(image, overrides),
                    "line": d.line_of(workload["entry"], item["pointer"] + "/image"),
                    "shown": shown,
                }
            )
    refs += kustomize_refs
    for task in d.ecs_task_definitions(ctx):
        for i, container in enumerate(task["containers"]):
            if isinstance(container, dict):
                image = _image_string(container.get("image") or container.get("Image"))
                refs.append(
                    {
                        "path": task["path"],
                        "image": image,
                        "line": d.line_of(task["entry"], f"{task['pointer']}/{i}"),
                    }
                )
    for res in d.cfn_resources(ctx):
        if res["type"] in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
            code = res["properties"].get("Code")
            image = _image_string(
                res["properties"].get("ImageUri")
                or (code.get("ImageUri") if isinstance(code, dict) else None)
            )
            refs.append(
                {
                    "path": res["path"],
                    "image": image,
                    "line": d.line_of(res["entry"], res["pointer"]),
                }
            )
    for service in d.deploy_compose_services(ctx):
        if service["service"].get("build"):
            continue  # compose builds this image from the repository at deploy time
        refs.append(
            {
                "path": service["path"],
                "image": service["service"].get("image"),
                "line": d.line_of(service["entry"], service["pointer"] + "/image"),
            }
        )
    for task in d.terraform_ecs_tasks(ctx):
        refs += [
            {"path": task["path"], "image": c.get("image"), "line": c.get("line")}
            for c in task["containers"]
        ]
    for signal in d.code_deploy_signals(ctx, "image"):
        detail = signal.get("detail") or {}
        image = detail.get("image") if detail.get("how") == "registry" else None
        refs.append(
            {
                "path": signal["path"],
                "image": image or "«built by the pipeline»",
                "line": signal["line"],
                "built": detail.get("how") == "asset",
            }
        )
    return [r for r in refs if isinstance(r.get("image"), str) and r["image"].strip()]


def _skaffold_images(ctx: CheckContext) -> set[str]:
    """Images Skaffold builds: it replaces them with tagged references at deploy time."""
    names = set()
    for document in d.documents(ctx, "skaffold"):
        for _, data in d.iter_docs(document):
            if not isinstance(data, dict):
                continue
            # Artifacts may be declared per profile (`profiles: [{name: development, build:}]`).
            profiles = [p for p in data.get("profiles") or [] if isinstance(p, dict)]
            for build in [data.get("build")] + [p.get("build") for p in profiles]:
                artifacts = build.get("artifacts") if isinstance(build, dict) else None
                for artifact in artifacts if isinstance(artifacts, list) else []:
                    if isinstance(artifact, dict) and artifact.get("image"):
                        names.add(str(artifact["image"]))
    return names


def _judged_refs(ctx: CheckContext) -> list[dict]:
    """Image references of production deploy manifests, each with ``verdict`` and ``why``.

    An image the pipeline builds or substitutes (Skaffold artifact, CDK asset, ``${TAG}``,
    an unresolved chart value) passes; a literal moving tag is judged even behind a variable
    registry (``${REGISTRY}/app:latest``).
    """
    built_by_skaffold = _skaffold_images(ctx)
    judged = []
    for ref in _deploy_image_refs(ctx):
        if _DEV_DEPLOY_PATH.search(ref["path"]):
            continue
        name, tag, digest = d.split_image_ref(ref["image"])
        verdict, why = d.tag_verdict(tag, digest, name)
        if ref.get("built") or name in built_by_skaffold or ref["image"].startswith("ko://"):
            verdict, why = "pass", "built and tagged by the pipeline"
        elif _PLACEHOLDER.search(ref["image"]) and verdict != "fail":
            verdict, why = "pass", "tag substituted by the pipeline at deploy time"
        elif _PLACEHOLDER.search(ref["image"]) and tag is None:
            verdict, why = "pass", "reference substituted by the pipeline at deploy time"
        judged.append({**ref, "verdict": verdict, "why": why})
    return judged


def _live_image_tag_immutable(ctx: CheckContext) -> Outcome:
    """The images running workloads (init containers included) were started from."""
    refs = [
        (workload, item)
        for workload in live_k8s.workloads(ctx)
        for item in workload["containers"]
        if isinstance(item["container"].get("image"), str)
    ]
    if not refs:
        return live_k8s.not_found("container image")
    bad = []
    for workload, item in refs:
        image = item["container"]["image"]
        _, tag, digest = d.split_image_ref(image)
        if not digest and tag in (None, "latest"):
            bad.append(
                live_k8s.evidence(
                    ctx, workload, f"{item['pointer']}/image", f"{workload['kind']} runs {image}"
                )
            )
    if bad:
        return Outcome.failed(
            f"{len(bad)} of {len(refs)} running containers use `latest` or no tag.", bad[:5]
        )
    return Outcome.passed(
        f"{len(refs)} running containers; all use a fixed tag or a digest.",
        [
            live_k8s.evidence(ctx, w, f"{i['pointer']}/image", f"image: {i['container']['image']}")
            for w, i in refs[:5]
        ],
    )


def _aws_image_tag_immutable(ctx: CheckContext) -> Outcome:
    """Images of the live ECS task definitions (sidecars included)."""
    items = live_aws.containers(ctx)
    if not items:
        return live_aws.not_found("ECS container")
    good, bad = [], []
    for item in items:
        image = str(item["container"].get("image") or "")
        _, tag, digest = d.split_image_ref(image)
        pointer = f"{item['pointer']}/image"
        found = live_aws.evidence(item["service"], pointer, f"{item['name']}: image {image}")
        (bad if not digest and tag in (None, "latest") else good).append(found)
    if bad:
        return Outcome.failed(
            f"{len(bad)} of {len(items)} live ECS containers run `latest` or an untagged image.",
            bad[:5],
        )
    return Outcome.passed(
        f"{len(items)} live ECS container image(s); all use a fixed tag or digest.", good[:5]
    )


@check("build.image-tag-immutable")
@live_k8s.with_kubernetes(_live_image_tag_immutable, policy="worst")
@live_aws.with_aws(_aws_image_tag_immutable, policy="worst")
def image_tag_immutable(ctx: CheckContext) -> Outcome:
    checked = _judged_refs(ctx)
    if not checked:
        return Outcome.unknown(
            "No deploy manifest in the repository names a concrete image; the live workloads "
            "are needed to see the tags."
        )

    def evidence(ref: dict) -> Evidence:
        if ref["verdict"] == "pass":
            return ctx.evidence(ref["path"], ref["line"], f"image: {ref['image']}")
        shown = ref.get("shown") or ref["image"]
        note = f" → {ref['image']}" if shown != ref["image"] else ""
        return ctx.evidence(ref["path"], ref["line"], f"image: {shown}{note} ({ref['why']})")

    bad = [evidence(r) for r in checked if r["verdict"] == "fail"]
    moving = [evidence(r) for r in checked if r["verdict"] == "warn"]
    if bad:
        return Outcome.failed(
            f"{len(bad)} of {len(checked)} deployed images use `latest`, no tag or a moving "
            "line (`*-latest`, stable, main, nightly...).",
            (bad + moving)[:5],
        )
    if moving:
        return Outcome.warned(
            f"{len(moving)} of {len(checked)} deployed images use a variant or partial version "
            "tag (`alpine`, `8`, `20-slim`) that changes under the same name.",
            moving[:5],
        )
    return Outcome.passed(
        f"{len(checked)} image references in deploy manifests; all use a full version, a "
        "digest, a commit sha or a pipeline-built tag.",
        [evidence(r) for r in sorted(checked, key=lambda r: "pipeline" in r["why"])][:5],
    )


# --- build.no-build-at-runtime --------------------------------------------------------------

_START = r"(?:^|[;&|(]\s*|\bexec\s+|\bnpx\s+|\bsudo\s+)"
BUILD_AT_START = re.compile(
    r"\b(?:pip3?|python3?\s+-m\s+pip|uv\s+pip)\s+install\b"
    r"|\bpoetry\s+install\b|\bpipenv\s+install\b|\buv\s+sync\b"
    r"|\bnpm\s+(?:install|ci|i)\b|\bpnpm\s+(?:install|i)\b|\byarn\s+install\b"
    r"|" + _START + r"yarn\s*(?:$|[;&|)])"
    r"|\b(?:bundle|composer)\s+install\b"
    r"|\bgo\s+(?:build|run)\b|\bcargo\s+(?:build|run)\b"
    r"|\bmvnw?\s+(?:[-\w.=]+\s+)*(?:package|install|compile|spring-boot:run)\b"
    r"|\bgradlew?\s+(?:[-\w.=]+\s+)*(?:build|bootRun|assemble|run)\b"
    r"|\bdotnet\s+(?:build|run|publish)\b"
    r"|\bnpm\s+run\s+build\b|\byarn\s+(?:run\s+)?build\b|\bpnpm\s+(?:run\s+)?build\b"
    r"|" + _START + r"(?:tsc|webpack)\b"
    r"|\bmix\s+(?:compile|deps\.get)\b"
    r"|\bsetup\.py\s+(?:install|develop|build)\b",
    re.MULTILINE,
)


def _command_text(instruction: dict) -> str:
    if instruction.get("exec_form") and instruction.get("argv"):
        return " ".join(str(a) for a in instruction["argv"])
    return str(instruction.get("value") or "")


def _dockerfile_start_commands(ctx: CheckContext) -> list[dict]:
    """CMD/ENTRYPOINT of the final stage of every production Dockerfile."""
    commands = []
    for dockerfile in d.production_dockerfiles(ctx):
        instructions = dockerfile.get("instructions") or []
        if not instructions:
            continue
        final = max(i.get("stage", 0) for i in instructions)
        for instruction in instructions:
            if instruction.get("stage", 0) == final and instruction.get("instruction") in (
                "CMD",
                "ENTRYPOINT",
            ):
                commands.append(
                    {
                        "path": dockerfile["path"],
                        "line": instruction.get("line"),
                        "text": _command_text(instruction),
                        "label": instruction["instruction"],
                    }
                )
    return commands


def _k8s_start_commands(ctx: CheckContext) -> list[dict]:
    """Container ``command`` and ``args`` joined, as the container runs them."""
    commands = []
    for workload in d.workloads(ctx):
        for item in workload["containers"]:
            container = item["container"]
            keys = [
                k
                for k in ("command", "args")
                if isinstance(container.get(k), list) and container[k]
            ]
            if keys:
                words = [str(v) for k in keys for v in container[k]]
                commands.append(
                    {
                        "path": workload["path"],
                        "line": d.line_of(workload["entry"], f"{item['pointer']}/{keys[0]}"),
                        "text": " ".join(words),
                        "label": "/".join(keys),
                    }
                )
    return commands


def _procfile_start_commands(ctx: CheckContext) -> list[dict]:
    return [
        {
            "path": p["path"],
            "line": p.get("line"),
            "text": str(p.get("command") or ""),
            "label": p.get("type", ""),
        }
        for p in d.procfile_processes(ctx)
        if p.get("type") != "release"
    ]


def _platform_start_commands(ctx: CheckContext) -> list[dict]:
    """Start commands of app platform specs (render ``startCommand``, DO ``run_command``...);
    their build commands run before the release, so they are not read here."""
    from scorecards.checks import platforms

    return [
        {"path": c["path"], "line": c["line"], "text": c["command"], "label": c["process"] or ""}
        for c in platforms.platform_start_commands(ctx)
    ]


def start_commands(ctx: CheckContext) -> list[dict]:
    """Every start command the repository shows: ``{"path","line","text","label"}``."""
    return ctx.memo(
        "build.start_commands",
        lambda: (
            _dockerfile_start_commands(ctx)
            + _k8s_start_commands(ctx)
            + _procfile_start_commands(ctx)
            + _platform_start_commands(ctx)
        ),
    )


def _entrypoint_script_lines(ctx: CheckContext, commands: list[dict]) -> list[dict]:
    """Collected lines of the scripts that start commands run, matched by file name."""
    names = {
        posixpath.basename(token)
        for command in commands
        for token in re.findall(r"[\w./-]+", command["text"])
        if token.endswith((".sh", ".bash")) or "/" in token or "entrypoint" in token
    }
    names.discard("")
    lines = []
    for script in d.repo(ctx).get("scripts", []):
        if posixpath.basename(script["path"]) in names and not d.is_non_production_path(
            script["path"]
        ):
            lines += [
                {"path": script["path"], "line": ln["line"], "text": ln["text"], "label": "script"}
                for ln in script.get("lines", [])
            ]
    return lines


def _live_no_build_at_runtime(ctx: CheckContext) -> Outcome:
    """Container ``command``/``args`` of running workloads."""
    view = live_k8s.view(ctx)
    commands = _k8s_start_commands(view)
    if not commands:
        if live_k8s.workloads(ctx):
            return Outcome.unknown(
                "Running containers use their image's own start command, which the cluster "
                "does not show."
            )
        return live_k8s.not_found("workload")
    bad = [c for c in commands if BUILD_AT_START.search(c["text"])]
    if bad:
        return Outcome.failed(
            f"{len(bad)} running container command(s) install dependencies or compile at start-up.",
            [view.evidence(c["path"], c["line"], f"{c['label']}: {c['text']}") for c in bad[:5]],
        )
    return Outcome.passed(
        f"{len(commands)} running container command(s) checked; none installs or compiles.",
        [view.evidence(c["path"], c["line"], f"{c['label']}: {c['text']}") for c in commands[:5]],
    )


@check("build.no-build-at-runtime")
@live_k8s.with_kubernetes(_live_no_build_at_runtime, policy="worst")
def no_build_at_runtime(ctx: CheckContext) -> Outcome:
    commands = start_commands(ctx)
    if not commands:
        return Outcome.unknown(
            "No start command is visible in the repository (CMD, "
            "ENTRYPOINT, k8s command/args or Procfile)."
        )
    candidates = commands + _entrypoint_script_lines(ctx, commands)
    bad, seen = [], set()
    for command in candidates:
        key = (command["path"], command["line"])
        if key not in seen and BUILD_AT_START.search(command["text"]):
            seen.add(key)
            bad.append(
                ctx.evidence(
                    command["path"], command["line"], f"{command['label']}: {command['text']}"
                )
            )
    if bad:
        return Outcome.failed(
            f"{len(bad)} start command(s) install dependencies or compile at start-up.", bad[:5]
        )
    return Outcome.passed(
        f"{len(commands)} start command(s) checked; none installs or compiles.",
        [ctx.evidence(c["path"], c["line"], f"{c['label']}: {c['text']}") for c in commands[:5]],
    )


# --- build.release-versioned ----------------------------------------------------------------


def _cfn_versioned(fn: dict, templates_with_versions: set[int]) -> str | None:
    raw = fn["raw"]
    globals_fn = (raw["template"].get("Globals") or {}).get("Function") or {}
    alias = raw["properties"].get("AutoPublishAlias") or globals_fn.get("AutoPublishAlias")
    if alias:
        return f"AutoPublishAlias: {alias}"
    if id(raw["template"]) in templates_with_versions:
        return "AWS::Lambda::Version/Alias in the template"
    return None


def _function_verdicts(ctx: CheckContext) -> tuple[list[Evidence], list[Evidence]]:
    """(versioned functions, functions invoked only as $LATEST) among decidable ones."""
    templates_with_versions = {
        id(r["template"])
        for r in d.cfn_resources(ctx)
        if r["type"] in ("AWS::Lambda::Version", "AWS::Lambda::Alias")
    }
    tf_alias = bool(d.terraform_resources(ctx, "aws_lambda_alias"))
    good, bad = [], []
    for fn in d.lambda_functions(ctx):
        where = (fn["path"], fn["line"])
        if fn["tool"] in ("sam", "cloudformation"):
            how = _cfn_versioned(fn, templates_with_versions)
            if how:
                good.append(ctx.evidence(*where, f"{fn['name']}: {how}"))
            else:
                bad.append(ctx.evidence(*where, f"{fn['name']}: no AutoPublishAlias or version"))
        elif fn["tool"] == "serverless":
            if fn["raw"]["provider"].get("versionFunctions") is False:
                bad.append(ctx.evidence(*where, f"{fn['name']}: provider.versionFunctions: false"))
            else:
                good.append(ctx.evidence(*where, f"{fn['name']}: serverless publishes versions"))
        elif fn["tool"] == "terraform":
            publish = (fn["raw"].get("attrs") or {}).get("publish")
            if publish is True or str(publish).lower() == "true" or tf_alias:
                good.append(ctx.evidence(*where, f"{fn['name']}: publish/alias"))
    return good, bad


def _aws_release_versioned(ctx: CheckContext) -> Outcome:
    """Live functions with published versions (an alias on ``$LATEST`` versions nothing)."""
    functions = live_aws.functions(ctx)
    if not functions:
        return live_aws.not_found("Lambda function")
    good, bad = [], []
    for fn in functions:
        versions = fn.get("versions") or []
        aliases = ", ".join(f"{a.get('name')}→{a.get('version')}" for a in fn.get("aliases") or [])
        if versions:
            note = f"; aliases {aliases}" if aliases else ""
            excerpt = f"{fn['name']}: {len(versions)} published version(s){note}"
            good.append(live_aws.evidence(fn, "/versions", excerpt))
        else:
            note = f" (aliases {aliases})" if aliases else ""
            bad.append(live_aws.evidence(fn, "/versions", f"{fn['name']}: only $LATEST{note}"))
    if bad and not good:
        return Outcome.failed(
            f"{len(bad)} live Lambda function(s) have no published version: only $LATEST runs.",
            bad[:5],
        )
    if bad:
        return Outcome.warned(
            f"{len(good)} live Lambda function(s) publish versions; {len(bad)} only run $LATEST.",
            bad[:5],
        )
    return Outcome.passed(f"{len(good)} live Lambda function(s) run published versions.", good[:5])


@check("build.release-versioned")
@live_aws.with_aws(_aws_release_versioned, policy="worst")
def release_versioned(ctx: CheckContext) -> Outcome:
    if not d.lambda_functions(ctx):
        return Outcome.unknown(
            "No Lambda function is declared in the repository; live AWS data "
            "is needed to see its versions and aliases."
        )
    good, bad = _function_verdicts(ctx)
    if bad and not good:
        return Outcome.failed(
            f"{len(bad)} Lambda function(s) are deployed only as $LATEST.", bad[:5]
        )
    if bad:
        return Outcome.warned(
            f"{len(good)} Lambda function(s) publish versions; {len(bad)} only run $LATEST.",
            bad[:5],
        )
    if not good:
        return Outcome.unknown(
            "The Lambda functions' versioning is not visible in the "
            "repository (Terraform without publish or an alias)."
        )
    return Outcome.passed(f"{len(good)} Lambda function(s) publish versions or aliases.", good[:5])
