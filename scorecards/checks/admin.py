"""XII. Admin processes: one-off tasks exist apart from web startup and run the app's image."""

from __future__ import annotations

import re

from scorecards.checks import charts, live_k8s
from scorecards.checks import deployables as d
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
    "Go admin CLI": r"(^|/)cmd/[^/]*(migrat|admin|cli|tool|job|task|backfill|ctl)[^/]*"
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
# Bounded gaps (not `.*`): a long line of repeated tool names must not scan quadratically.
MIGRATION_COMMAND = re.compile(
    r"\bmanage\.py\s+migrate\b|\bdjango-admin\s+migrate\b|\balembic\s+upgrade\b|"
    r"\bflask\s+db\s+upgrade\b|\bprisma\s+migrate\s+deploy\b|\b(?:rails|rake)\s+db:(?:migrate|prepare)\b|"
    r"\bknex\s+migrate:latest\b|\bsequelize(?:-cli)?\s+db:migrate\b|\btypeorm\b[^\n]{0,120}?\bmigration:run\b|"
    r"\bartisan\s+migrate\b|\bflyway\b[^\n]{0,120}?\bmigrate\b|\bliquibase\b[^\n]{0,120}?\bupdate\b|"
    r"\b(?:npm\s+run|yarn|pnpm)\s+(?:db:)?migrate\b|\bdiesel\s+migration\s+run\b|"
    r"\bmix\s+ecto\.migrate\b|\bgoose\b[^\n]{0,120}?\bup\b"
)
# Seeding fills a fresh database for development: not an admin task of production (decision 9).
_NPM_ADMIN_SCRIPT = re.compile(r"migrat|^db:(?!seed)", re.IGNORECASE)
_NPM_START_SCRIPTS = ("start", "start:prod", "start:production", "prod", "serve")
# A one-off step of a CI/CD workflow: a migration, or a management command run in a throwaway
# container (`docker compose run --rm app python manage.py migrate`).
_CI_ONE_OFF = re.compile(
    r"\brun\s+--rm\b[^\n]{0,200}?\b(?:manage\.py|artisan|rake|rails|migrate|alembic|flask|npm|npx|node|bin/|scripts?/|\w\.sh\b)"
    r"|\baws\s+ecs\s+run-task\b|\bkubectl\s+(?:create\s+job|run)\b|\bheroku\s+run\b"
)
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
        if workload["kind"] in ("Job", "CronJob") and charts.not_the_app(ctx, workload) not in (
            "a Helm test hook",
            "a load generator",
        ):
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
            and "test" not in str(annotations["helm.sh/hook"])
            and item["object"].get("kind") not in ("Job", "CronJob")
        ):
            evidence.append(ctx.evidence(item["path"], item["line"], "helm.sh/hook"))
    return evidence + _platform_release_phases(ctx)


# Release phases of platform specs: (file name, JSON pointer, what it is).
_RELEASE_PHASES = (
    ("heroku.yml", "/release", "heroku.yml release phase"),
    ("fly.toml", "/deploy/release_command", "fly.toml release_command"),
)


def _platform_release_phases(ctx: CheckContext) -> list[Evidence]:
    """heroku.yml ``release``, fly.toml ``release_command``, Render ``preDeployCommand``,
    DigitalOcean ``PRE_DEPLOY`` jobs: the platform runs them once per release."""
    evidence = []
    for document in d.documents(ctx, "platform"):
        name = document["path"].rsplit("/", 1)[-1]
        for entry, data in d.iter_docs(document):
            if not isinstance(data, dict):
                continue
            for file_name, pointer, label in _RELEASE_PHASES:
                keys = pointer.strip("/").split("/")
                if name == file_name and d.helm_lookup(data, ".".join(keys)):
                    evidence.append(
                        ctx.evidence(document["path"], d.line_of(entry, pointer), label)
                    )
            for key in ("services", "jobs"):
                for i, unit in enumerate(data.get(key) or []):
                    if not isinstance(unit, dict):
                        continue
                    if unit.get("preDeployCommand") or unit.get("kind") in ("PRE_DEPLOY",):
                        line = d.line_of(entry, f"/{key}/{i}")
                        label = unit.get("preDeployCommand") or f"job {unit.get('name')} PRE_DEPLOY"
                        evidence.append(ctx.evidence(document["path"], line, str(label)))
    return evidence


def _ci_one_offs(ctx: CheckContext) -> list[Evidence]:
    """Migrations and one-off commands run by a CI/CD workflow step."""
    evidence = []
    for document in d.documents(ctx, "ci"):
        for entry, data in d.iter_docs(document):
            for pointer, text in _strings(data, ""):
                if MIGRATION_COMMAND.search(text) or _CI_ONE_OFF.search(text):
                    line = d.line_of(entry, pointer)
                    command = next(
                        (
                            part.strip()
                            for part in text.splitlines()
                            if MIGRATION_COMMAND.search(part) or _CI_ONE_OFF.search(part)
                        ),
                        text,
                    )
                    evidence.append(ctx.evidence(document["path"], line, command))
    return evidence


def _strings(data: object, pointer: str, depth: int = 0) -> list[tuple[str, str]]:
    """(JSON pointer, text) of every string in a parsed document."""
    if depth > 30:
        return []
    if isinstance(data, str):
        return [(pointer, data)]
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else []
    )
    found = []
    for key, value in items:
        found += _strings(value, f"{pointer}/{key}", depth + 1)
    return found


def _scheduled_tasks(ctx: CheckContext) -> list[Evidence]:
    evidence = []
    for res in d.cfn_resources(ctx):
        line = d.line_of(res["entry"], res["pointer"])
        # An event rule without a schedule routes events (log shipping, alerts): not a task.
        if res["type"] in ("AWS::Events::Rule", "AWS::Scheduler::Schedule") and (
            res["properties"].get("ScheduleExpression")
            and (res["properties"].get("Targets") or res["properties"].get("Target"))
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
    for res in d.terraform_resources(ctx, "aws_cloudwatch_event_rule"):
        if (res.get("attrs") or {}).get("schedule_expression"):
            evidence.append(ctx.evidence(res["path"], res.get("line"), "scheduled event rule"))
    for res in d.terraform_resources(ctx, "aws_scheduler_schedule"):
        evidence.append(ctx.evidence(res["path"], res.get("line"), res["type"]))
    return evidence


def _npm_scripts(ctx: CheckContext) -> list[tuple[dict, str, str, int | None]]:
    """(manifest, script name, command, line) of every production package.json script."""
    found = []
    for manifest in d.manifests(ctx):
        details = manifest.get("details") or {}
        scripts, lines = details.get("scripts"), details.get("script_lines") or {}
        if manifest.get("type") == "package.json" and isinstance(scripts, dict):
            for name, command in scripts.items():
                found.append((manifest, str(name), str(command), lines.get(name)))
    return found


def _npm_admin_scripts(ctx: CheckContext) -> list[Evidence]:
    return [
        ctx.evidence(manifest["path"], line, f"script {name}: {command}")
        for manifest, name, command, line in _npm_scripts(ctx)
        if _NPM_ADMIN_SCRIPT.search(name) and name not in _NPM_START_SCRIPTS
    ]


def _migrations_in_start_scripts(ctx: CheckContext) -> list[Evidence]:
    """package.json start scripts that migrate before starting the server
    (``"start": "prisma migrate deploy && node dist/main.js"``)."""
    commands = " ".join(c["command"] for c in d.start_commands(ctx))
    return [
        ctx.evidence(manifest["path"], line, f"{name}: {command}")
        for manifest, name, command, line in _npm_scripts(ctx)
        if (name == "start" or (name in _NPM_START_SCRIPTS and name in commands))
        and MIGRATION_COMMAND.search(command)
        and re.search(r"&&|;", command)
    ]


# Migration tools whose migrations are applied by a command run on purpose (`rails db:migrate`,
# `php artisan migrate`, `prisma migrate deploy`): when nothing runs them at startup, the
# framework's command is the one-off admin process (decision 2: framework knowledge).
FRAMEWORK_MIGRATIONS = {
    "Rails migrations": "rails db:migrate",
    "Alembic": "alembic upgrade head",
    "Django migrations": "manage.py migrate",
    "Laravel migrations": "php artisan migrate",
    "Prisma migrations": "prisma migrate deploy",
}
# Spring Boot applies Flyway/Liquibase migrations from the classpath as the application starts.
_SPRING_MIGRATIONS = r"(^|/)src/main/resources/db/(?:migration/V\d[^/]*__[^/]+\.sql|changelog/)"
_MIGRATING_INIT = re.compile(r"(?i)\bmigrat")


def _framework_migrations(ctx: CheckContext) -> list[Evidence]:
    return [
        ctx.evidence(path, None, f"{label}, applied by `{FRAMEWORK_MIGRATIONS[label]}`")
        for label, path in _path_hits(ctx, MIGRATION_PATHS)
        if label in FRAMEWORK_MIGRATIONS
    ]


def _migrating_scripts(ctx: CheckContext) -> list[Evidence]:
    """Shell scripts that apply migrations: whether one runs once or at every container start
    (an image that runs its `scripts/` folder at boot) the repository alone does not say."""
    return [
        ctx.evidence(script["path"], entry["line"], entry["text"])
        for script in d.repo(ctx).get("scripts", [])
        if not d.is_non_production_path(script["path"])
        for entry in script.get("lines", [])
        if MIGRATION_COMMAND.search(entry["text"])
    ]


def _spring_boot_migrations(ctx: CheckContext) -> list[Evidence]:
    names = d.dependency_names(ctx)
    if not any("spring-boot" in n for n in names):
        return []
    if not any("flyway" in n or "liquibase" in n for n in names):
        return []
    return [
        ctx.evidence(path, None, "Spring Boot runs Flyway/Liquibase migrations at startup")
        for path in d.has_path(ctx, _SPRING_MIGRATIONS)[:1]
    ]


def _migrating_init_containers(ctx: CheckContext) -> list[Evidence]:
    """An init container of a long-running workload runs before every pod starts: a migration
    there runs at each start and scale-out, like one in the entrypoint."""
    return [
        ctx.evidence(c["path"], c["line"], f"init container: {c['command']}")
        for c in d.start_commands(ctx)
        if c["origin"] == "k8s"
        and c.get("init")
        and c.get("workload_kind") in LONG_RUNNING_KINDS
        and (MIGRATION_COMMAND.search(c["command"]) or _MIGRATING_INIT.search(c["command"]))
    ]


def _startup_migrations_in_code(ctx: CheckContext) -> list[Evidence]:
    """The app migrating its database as it boots (EF Core ``Database.Migrate()``); a separate
    migrator program (a folder naming migrations: ``src/Shop.Migrator/Program.cs``) is a one-off
    tool, not the web process; a helper file of the app (``MigrateDbContextExtensions.cs``) is
    not."""
    return [
        ctx.evidence(s["path"], s["line"], s.get("excerpt") or "Database.Migrate()")
        for s in d.signals(ctx, "admin.startup-migration")
        if not re.search(r"(?i)migrat|seed", s["path"].rpartition("/")[0])
        and not d.is_non_production_path(s["path"])
    ]


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
        return Outcome.failed(
            "Running web containers run migrations in their start command and no Job or "
            "CronJob runs admin tasks.",
            baked[:5],
        )
    return live_k8s.not_found("Job or CronJob")


@check("admin.one-off")
@live_k8s.with_kubernetes(_live_one_off, policy="best")
def one_off(ctx: CheckContext) -> Outcome:
    release = _release_processes(ctx)
    baked = (
        _migrations_in_web_start(ctx)
        + _migrations_in_start_scripts(ctx)
        + _startup_migrations_in_code(ctx)
        + _migrating_init_containers(ctx)
    )
    if not release:
        baked += _spring_boot_migrations(ctx)
    if baked:
        return Outcome.failed(
            "Migrations run as the web process starts (start command, entrypoint, start script "
            "or app code), so every instance runs them at boot; run them once per release "
            "(release phase, Job, CI/CD step) instead.",
            baked[:5],
        )
    admin = [ctx.evidence(path, None, label) for label, path in _path_hits(ctx, ADMIN_PATHS)]
    found = release + _ci_one_offs(ctx) + _scheduled_tasks(ctx) + admin + _npm_admin_scripts(ctx)
    scripts = _migrating_scripts(ctx)
    if scripts and not found:
        return Outcome.unknown(
            "A script applies migrations, but the repository does not show whether it runs "
            "once per release or at every start.",
            scripts[:3],
        )
    found += _framework_migrations(ctx)
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


def _admin_init_images(ctx: CheckContext, web: list[dict]) -> list[Evidence]:
    """Init containers that run an admin command (a migration) with the image of their own
    workload's app container: the admin task ships in the app's image."""
    found = []
    for workload in web:
        app = {c["container"].get("image") for c in workload["containers"] if not c["init"]}
        for c in workload["containers"]:
            command = " ".join(str(p) for p in c["container"].get("command") or [])
            command += " " + " ".join(str(p) for p in c["container"].get("args") or [])
            image = c["container"].get("image")
            if c["init"] and image in app and _MIGRATING_INIT.search(command):
                line = d.line_of(workload["entry"], f"{c['pointer']}/image")
                found.append(
                    ctx.evidence(workload["path"], line, f"init {command.strip()}: {image}")
                )
    return found


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
        admin_inits = _admin_init_images(ctx, web)
        if admin_inits:
            return Outcome.passed(
                "The admin init container runs the image of the workload it belongs to.",
                admin_inits[:3],
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
