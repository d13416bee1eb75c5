"""XII. Admin processes: one-off tasks exist apart from web startup and run the app's image."""

from __future__ import annotations

import re

from scorecards.checks import deployables as d
from scorecards.checks import live_k8s
from scorecards.checks.concurrency import LONG_RUNNING_KINDS
from scorecards.checks.context import CheckContext
from scorecards.checks.registry import check
from scorecards.checks.results import Evidence, Outcome

# Files that are admin commands or migrations (path patterns, searched).
ADMIN_PATHS = {
    "Django management command": r"(^|/)management/commands/(?!__init__\.py$)[^/]+\.py$",
    "Django manage.py": r"(^|/)manage\.py$",
    "Rake task": r"(^|/)lib/tasks/[^/]+\.rake$",
    "Laravel artisan command": r"(^|/)app/Console/Commands/[^/]+\.php$",
    "Go admin CLI": r"(^|/)cmd/[^/]*(migrat|admin|cli|tool|seed|job|task|backfill|ctl)[^/]*"
    r"/main\.go$",
}
MIGRATION_PATHS = {
    "Rails migrations": r"(^|/)db/migrate/[^/]+\.rb$",
    "Alembic": r"(^|/)alembic\.ini$|(^|/)migrations/env\.py$",
    "Django migrations": r"(^|/)migrations/\d{4}_[^/]+\.py$",
    "Laravel migrations": r"(^|/)database/migrations/[^/]+\.php$",
    "Flyway": r"(^|/)db/migration/V\d[^/]*__[^/]+\.sql$",
    "Liquibase": r"(^|/)db/changelog/",
    "Prisma migrations": r"(^|/)prisma/migrations/",
}
MIGRATION_COMMAND = re.compile(
    r"\bmanage\.py\s+migrate\b|\bdjango-admin\s+migrate\b|\balembic\s+upgrade\b|"
    r"\bflask\s+db\s+upgrade\b|\bprisma\s+migrate\s+deploy\b|\b(?:rails|rake)\s+db:(?:migrate|prepare)\b|"
    r"\bknex\s+migrate:latest\b|\bsequelize(?:-cli)?\s+db:migrate\b|\btypeorm\b.*\bmigration:run\b|"
    r"\bartisan\s+migrate\b|\bflyway\b.*\bmigrate\b|\bliquibase\b.*\bupdate\b|"
    r"\b(?:npm\s+run|yarn|pnpm)\s+(?:db:)?migrate\b|\bdiesel\s+migration\s+run\b|"
    r"\bmix\s+ecto\.migrate\b|\bgoose\b.*\bup\b"
)
_NPM_ADMIN_SCRIPT = re.compile(r"migrat|seed|^db:", re.IGNORECASE)
_SCHEDULE_EVENT = re.compile(r"^Schedule(V2)?$")


def _path_hits(ctx: CheckContext, patterns: dict[str, str]) -> list[tuple[str, str]]:
    hits = []
    for label, pattern in patterns.items():
        for path in d.has_path(ctx, pattern)[:2]:
            hits.append((label, path))
    return hits


def _release_processes(ctx: CheckContext) -> list[Evidence]:
    """Admin processes apart from the web process: Procfile release, Jobs, Helm hooks."""
    evidence = [
        ctx.evidence(p["path"], p.get("line"), f"release: {p['command']}")
        for p in d.procfile_processes(ctx)
        if p.get("type") == "release"
    ]
    for workload in d.workloads(ctx):
        if workload["kind"] in ("Job", "CronJob"):
            evidence.append(
                ctx.evidence(
                    workload["path"],
                    workload.get("line"),
                    f"kind: {workload['kind']} {workload['name']}",
                )
            )
    for item in d.k8s_objects(ctx):
        annotations = (item["object"].get("metadata") or {}).get("annotations") or {}
        if (
            isinstance(annotations, dict)
            and "helm.sh/hook" in annotations
            and item["object"].get("kind") not in ("Job", "CronJob")
        ):
            evidence.append(ctx.evidence(item["path"], item["line"], "helm.sh/hook"))
    return evidence


def _scheduled_tasks(ctx: CheckContext) -> list[Evidence]:
    evidence = []
    for res in d.cfn_resources(ctx):
        line = d.line_of(res["entry"], res["pointer"])
        if res["type"] in ("AWS::Events::Rule", "AWS::Scheduler::Schedule") and (
            res["properties"].get("Targets") or res["properties"].get("Target")
        ):
            evidence.append(ctx.evidence(res["path"], line, res["type"]))
        events = (
            res["properties"].get("Events") if res["type"] == "AWS::Serverless::Function" else None
        )
        if isinstance(events, dict) and any(
            isinstance(e, dict) and _SCHEDULE_EVENT.match(str(e.get("Type")))
            for e in events.values()
        ):
            evidence.append(ctx.evidence(res["path"], line, f"{res['name']} Schedule event"))
    for fn in d.serverless_functions(ctx):
        events = fn["function"].get("events") or []
        if isinstance(events, list) and any(
            isinstance(e, dict) and "schedule" in e for e in events
        ):
            evidence.append(
                ctx.evidence(
                    fn["path"],
                    d.line_of(fn["entry"], fn["pointer"]),
                    f"{fn['name']} schedule event",
                )
            )
    for kind in ("aws_cloudwatch_event_target", "aws_scheduler_schedule"):
        for res in d.terraform_resources(ctx, kind):
            evidence.append(ctx.evidence(res["path"], res.get("line"), res["type"]))
    return evidence


def _npm_admin_scripts(ctx: CheckContext) -> list[Evidence]:
    evidence = []
    for manifest in d.manifests(ctx):
        scripts = (manifest.get("details") or {}).get("scripts")
        if manifest.get("type") == "package.json" and isinstance(scripts, dict):
            for name in scripts:
                if _NPM_ADMIN_SCRIPT.search(str(name)):
                    evidence.append(
                        ctx.evidence(manifest["path"], None, f"script {name}: {scripts[name]}")
                    )
    return evidence


def _migrations_in_web_start(ctx: CheckContext) -> list[Evidence]:
    """Migrations chained before the server in the web process's start command."""
    evidence = []
    commands = d.start_commands(ctx)
    scripts_with_server = {
        c["path"]
        for c in commands
        if c["origin"] == "script"
        and (d.servers_in_command(c["command"]) or re.match(r"^\s*+exec\s", c["command"]))
    }
    for command in commands:
        text = command["command"]
        if not MIGRATION_COMMAND.search(text):
            continue
        chained = re.search(r"&&|;", text) and (
            d.servers_in_command(text) or re.search(r"(?:&&|;)\s*(?:exec\s+)?\S", text)
        )
        web = (
            (command["origin"] == "procfile" and command["process"] == "web" and chained)
            or (command["origin"] in ("dockerfile", "ecs") and chained)
            or (
                command["origin"] == "k8s"
                and not command.get("init")
                and command.get("workload_kind") in LONG_RUNNING_KINDS
                and chained
            )
            or (command["origin"] == "script" and command["path"] in scripts_with_server)
        )
        if web:
            evidence.append(ctx.evidence(command["path"], command["line"], text))
    return evidence


def _live_one_off(ctx: CheckContext) -> Outcome:
    """Jobs and CronJobs in the cluster; migrations chained into running web containers."""
    jobs = live_k8s.workloads(ctx, "Job", "CronJob")
    if jobs:
        evidence = []
        for job in jobs[:5]:
            commands = [
                live_k8s.container_command(c["container"])
                for c in job["containers"]
                if not c["init"]
            ]
            excerpt = f"{job['kind']} {job['name']}: {commands[0]}" if commands else job["kind"]
            evidence.append(live_k8s.evidence(ctx, job, None, excerpt))
        return Outcome.passed(
            f"Admin tasks run as one-off Kubernetes Jobs/CronJobs ({len(jobs)} found).", evidence
        )
    baked = _migrations_in_web_start(live_k8s.view(ctx))
    if baked:
        return Outcome.warned(
            "Running web containers run migrations in their start command and no Job or "
            "CronJob runs admin tasks.",
            baked[:5],
        )
    return live_k8s.not_found("Job or CronJob")


@check("admin.one-off")
@live_k8s.with_kubernetes(_live_one_off, policy="best")
def one_off(ctx: CheckContext) -> Outcome:
    release = _release_processes(ctx)
    baked = _migrations_in_web_start(ctx)
    if baked and not release:
        return Outcome.warned(
            "Migrations run in the web process's start command, so every "
            "instance runs them at boot.",
            baked[:5],
        )
    admin = [ctx.evidence(path, None, label) for label, path in _path_hits(ctx, ADMIN_PATHS)]
    found = release + _scheduled_tasks(ctx) + admin + _npm_admin_scripts(ctx)
    if found:
        return Outcome.passed(
            "Admin tasks exist as one-off commands, jobs or release processes.", found[:5]
        )
    migrations = _path_hits(ctx, MIGRATION_PATHS)
    if migrations:
        return Outcome.unknown(
            "Migrations exist, but the repository does not show how they run.",
            [ctx.evidence(p, None, label) for label, p in migrations][:3],
        )
    return Outcome.unknown("No admin tasks or migrations were found.")


# Housekeeping images a Job may use without being the app (wait-for, kubectl, psql...).
TOOL_IMAGES = frozenset({
    "busybox", "curl", "kubectl", "alpine", "postgres", "postgresql", "postgresql-client",
    "mysql", "mariadb", "redis", "aws-cli", "cloud-sdk", "google-cloud-cli", "k8s-wait-for",
    "wait-for", "psql", "jq", "ubuntu", "debian", "bash", "git", "mongo", "mc", "helm", "k8s",
    "kubernetes-event-exporter", "amazonlinux",
})  # fmt: skip


def _repository(ctx: CheckContext, workload: dict, image: object) -> str:
    """The image's repository, tag and digest dropped; Helm placeholders filled if possible."""
    if workload["templated"]:
        image = d.resolve_helm(ctx, workload["path"], image)
    name, _tag, _digest = d.split_image_ref(" ".join(str(image).split()))
    return name.lower()


def _images(ctx: CheckContext, workload: dict) -> list[tuple[str, dict]]:
    return [
        (_repository(ctx, workload, c["container"].get("image")), c)
        for c in workload["containers"]
        if not c["init"] and c["container"].get("image")
    ]


def _group(path: str) -> str:
    return path.split("/templates/", 1)[0] if "/templates/" in path else path.rsplit("/", 1)[0]


def _live_same_image(ctx: CheckContext) -> Outcome:
    """Images of running Jobs/CronJobs against the images of the service's web workloads."""
    jobs = live_k8s.workloads(ctx, "Job", "CronJob")
    web = live_k8s.workloads(ctx, *LONG_RUNNING_KINDS)
    if not jobs:
        return live_k8s.not_found("Job or CronJob")
    if not web:
        return Outcome.unknown("Jobs run, but no long-running workload to compare images with.")

    def images(workload: dict) -> list[tuple[str, dict]]:
        return [
            (live_k8s.image_name(c["container"].get("image")), c)
            for c in workload["containers"]
            if not c["init"] and c["container"].get("image")
        ]

    every_web_image = {name for w in web for name, _c in images(w)}
    different, same = [], []
    for job in jobs:
        nearby = {n for w in web if live_k8s.same_namespace(w, job) for n, _c in images(w)}
        candidates = nearby or every_web_image
        for name, c in images(job):
            if name.rsplit("/", 1)[-1] in TOOL_IMAGES:
                continue
            target = same if name in candidates else different
            target.append(
                live_k8s.evidence(
                    ctx, job, f"{c['pointer']}/image", f"{job['kind']}/{job['name']} image {name}"
                )
            )
    if different:
        web_list = ", ".join(sorted(every_web_image))[:80]
        return Outcome.failed(
            f"{len(different)} running job container(s) use another image than the web "
            f"workloads ({web_list}).",
            different[:5],
        )
    if same:
        return Outcome.passed("Running Jobs and CronJobs use the web workload's image.", same[:5])
    return Outcome.unknown("The running Jobs only use housekeeping tool images.")


@check("admin.same-image")
@live_k8s.with_kubernetes(_live_same_image, policy="live")
def same_image(ctx: CheckContext) -> Outcome:
    workloads = d.workloads(ctx)
    jobs = [w for w in workloads if w["kind"] in ("Job", "CronJob")]
    web = [w for w in workloads if w["kind"] in LONG_RUNNING_KINDS]
    if not jobs:
        releases = [p for p in d.procfile_processes(ctx) if p.get("type") == "release"]
        if releases:
            return Outcome.passed(
                "The Procfile release process runs in the app's own slug.",
                [ctx.evidence(p["path"], p.get("line"), p["command"]) for p in releases][:3],
            )
        return Outcome.unknown("No Jobs or CronJobs in the repository.")
    if not web:
        return Outcome.unknown(
            "Jobs exist but no web workload in the repository to compare their image with."
        )
    web_images: dict[str, set[str]] = {}
    for workload in web:
        for repo_name, _c in _images(ctx, workload):
            web_images.setdefault(_group(workload["path"]), set()).add(repo_name)
    every_web_image = set().union(*web_images.values()) if web_images else set()
    different, same = [], []
    for job in jobs:
        candidates = web_images.get(_group(job["path"])) or every_web_image
        for repo_name, c in _images(ctx, job):
            if repo_name.rsplit("/", 1)[-1] in TOOL_IMAGES:
                continue
            line = d.line_of(job["entry"], f"{c['pointer']}/image")
            target = same if repo_name in candidates else different
            target.append(
                ctx.evidence(job["path"], line, f"{job['kind']}/{job['name']} image {repo_name}")
            )
    if different:
        web_list = ", ".join(sorted(every_web_image))[:80]
        return Outcome.failed(
            f"{len(different)} job container(s) run another image than the web "
            f"workload ({web_list}).",
            different[:5],
        )
    if same:
        return Outcome.passed("Jobs and CronJobs run the web workload's image.", same[:5])
    return Outcome.unknown("The Jobs only run housekeeping tool images.")
