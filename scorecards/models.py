"""Persistence: teams, services, scans, the facts each scan saw, results and scorecards.

History is append-only: a scan adds snapshots, results and a scorecard; nothing a previous scan
wrote is changed, except the ``Service.latest_scorecard`` pointer and the ``is_latest`` flag,
which exist so dashboards read one row per service instead of searching history.

Facts are content-addressed (``Facts.digest``): a repository that did not change between scans
(GitHub answered 304) costs one snapshot row pointing at the facts already stored.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from scorecards.checks.registry import FACTORS

SOURCES = ("github", "aws", "kubernetes", "local")
FACTOR_KEYS = tuple(f.key for f in FACTORS)


class Source(models.TextChoices):
    GITHUB = "github", "GitHub"
    AWS = "aws", "AWS"
    KUBERNETES = "kubernetes", "Kubernetes"
    LOCAL = "local", "Local directory"


class Team(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    # People who own the team's services: with the "team owner" role they may request
    # waivers and rescans for them (see scorecards/roles.py).
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """One deployable app, joined across its repository, AWS resources and k8s workloads."""

    slug = models.SlugField(max_length=200, unique=True)
    name = models.CharField(max_length=200)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    description = models.TextField(blank=True)
    # Declared in catalog-info.yaml (lifecycle: production, experimental...), else empty.
    lifecycle = models.CharField(max_length=50, blank=True)
    kinds = models.JSONField(default=list, blank=True)
    # "owner/name" on GitHub, or a local path for the local source; "" when it has none.
    repository = models.CharField(max_length=300, blank=True, db_index=True)
    # Folder of a monorepo component ("" = the repository root).
    repository_path = models.CharField(max_length=300, blank=True)
    default_branch = models.CharField(max_length=200, blank=True)
    # ARNs of its Lambda functions, ECS services, API stages and log groups.
    aws_resources = models.JSONField(default=list, blank=True)
    # Locators of its Kubernetes objects: "<context>/<namespace>/<Kind>/<name>".
    k8s_workloads = models.JSONField(default=list, blank=True)
    # Where discovery found it and who said who owns it, for the "why is this here" panel.
    discovered_from = models.JSONField(default=dict, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    # Not seen by the last full discovery: kept with its history, hidden from dashboards.
    retired = models.BooleanField(default=False)
    latest_scorecard = models.ForeignKey(
        "Scorecard", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["retired", "team"]),
            # The catalogue's first page: 25 services by name, not a sort of all 10,000.
            models.Index(fields=["name"], name="service_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Scan(models.Model):
    class Trigger(models.TextChoices):
        SCHEDULE = "schedule"
        WEBHOOK = "webhook"
        MANUAL = "manual"

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        # Finished, but a source or a service failed: what could be scored was.
        PARTIAL = "partial"
        FAILED = "failed"

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    # "*" for the whole organisation, else the service's slug: at most one active scan per
    # scope, so concurrent triggers (a burst of pushes) coalesce into the scan already queued.
    scope = models.CharField(max_length=200, default="*")
    # None: the whole organisation; otherwise the one service this scan is for.
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="scans"
    )
    sources = models.JSONField(default=list)
    requested_by = models.CharField(max_length=200, blank=True)
    # Why: "push to acme/orders@3f2c1d0", "schedule 0 3 * * *", "manage.py scan"...
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # {"sources": {"github": {"state", "done", "total", "error", "requests", "stale"}},
    #  "services": {"done", "total", "failed"}}
    progress = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # Moved by every progress update: a running scan whose heartbeat stopped is dead (its
    # process was killed), and is failed instead of blocking its scope until SCAN_TIMEOUT.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # "host:pid" of the process that last moved it; with in-process tasks that process runs
    # the whole scan, so its disappearance means the scan is dead.
    worker = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["service", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["scope"],
                condition=models.Q(state__in=["queued", "running"]),
                name="one_active_scan_per_scope",
            )
        ]

    def __str__(self) -> str:
        return f"scan {self.pk} ({self.trigger}, {self.state})"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class ServiceClaimConflict(models.Model):
    """A repository named a service already built from another repository: refused, kept here.

    Discovery never re-points a service on a repository's word: anyone who can create a
    repository could otherwise take over any service, its history and its team. A platform
    lead decides in the admin: transfer the service to the claiming repository, or dismiss the
    claim (a dismissed claim seen again is not reported again).
    """

    class State(models.TextChoices):
        OPEN = "open"
        TRANSFERRED = "transferred"
        DISMISSED = "dismissed"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="claim_conflicts")
    # The repository that claimed it, and the file where it did ("" = its repository name).
    repository = models.CharField(max_length=300)
    declared_in = models.CharField(max_length=300, blank=True)
    claimed_name = models.CharField(max_length=200)
    # The repository the service was built from when the claim was refused.
    bound_repository = models.CharField(max_length=300)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    last_scan = models.ForeignKey(
        Scan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "repository"],
                condition=models.Q(state="open"),
                name="one_open_claim_conflict_per_repository",
            )
        ]

    def __str__(self) -> str:
        return f"{self.repository} claims {self.service_id} ({self.state})"


class Facts(models.Model):
    """The JSON facts of one source for one service, stored once per distinct content."""

    digest = models.CharField(max_length=64, unique=True)
    data = models.JSONField()
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"facts {self.digest[:12]} ({self.size} bytes)"

    @staticmethod
    def digest_of(data: dict) -> tuple[str, str]:
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest(), text

    @classmethod
    def store(cls, data: dict) -> Facts:
        digest, text = cls.digest_of(data)
        facts, _ = cls.objects.get_or_create(
            digest=digest, defaults={"data": data, "size": len(text)}
        )
        return facts


class SourceRun(models.Model):
    """One source's collection within a scan: its inventory, requests made, and outcome."""

    class State(models.TextChoices):
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="source_runs")
    source = models.CharField(max_length=20, choices=Source.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RUNNING)
    # github/local: {"repos": [{"full_name", "topics", "default_branch", "etag", "commit",
    # "facts": digest, "status": "fetched"|"unchanged"|"failed", "error"}]};
    # aws/kubernetes: the collector's inventory.
    inventory = models.ForeignKey(Facts, null=True, on_delete=models.PROTECT, related_name="+")
    requests = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scan", "source"], name="one_run_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.source} in scan {self.scan_id} ({self.state})"


class Snapshot(models.Model):
    """What one source said about one service in one scan."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="snapshots")
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="snapshots")
    source = models.CharField(max_length=20, choices=Source.choices)
    facts = models.ForeignKey(Facts, null=True, on_delete=models.PROTECT, related_name="+")
    fetched_at = models.DateTimeField(default=timezone.now)
    # The commit sha (GitHub/local) or resourceVersions (Kubernetes) the facts reflect.
    revision = models.CharField(max_length=200, blank=True)
    # GitHub's ETag for the head commit: the next scan asks If-None-Match with it.
    etag = models.CharField(max_length=200, blank=True)
    # The source failed this time: ``facts`` are the last good ones, carried over.
    stale = models.BooleanField(default=False)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-fetched_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "scan", "source"], name="one_snapshot_per_source_per_scan"
            )
        ]
        indexes = [models.Index(fields=["service", "source", "-fetched_at"])]

    def __str__(self) -> str:
        return f"{self.source} snapshot of service {self.service_id} in scan {self.scan_id}"


class Scorecard(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="scorecards")
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="scorecards")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    score = models.FloatField(null=True)
    level = models.CharField(max_length=20, blank=True)
    # Weighted % of the applicable counted checks that were decided (not unknown), and the
    # same over the critical and high checks, which caps the level (scorecards/scoring.py).
    coverage = models.FloatField(null=True, blank=True)
    level_coverage = models.FloatField(null=True, blank=True)
    # {"codebase": 100.0, "deps": 62.5, ...}; a factor with no conclusive check is null.
    factors = models.JSONField(default=dict)
    # {"pass": 30, "fail": 4, "warn": 1, "unknown": 3, "na": 6, "waived": 0}
    counts = models.JSONField(default=dict)
    kinds = models.JSONField(default=list)
    catalogue_version = models.CharField(max_length=20)
    commit = models.CharField(max_length=64, blank=True)
    # Sources whose facts were carried over from an earlier scan because they failed now.
    stale_sources = models.JSONField(default=list, blank=True)
    # Languages detected in the service ("node", "python"...), most telling first: the page
    # shows each check's remediation examples for these first.
    ecosystems = models.JSONField(default=list, blank=True)
    is_latest = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["service", "scan"], name="one_scorecard_per_scan")
        ]
        indexes = [
            # A service's history in date order, read backwards for "its scorecard as of T"
            # (one index-only probe per service on the dashboard: score included) and forwards
            # for the score trend's running changes; the id breaks ties of equal dates.
            models.Index(
                fields=["service", "created_at", "id"],
                include=["score"],
                name="scorecard_history_idx",
            ),
            models.Index(fields=["is_latest", "score"]),
        ]

    def __str__(self) -> str:
        return f"scorecard of service {self.service_id}: {self.score} ({self.level})"


class CheckResult(models.Model):
    # No index of its own: the unique (scorecard, check_id) index below serves every lookup by
    # scorecard, and one index fewer over tens of millions of rows is cheaper to write.
    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, related_name="results", db_index=False
    )
    check_id = models.CharField(max_length=100)
    factor = models.CharField(max_length=30)
    severity = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    message = models.TextField(blank=True)
    evidence = models.JSONField(default=list)
    fingerprint = models.CharField(max_length=64)
    waiver = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["check_id"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "check_id"], name="one_result_per_check")
        ]
        indexes = [
            models.Index(fields=["check_id", "status"]),
            # Pass rates and most failed checks over the latest scorecards read this index
            # alone (index-only scans), never the wide result rows. Status is a key column,
            # not an INCLUDE of the unique index: SQLite would drop that constraint.
            models.Index(fields=["scorecard", "check_id", "status"], name="result_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.check_id}: {self.status}"


class Waiver(models.Model):
    """A check accepted as not passing for one service, with a reason and an end date.

    Requested by a team owner, then approved or denied by a platform lead who is not the
    requester; only approved, unexpired waivers are applied by the next scan.
    """

    class State(models.TextChoices):
        REQUESTED = "requested"
        APPROVED = "approved"
        DENIED = "denied"

    class Origin(models.TextChoices):
        PORTAL = "portal", "requested in the portal"
        # Declared in the repository's .twelve-factor.yml: a request like any other, made by
        # the scan that read it, never applied before a platform lead approves it.
        REPOSITORY = "repository", "requested by the repository"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="waivers")
    check_id = models.CharField(max_length=100)
    reason = models.TextField()
    expires = models.DateField()
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.PORTAL)
    # Repository waivers: "<repository>/<file>" where it is declared.
    declared_in = models.CharField(max_length=600, blank=True)
    # The requester.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=20, choices=State.choices, default=State.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["check_id", "-created_at"]
        constraints = [
            # One open request per check; decided ones stay as history, so a denied or
            # expired waiver can be requested again.
            models.UniqueConstraint(
                fields=["service", "check_id"],
                condition=models.Q(state="requested"),
                name="one_open_waiver_request_per_check",
            )
        ]

    def __str__(self) -> str:
        return f"{self.state} waiver of {self.check_id} until {self.expires}"

    @property
    def expired(self) -> bool:
        return self.expires < timezone.localdate()


# --- webhooks, pull-request evaluations and API tokens (issue #5) ----------------------------


class WebhookDelivery(models.Model):
    """One accepted webhook delivery: the durable record behind every 202.

    ``delivery_id`` is GitHub's ``X-GitHub-Delivery`` (a portal-made id for ``/webhooks/rescan``)
    and is unique, so a redelivery of work already queued is recognised and not done twice.
    ``work`` is what the delivery asks for, already decided from the payload (never the whole
    payload, which can be megabytes); the worker executes it.
    """

    class State(models.TextChoices):
        # Recorded, but the broker refused the task: a redelivery queues it again.
        RECEIVED = "received"
        QUEUED = "queued"
        DONE = "done"
        FAILED = "failed"

    delivery_id = models.CharField(max_length=100, unique=True)
    event = models.CharField(max_length=60)
    action = models.CharField(max_length=60, blank=True)
    repository = models.CharField(max_length=300, blank=True)
    work = models.JSONField(default=dict)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED)
    # What came of it: the scans requested, the PR evaluations made, or why nothing was.
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.event} delivery {self.delivery_id} ({self.state})"


class PullRequestEvaluation(models.Model):
    """A service scored at a pull request's head commit, beside (never instead of) its
    default-branch history: ``Service.latest_scorecard`` is untouched by it."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="pull_request_evaluations"
    )
    repository = models.CharField(max_length=300)
    number = models.PositiveIntegerField()
    head_sha = models.CharField(max_length=64)
    head_ref = models.CharField(max_length=200, blank=True)
    # The default-branch scorecard compared against (None: the service had none yet).
    base_scorecard = models.ForeignKey(
        Scorecard, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.FloatField(null=True)
    level = models.CharField(max_length=20, blank=True)
    factors = models.JSONField(default=dict)
    counts = models.JSONField(default=dict)
    # [{check_id, factor, severity, status, message, evidence}] as CheckResult stores them.
    results = models.JSONField(default=list)
    # Check ids that pass on the default branch and fail at the head: what fails the check.
    regressions = models.JSONField(default=list)
    # {"kind": "check_run"|"status"|"off", "id": ..., "error": ...}
    feedback = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "head_sha"], name="one_evaluation_per_service_and_head"
            )
        ]

    def __str__(self) -> str:
        return f"PR #{self.number} of {self.repository} at {self.head_sha[:7]}: {self.score}"

    @property
    def delta(self) -> float | None:
        base = self.base_scorecard
        if base is None or base.score is None or self.score is None:
            return None
        return round(self.score - base.score, 1)


API_TOKEN_DAYS = 90


def api_token_expiry():
    """When a token made now stops working unless chosen otherwise: tokens are rotated."""
    return timezone.now() + timedelta(days=API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token of the API. Only its SHA-256 is stored: the token is shown once.

    A plain hash (not a slow password hash) is right here because tokens are 256 random bits:
    there is nothing to brute-force, and a lookup by digest costs one indexed query.

    Every token reads the whole organisation (like a viewer). A write token pushes results
    only for its scope: the services listed, the services of the teams listed, or every
    service when ``all_services`` says so explicitly. Tokens expire; revoked ones stay as
    records.
    """

    name = models.CharField(max_length=200)
    # The first characters, so an operator can tell tokens apart without the secret.
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    # May push check results (POST) for the services of its scope; every token may read.
    can_write = models.BooleanField(default=False)
    teams = models.ManyToManyField(Team, blank=True, related_name="api_tokens")
    services = models.ManyToManyField(Service, blank=True, related_name="api_tokens")
    all_services = models.BooleanField(
        default=False, help_text="may push results for every service of the organisation"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=api_token_expiry)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"API token {self.name} ({self.prefix}…)"

    def may_push_for(self, service: Service) -> bool:
        """A write token whose scope holds ``service``."""
        if not self.can_write:
            return False
        if self.all_services:
            return True
        if self.services.filter(pk=service.pk).exists():
            return True
        return service.team_id is not None and self.teams.filter(pk=service.team_id).exists()

    @property
    def scope(self) -> str:
        """The scope in words, for the admin and the commands."""
        if not self.can_write:
            return "read only"
        if self.all_services:
            return "every service"
        names = [f"team {t.slug}" for t in self.teams.all()]
        names += [f"service {s.slug}" for s in self.services.all()]
        return ", ".join(names) or "no service (cannot push)"


class SingleSignOnIdentity(models.Model):
    """The provider's subject a portal account belongs to, bound at its first single sign-on.

    Usernames come from claims a person may be able to change at the provider
    (``preferred_username``, ``email``); the subject never changes and is never reused. Once
    bound, an account is found by its subject, and another subject arriving with the same
    username is refused instead of signed in to someone else's account.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    bound_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"


class ReadinessHeartbeat(models.Model):
    """One row ``/readyz`` writes on every probe: a ready portal can write, not only read
    (a full disk or a read-only database passes ``SELECT 1`` and then fails every sign-in)."""

    checked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"readiness checked at {self.checked_at:%Y-%m-%d %H:%M:%S}"
