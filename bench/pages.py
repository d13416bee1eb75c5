"""The portal's pages under concurrent load, with 10,000 services × 44 checks × 30 scans.

Three steps, each also a sub-command:

- ``generate``: an organisation on PostgreSQL — teams, services of three kinds, 30 scheduled
  org-wide scans three days apart, a scorecard per service per scan scored by the real scorer
  (``scorecards.scoring.score_service``) from check statuses that drift between scans
  (regressions, fixes, sources that go unknown), every result row, a GitHub snapshot per
  scorecard, waivers. Loaded with PostgreSQL ``COPY`` (psycopg 3), the secondary indexes and
  constraints of the big tables dropped during the load and rebuilt after it.
- ``queries``: each page once in-process (Django's test client, same database), counting its
  SQL statements and listing the slowest of them — what to ``EXPLAIN ANALYZE``.
- ``load``: gunicorn on loopback (DEBUG off, ``SECRET_KEY``/``DATABASE_URL`` from the
  environment), then ``wrk`` against each page with a signed-in platform lead's session
  cookie: p50/p95/p99 latency and requests per second.

Needs DATABASE_URL (PostgreSQL) and ``wrk`` (Debian: ``apt-get install -y wrk``); see
bench/README.md for the one command.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from measure import wait_for_port  # noqa: E402

os.environ.update(
    DJANGO_SETTINGS_MODULE="portal.settings",
    SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only-" + os.urandom(16).hex(),
    DEBUG="false",
    ALLOWED_HOSTS="127.0.0.1,testserver",
    # Plain http on loopback: no redirect to https, cookies sent without TLS.
    SECURE_SSL_REDIRECT="false",
    SESSION_COOKIE_SECURE="false",
    CSRF_COOKIE_SECURE="false",
    LOG_LEVEL="WARNING",
)

USER = "bench-lead"
TEAMS = 50
SCAN_EVERY = timedelta(days=3)
KIND_MIX = [(("container",), 0.6), (("serverless",), 0.25), (("paas",), 0.15)]
BIG_TABLES = ("scorecards_checkresult", "scorecards_scorecard", "scorecards_snapshot")


def setup_django() -> None:
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL (see bench/README.md).")
    django.setup()


# --- generate ----------------------------------------------------------------------------


class Result(NamedTuple):
    """What the scorer reads of a result: its factor, severity and status."""

    factor: str
    severity: str
    status: object


def _copy(cursor, table: str, columns: str, data: io.StringIO | str) -> None:
    text = data.getvalue() if isinstance(data, io.StringIO) else data
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for start in range(0, len(text), 1 << 22):
            copy.write(text[start : start + (1 << 22)])


def _text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        value = json.dumps(value, separators=(",", ":"))
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _row(*values) -> str:
    return "\t".join(_text(v) for v in values) + "\n"


def _drop_secondary(cursor) -> list[str]:
    """Drop the big tables' unique/foreign-key constraints and indexes (keeping primary keys);
    return the statements that rebuild them. Building an index once over sorted data is far
    cheaper than maintaining it row by row during a 13-million-row load."""
    rebuild: list[str] = []
    for table in BIG_TABLES:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
            [table],
        )
        constraints = cursor.fetchall()
        names = {name for name, _, _ in constraints}
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT LIKE '%%_pkey'",
            [table],
        )
        for name, definition in cursor.fetchall():
            if name not in names:
                cursor.execute(f'DROP INDEX "{name}"')
                rebuild.append(definition)
        # Unique constraints first (their indexes), foreign keys after.
        for name, _, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, definition, _ in sorted(constraints, key=lambda c: c[2] != "u"):
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    return rebuild


def generate(services: int, scans: int, seed: int) -> None:
    setup_django()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection, transaction

    from scorecards.checks.registry import CATALOGUE_VERSION, catalogue
    from scorecards.checks.results import Status
    from scorecards.models import Facts, Waiver
    from scorecards.roles import PLATFORM_LEAD
    from scorecards.scoring import score_service

    started = time.monotonic()
    rng = random.Random(seed)
    call_command("migrate", verbosity=0)
    specs = list(catalogue().values())
    now = datetime.now(UTC).replace(microsecond=0)
    first_scan = now - SCAN_EVERY * (scans - 1) - timedelta(hours=2)

    with connection.cursor() as django_cursor:
        django_cursor.execute(
            "TRUNCATE scorecards_checkresult, scorecards_snapshot, scorecards_scorecard, "
            "scorecards_sourcerun, scorecards_scan, scorecards_waiver, scorecards_team_members, "
            "scorecards_pullrequestevaluation, scorecards_service, scorecards_team, "
            "scorecards_facts, scorecards_webhookdelivery RESTART IDENTITY CASCADE"
        )
        rebuild = _drop_secondary(django_cursor)
    cursor = connection.connection.cursor()  # psycopg 3: cursor.copy

    # Teams and services.
    teams = io.StringIO()
    for t in range(1, TEAMS + 1):
        teams.write(_row(t, f"team-{t:02}", f"Team {t:02}", now))
    _copy(cursor, "scorecards_team", "id, slug, name, created_at", teams)
    kinds_of: list[tuple[str, ...]] = []
    rows = io.StringIO()
    for s in range(1, services + 1):
        kinds = rng.choices([k for k, _ in KIND_MIX], [w for _, w in KIND_MIX])[0]
        kinds_of.append(kinds)
        slug = f"svc-{s:05}"
        rows.write(
            _row(s, slug, f"Service {s:05}", "", "production", list(kinds), f"acme/{slug}",
                 "", "main", [], [], {}, first_scan, now, False, (s - 1) % TEAMS + 1)
        )  # fmt: skip
    _copy(
        cursor,
        "scorecards_service",
        "id, slug, name, description, lifecycle, kinds, repository, repository_path, "
        "default_branch, aws_resources, k8s_workloads, discovered_from, first_seen_at, "
        "last_seen_at, retired, team_id",
        rows,
    )

    # One scheduled org-wide scan every three days, with its GitHub source run.
    facts = Facts.store({"bench": "one shared facts row: the pages never read facts"})
    inventory = Facts.store({"repos": services})
    rows, runs = io.StringIO(), io.StringIO()
    scan_times = [first_scan + SCAN_EVERY * r for r in range(scans)]
    for r, at in enumerate(scan_times, start=1):
        done = at + timedelta(minutes=50)
        progress = {"services": {"done": services, "total": services, "failed": 0}}
        rows.write(
            _row(r, "schedule", "succeeded", "*", ["github"], "", "schedule 0 3 * * *", at,
                 at, done, progress, "", 1, None)
        )  # fmt: skip
        runs.write(_row(r, r, "github", "done", inventory.pk, {"api": 2 * services}, "", at, done))
    _copy(
        cursor,
        "scorecards_scan",
        "id, trigger, state, scope, sources, requested_by, reason, created_at, started_at, "
        "finished_at, progress, error, attempts, service_id",
        rows,
    )
    _copy(
        cursor,
        "scorecards_sourcerun",
        "id, scan_id, source, state, inventory_id, requests, error, started_at, finished_at",
        runs,
    )

    # Each result row is the same text for a (check, status) pair: build those once.
    statuses = [Status(v) for v in ("pass", "fail", "warn", "unknown", "na", "waived")]
    tail = {}
    for spec in specs:
        place = rng.choice(["Dockerfile", "Procfile", "template.yaml", "app.py"])
        locator = f"{place}:{rng.randint(1, 80)}"
        evidence = [{"source": "github", "locator": locator, "excerpt": "FROM python:3.12-slim"}]
        for status in statuses:
            tail[spec.id, status] = "\t".join(
                [spec.id, spec.factor, spec.severity, str(status),
                 _text(f"{spec.title}: {status}"), _text(evidence),
                 f"{abs(hash((spec.id, locator))):020}"[:20], r"\N"]
            ) + "\n"  # fmt: skip
    port_checks = {s.id for s in specs if s.factor == "port_binding"}

    # Each service starts from its own failure rate; every scan, a third of the services
    # change: a check regresses (pass -> fail or warn), one is fixed, or a source goes unknown.
    state: list[list[Status]] = []
    for s in range(services):
        rate = rng.choice([0.02, 0.05, 0.1, 0.2, 0.35])
        row = []
        for spec in specs:
            if "serverless" in kinds_of[s] and spec.id in port_checks:
                row.append(Status.NA)
            elif rng.random() < rate:
                row.append(rng.choice([Status.FAIL, Status.FAIL, Status.WARN]))
            elif rng.random() < 0.04:
                row.append(Status.UNKNOWN)
            else:
                row.append(Status.PASS)
        state.append(row)
    scored: dict[tuple, tuple] = {}
    cards, snaps = io.StringIO(), io.StringIO()
    card_id = result_id = 0
    latest: list[int] = [0] * services
    with cursor.copy(
        "COPY scorecards_checkresult (id, scorecard_id, check_id, factor, severity, status, "
        "message, evidence, fingerprint, waiver) FROM STDIN"
    ) as copy:
        for r, at in enumerate(scan_times, start=1):
            chunk: list[str] = []
            for s in range(services):
                row = state[s]
                if r > 1 and rng.random() < 0.33:
                    for _ in range(rng.choice([1, 1, 2, 3])):
                        i = rng.randrange(len(specs))
                        if row[i] == Status.NA:
                            continue
                        if row[i] == Status.PASS:
                            row[i] = rng.choice([Status.FAIL, Status.WARN, Status.UNKNOWN])
                        else:
                            row[i] = Status.PASS
                key = (kinds_of[s], tuple(row))
                if key not in scored:
                    score = score_service(
                        [
                            Result(spec.factor, spec.severity, st)
                            for spec, st in zip(specs, row, strict=True)
                        ],
                        kinds_of[s],
                    )
                    counts = dict(Counter(str(st) for st in row))
                    scored[key] = (score.score, score.level, _text(score.factors), _text(counts))
                value, level, factors, counts = scored[key]
                card_id += 1
                latest[s] = card_id
                created = at + timedelta(seconds=s * 3000 // services)
                commit = f"{rng.getrandbits(160):040x}"
                cards.write(
                    f"{card_id}\t{s + 1}\t{r}\t{created.isoformat()}\t{_text(value)}\t{level}\t"
                    f"{factors}\t{counts}\t{_text(list(kinds_of[s]))}\t{CATALOGUE_VERSION}\t"
                    f"{commit}\t[]\t{'t' if r == scans else 'f'}\n"
                )
                snaps.write(
                    f"{card_id}\t{s + 1}\t{r}\tgithub\t{created.isoformat()}\t{commit}\t"
                    f'W/"{commit[:16]}"\tf\t\t{facts.pk}\n'
                )
                for spec, st in zip(specs, row, strict=True):
                    result_id += 1
                    chunk.append(f"{result_id}\t{card_id}\t{tail[spec.id, st]}")
                if len(chunk) > 200_000:
                    copy.write("".join(chunk))
                    chunk.clear()
            copy.write("".join(chunk))
            print(f"  scan {r}/{scans}: {result_id:,} results, {time.monotonic() - started:.0f} s")
    _copy(
        cursor,
        "scorecards_scorecard",
        "id, service_id, scan_id, created_at, score, level, factors, counts, kinds, "
        "catalogue_version, commit, stale_sources, is_latest",
        cards,
    )
    _copy(
        cursor,
        "scorecards_snapshot",
        "id, service_id, scan_id, source, fetched_at, revision, etag, stale, error, facts_id",
        snaps,
    )
    print(f"  copied in {time.monotonic() - started:.0f} s; rebuilding indexes and constraints")
    cursor.execute("SET maintenance_work_mem = '512MB'")
    for statement in rebuild:
        cursor.execute(statement)
    cursor.execute(
        "UPDATE scorecards_service s SET latest_scorecard_id = c.id FROM scorecards_scorecard c "
        "WHERE c.service_id = s.id AND c.is_latest"
    )
    for table in ("team", "service", "scan", "sourcerun", "scorecard", "checkresult", "snapshot"):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('scorecards_{table}', 'id'), "
            f"(SELECT MAX(id) FROM scorecards_{table}))"
        )
    connection.connection.commit()

    # A few hundred waivers (some expired, some still requested) and the signed-in lead.
    with transaction.atomic():
        for s in rng.sample(range(1, services + 1), k=min(300, services)):
            spec = rng.choice(specs)
            Waiver.objects.create(
                service_id=s,
                check_id=spec.id,
                reason="Accepted until the platform migration",
                expires=(now + timedelta(days=rng.randint(-20, 120))).date(),
                state=rng.choice([Waiver.State.APPROVED] * 3 + [Waiver.State.REQUESTED]),
            )
        user, _ = User.objects.get_or_create(username=USER)
        user.groups.add(Group.objects.get_or_create(name=PLATFORM_LEAD)[0])
    print(f"  vacuum analyze, {time.monotonic() - started:.0f} s")
    connection.connection.autocommit = True
    for table in BIG_TABLES + ("scorecards_service", "scorecards_scan"):
        cursor.execute(f"VACUUM ANALYZE {table}")
    print(
        f"generated {services:,} services × {len(specs)} checks × {scans} scans: "
        f"{card_id:,} scorecards, {result_id:,} results in {time.monotonic() - started:.0f} s"
    )


# --- pages -------------------------------------------------------------------------------


def pages() -> list[tuple[str, str]]:
    from scorecards.models import Service

    middle = Service.objects.order_by("pk").values_list("slug", flat=True)[
        Service.objects.count() // 2
    ]
    return [
        ("catalogue", "/services/"),
        ("catalogue, filtered (team, failing factor)", "/services/?team=team-07&factor=logs"),
        ("catalogue, sorted by score", "/services/?sort=score"),
        ("catalogue, page 50", "/services/?page=50"),
        ("service scorecard", f"/services/{middle}/"),
        ("org dashboard", "/dashboard/"),
        ("team page", "/dashboard/teams/team-07/"),
        ("factor guide", "/factors/"),
        ("factor guide, one factor", "/factors/config/"),
    ]


def _collect_static() -> None:
    """Production serves hashed static names from collectstatic's manifest: collect them
    (into the git-ignored staticfiles/, as the image build does)."""
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)


def count_queries(show_slowest: int) -> None:
    setup_django()
    _collect_static()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(User.objects.get(username=USER))
    print(f"{'page':<45} {'queries':>7} {'SQL ms':>8} {'total ms':>9}")
    for name, path in pages():
        client.get(path)  # warm caches and the connection
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        total = 1000 * (time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
        sql_ms = 1000 * sum(float(q["time"]) for q in captured.captured_queries)
        print(f"{name:<45} {len(captured):>7} {sql_ms:>8.1f} {total:>9.1f}")
        for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[
            :show_slowest
        ]:
            print(f"    {1000 * float(query['time']):7.1f} ms  {query['sql'][:300]}")


# --- load --------------------------------------------------------------------------------

WRK_SCRIPT = """
wrk.headers["Cookie"] = "sessionid=%s"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout))
end
"""


def _session_key() -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    user = User.objects.get(username=USER)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(seconds: int, connections: list[int], workers: int, only: str | None) -> None:
    setup_django()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install -y wrk).")
    session = _session_key()
    targets = [(n, p) for n, p in pages() if not only or re.search(only, n)]
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": str(workers)}
    _collect_static()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=sys.stderr, start_new_session=True,
    )  # fmt: skip
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(WRK_SCRIPT % session)
    try:
        wait_for_port(port)
        # Every worker's first requests import, compile templates and connect: not measured.
        for _, path in targets:
            _wrk(script, port, path, workers, 2)
        for clients in connections:
            print(
                f"\ngunicorn: {workers} sync workers; wrk: {clients} connections, {seconds} s per "
                f"page; {os.cpu_count()} CPU cores shared by gunicorn, PostgreSQL and wrk"
            )
            print(f"{'page':<45} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  errors")
            for name, path in targets:
                n, duration, p50, p95, p99, status, sock, timeout = _wrk(
                    script, port, path, clients, seconds
                )
                errors = f"{status} non-2xx" if status else ""
                errors += f" {sock} socket, {timeout} timeouts" if sock or timeout else ""
                print(
                    f"{name:<45} {n / (duration / 1e6):>7.1f} {p50 / 1000:>7.0f} "
                    f"{p95 / 1000:>7.0f} {p99 / 1000:>7.0f}  {errors.strip() or '-'}"
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        script.unlink()


def _wrk(script: Path, port: int, path: str, clients: int, seconds: int) -> list[int]:
    out = subprocess.run(
        ["wrk", f"-t{min(clients, 2)}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s",
         "-s", str(script), f"http://127.0.0.1:{port}{path}"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return [int(v) for v in re.search(r"^RESULT (.*)$", out, re.M).group(1).split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("--services", type=int, default=10_000)
    gen.add_argument("--scans", type=int, default=30)
    gen.add_argument("--seed", type=int, default=7)
    queries = sub.add_parser("queries")
    queries.add_argument("--slowest", type=int, default=3)
    run = sub.add_parser("load")
    run.add_argument("--seconds", type=int, default=15)
    run.add_argument(
        "--connections",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[2, 8],
        help="comma-separated: one round per number of concurrent connections",
    )
    run.add_argument("--workers", type=int, default=4)
    run.add_argument("--only", help="a regular expression on page names")
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.services, args.scans, args.seed)
    elif args.command == "queries":
        count_queries(args.slowest)
    else:
        load(args.seconds, args.connections, args.workers, args.only)


if __name__ == "__main__":
    main()
