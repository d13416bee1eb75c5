"""The factor guide's prose: what each factor means, why it matters, and serverless notes.

The checks themselves (how each is decided, remediation) come from the catalogue; this is the
text around them, one entry per factor of ``scorecards.checks.registry.FACTORS``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FactorText:
    meaning: str
    why: str
    serverless: str


_SAME_FOR_SERVERLESS = "Applies to serverless services as it does to containers."

GUIDE: dict[str, FactorText] = {
    "codebase": FactorText(
        meaning="One codebase tracked in version control, many deploys: every running "
        "instance of a service comes from one repository (or one component of a monorepo).",
        why="When what runs cannot be traced to a commit, nobody can say what changed, roll "
        "back with confidence, or reproduce a bug.",
        serverless="Each function traces to its repository through its version description or "
        "tags; several functions of one app share one codebase.",
    ),
    "dependencies": FactorText(
        meaning="Explicitly declare and isolate dependencies: a manifest lists them, a lock "
        "file pins exact versions, and nothing relies on tools the host happens to have.",
        why="Unpinned or implicit dependencies make builds differ from one day to the next "
        "and from one machine to another; that is how 'works on my machine' reaches production.",
        serverless="Lambda runtimes are dependencies too: a deprecated runtime stops receiving "
        "security patches and eventually cannot be updated.",
    ),
    "config": FactorText(
        meaning="Store config in the environment: everything that differs between deploys "
        "(URLs, credentials, feature flags) is read from environment variables, never "
        "committed.",
        why="Config in code leaks secrets into history and forces a rebuild per environment; "
        "config in the environment lets one build run everywhere.",
        serverless="Function environment variables hold config; secrets come from Secrets "
        "Manager or SSM Parameter Store, not literal values in the template.",
    ),
    "backing_services": FactorText(
        meaning="Treat backing services as attached resources: databases, caches and queues "
        "are located by configuration and swappable without a code change.",
        why="An app that bundles its own database or hard-codes a host cannot move, scale or "
        "fail over; attaching by URL makes the swap a config change.",
        serverless=_SAME_FOR_SERVERLESS,
    ),
    "build_release_run": FactorText(
        meaning="Strictly separate build, release and run: a pipeline builds an immutable "
        "artifact once, a release combines it with config, and running never rebuilds.",
        why="Installing or compiling at start-up makes every restart a new, untested build; "
        "immutable, versioned artifacts make deploys repeatable and rollbacks instant.",
        serverless="Functions are released as published versions behind aliases, not only "
        "run as $LATEST.",
    ),
    "processes": FactorText(
        meaning="Execute the app as one or more stateless processes: anything that must "
        "survive a restart lives in a backing service.",
        why="Local disks and sticky sessions tie users to one instance: scaling out, "
        "rescheduling or a crash then loses their data.",
        serverless="Functions are stateless by construction; the checks judge their "
        "container and PaaS siblings.",
    ),
    "port_binding": FactorText(
        meaning="Export services via port binding: the app embeds its web server and listens "
        "on a port it is told, rather than being deployed into an app server.",
        why="A self-contained process can run anywhere the platform gives it a port, and can "
        "itself become another app's backing service.",
        serverless="Not applicable: a function is invoked by the platform and binds no port, "
        "so in the seven-and-a-half factor model its checks are `na` for serverless services "
        "and the factor is not measured (it neither raises nor lowers the score).",
    ),
    "concurrency": FactorText(
        meaning="Scale out via the process model: declare process types (web, worker, "
        "scheduler) and run more of them, rather than bigger ones or daemons.",
        why="Declared process types let the platform scale each workload on its own and "
        "restart it when it dies.",
        serverless="Concurrency is the platform's job; reserved or provisioned concurrency "
        "counts as configured scaling.",
    ),
    "disposability": FactorText(
        meaning="Maximise robustness with fast start-up and graceful shutdown: processes "
        "start quickly, handle SIGTERM, and can be stopped at any moment.",
        why="Deploys, autoscaling and node failures stop processes all the time; one that "
        "starts slowly or dies mid-request turns routine operations into incidents.",
        serverless="Counted at half weight for serverless-only services (the seven-and-a-half "
        "factor model): the platform manages shutdown, so only start-up time (package size, "
        "provisioned concurrency) is the team's to improve.",
    ),
    "dev_prod_parity": FactorText(
        meaning="Keep development, staging and production as similar as possible: the same "
        "kinds of backing services, one deployment definition parameterised per environment.",
        why="Every difference between environments is a bug that only production finds.",
        serverless="SAM local, LocalStack or per-stage parameters give functions a local "
        "environment close to production.",
    ),
    "logs": FactorText(
        meaning="Treat logs as event streams: write them unbuffered to stdout, and let the "
        "platform route them to a central store.",
        why="Log files inside a container vanish with it and cannot be searched across "
        "instances; a stream of structured events can.",
        serverless="Functions log to CloudWatch through stdout; the log group needs a "
        "retention period, or its cost grows forever.",
    ),
    "admin_processes": FactorText(
        meaning="Run admin and management tasks as one-off processes, with the same code and "
        "config as the app: migrations as a release step or a Job, not inside web start-up.",
        why="Admin code that drifts from the app, or runs on every start, breaks deploys and "
        "races between replicas.",
        serverless="Admin tasks are judged as scheduled or one-off functions in the same "
        "deployment definition.",
    ),
    "beyond": FactorText(
        meaning="Practices that came after the original twelve factors: API contracts, "
        "telemetry, non-root containers, automated dependency updates.",
        why="They make services easier to integrate, observe and keep secure. Shown apart: "
        "they are not part of the twelve-factor score.",
        serverless=_SAME_FOR_SERVERLESS,
    ),
}
