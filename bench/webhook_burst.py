"""1,000 signed GitHub push deliveries in a burst: none lost, rescans coalesced, queue drained.

Real pieces: gunicorn (several sync workers) serving the portal on loopback, PostgreSQL, Redis,
several ``celery -A portal worker`` processes, and the fake GitHub of the collector tests
(tests/collectors/github) serving 30 repositories. Each delivery is a new commit pushed to one
of the repositories (all pushed first), then the signed ``push`` webhooks sent at once over
HTTP by 50 client threads.

What it checks and prints:
- answers: every delivery gets 202 (recorded and queued) or 503 (not taken: GitHub retries,
  which the bench then does, with the same ``X-GitHub-Delivery``); nothing else;
- never lost: every 202'd delivery is a ``WebhookDelivery`` row, and every one ends ``done``;
- coalescing: scans started by the burst, against deliveries;
- drain: time from the first delivery until the queues are empty, no scan is active, and
  every service's latest scorecard is at its repository's final head.

Needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis); see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from measure import celery_worker, wait_for_port  # noqa: E402

SECRET = "bench-secret-" + uuid.uuid4().hex
os.environ.update(
    DJANGO_SETTINGS_MODULE="portal.settings",
    SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only-" + uuid.uuid4().hex,
    DEBUG="false",
    GITHUB_WEBHOOK_SECRET=SECRET,
    ALLOWED_HOSTS="127.0.0.1",
    SECURE_SSL_REDIRECT="false",
    LOG_LEVEL="WARNING",
)
PREFIX = "burst-"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--repos", type=int, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--celery-workers", type=int, default=3)
    args = parser.parse_args()
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"):
        raise SystemExit("CELERY_BROKER_URL must point at Redis (see bench/README.md).")

    import httpx
    import redis
    from pytest_httpserver import HTTPServer

    from tests.collectors.github.fake_github import FakeGitHub, files_of, load, repo_like

    api, codeload = HTTPServer(host="127.0.0.1", port=0), HTTPServer(host="127.0.0.1", port=0)
    api.start()
    codeload.start()
    github = FakeGitHub(api, codeload)
    github.remaining = 10**9
    files = files_of(ROOT / "examples" / "inventory-api")
    names = [f"{PREFIX}{n:02}" for n in range(args.repos)]
    for n, name in enumerate(names):
        github.add_repo(
            repo_like(load("org_repos.json")[0], name, 710000000 + n, default_branch="main"),
            {**files, "VERSION": b"0"},
        )
    os.environ.update(
        GITHUB_API_URL=github.api_url, GITHUB_TOKEN=github.token, GITHUB_ORGS="acme-corp"
    )

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from portal.queues import QUEUES
    from scorecards.models import Scan, Scorecard, Service, WebhookDelivery
    from scorecards.webhooks.signatures import sign

    call_command("migrate", verbosity=0)
    Service.objects.filter(slug__startswith=PREFIX).delete()
    WebhookDelivery.objects.filter(delivery_id__startswith=PREFIX).delete()
    services = {
        f"acme-corp/{name}": Service.objects.create(
            slug=name, name=name, repository=f"acme-corp/{name}", default_branch="main"
        )
        for name in names
    }
    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    push_body = json.loads((ROOT / "tests/fixtures/webhooks/push.json").read_text())
    port = free_port()
    env = {**os.environ, "WEB_CONCURRENCY": str(args.web_workers)}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi",
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "/dev/null",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    ]
    for n in range(args.celery_workers):
        processes.append(
            subprocess.Popen(
                celery_worker("--pool=solo", f"--hostname=burst{n}@%h"),
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
        )
    url = f"http://127.0.0.1:{port}/webhooks/github"
    local = threading.local()

    def deliver(repository: str, sha: str, delivery_id: str) -> tuple[int, float]:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(timeout=30)
        repo = {**push_body["repository"], "full_name": repository, "name": repository[10:]}
        raw = json.dumps({**push_body, "after": sha, "repository": repo}).encode()
        sent = time.monotonic()
        response = client.post(
            url,
            content=raw,
            headers={
                "Content-Type": "application/json",
                "X-GitHub-Event": "push",
                "X-GitHub-Delivery": delivery_id,
                "X-Hub-Signature-256": sign(SECRET, raw),
            },
        )
        return response.status_code, time.monotonic() - sent

    def settled() -> bool:
        """Nothing left to do: queues and unacknowledged tasks empty, no scan active, every
        delivery finished, every service's latest scorecard at its repository's head."""
        if any(broker.llen(queue) for queue in QUEUES) or broker.hlen("unacked"):
            return False
        bench = {"service__slug__startswith": PREFIX}
        if Scan.objects.filter(state__in=Scan.ACTIVE_STATES, **bench).exists():
            return False
        if WebhookDelivery.objects.filter(
            delivery_id__startswith=PREFIX,
            state__in=[WebhookDelivery.State.RECEIVED, WebhookDelivery.State.QUEUED],
        ).exists():
            return False
        latest = dict(
            Service.objects.filter(slug__startswith=PREFIX).values_list(
                "repository", "latest_scorecard__commit"
            )
        )
        return all(latest.get(repo) == github.heads[repo] for repo in services)

    try:
        wait_for_port(port)
        # Warm-up: every service scored once at its first commit, every worker's imports done.
        started = time.monotonic()
        for repo in services:
            deliver(repo, github.heads[repo], f"{PREFIX}warm-{repo}-{uuid.uuid4().hex[:8]}")
        while not settled():
            time.sleep(0.2)
            if time.monotonic() - started > 600:
                raise SystemExit("the warm-up did not finish in 10 minutes")
        print(f"warm-up: {len(services)} services scored in {time.monotonic() - started:.1f} s")
        scans_before = Scan.objects.filter(service__slug__startswith=PREFIX).count()
        cards_before = Scorecard.objects.filter(service__slug__startswith=PREFIX).count()
        repos = list(services)

        # The commits are pushed first (building their archives takes longer than sending a
        # webhook), so the deliveries arrive as the burst GitHub sends after a busy minute.
        pushed = []
        for n in range(args.deliveries):
            repository = repos[n % len(repos)]
            pushed.append(
                (repository, github.push(repository, {**files, "VERSION": f"burst {n}".encode()}))
            )

        def fire(n: int) -> tuple[str, int, float, str, str]:
            repository, sha = pushed[n]
            delivery_id = f"{PREFIX}{n:05}-{uuid.uuid4().hex[:8]}"
            status, seconds = deliver(repository, sha, delivery_id)
            return delivery_id, status, seconds, repository, sha

        burst_start = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            answers = list(pool.map(fire, range(args.deliveries)))
        burst_seconds = time.monotonic() - burst_start
        statuses = Counter(status for _, status, _, _, _ in answers)
        accepted = {d for d, status, _, _, _ in answers if status == 202}

        # GitHub redelivers what was answered 503 (or not answered): the same delivery id.
        redelivered, rounds = 0, 0
        pending = [(d, repo, sha) for d, status, _, repo, sha in answers if status != 202]
        while pending and rounds < 10:
            rounds += 1
            time.sleep(2)
            again = []
            for d, repo, sha in pending:
                status, _ = deliver(repo, sha, d)
                redelivered += 1
                if status == 202:
                    accepted.add(d)
                else:
                    again.append((d, repo, sha))
            pending = again

        recorded = set(
            WebhookDelivery.objects.filter(delivery_id__in=accepted).values_list(
                "delivery_id", flat=True
            )
        )
        while not settled():
            time.sleep(0.1)
            if time.monotonic() - burst_start > 1800:
                raise SystemExit("the queue did not drain in 30 minutes")
        drained = time.monotonic() - burst_start
        connection.close()
        done = Counter(
            WebhookDelivery.objects.filter(
                delivery_id__startswith=PREFIX, delivery_id__in=accepted
            ).values_list("state", flat=True)
        )
        scans = Scan.objects.filter(service__slug__startswith=PREFIX).count() - scans_before
        cards = Scorecard.objects.filter(service__slug__startswith=PREFIX).count() - cards_before
        per_service = Counter(
            Scan.objects.filter(service__slug__startswith=PREFIX)
            .order_by()
            .values_list("service__slug", flat=True)
        )
        latencies = [seconds for _, _, seconds, _, _ in answers]

        print(
            f"{args.deliveries} push deliveries to {len(repos)} repositories from {args.clients} "
            f"client threads; gunicorn {args.web_workers} workers, {args.celery_workers} solo "
            f"Celery workers; {os.cpu_count()} CPU cores shared by all"
        )
        print(
            f"burst: {burst_seconds:.1f} s ({args.deliveries / burst_seconds:.0f} deliveries/s); "
            f"answers {dict(sorted(statuses.items()))}; answer time p50 "
            f"{statistics.median(latencies) * 1000:.0f} ms, p95 {pct(latencies, 0.95) * 1000:.0f}"
            f" ms, max {max(latencies) * 1000:.0f} ms"
        )
        print(
            f"redelivered after 503: {redelivered} sends in {rounds} round(s); "
            f"accepted in the end: {len(accepted)} of {args.deliveries}"
        )
        print(
            f"never lost: {len(recorded)} of {len(accepted)} accepted deliveries recorded; "
            f"finished: {dict(done)}"
        )
        print(
            f"coalesced: {scans} scans and {cards} scorecards for {args.deliveries} deliveries "
            f"(per service: max {max(per_service.values()) - 1}, "
            f"mean {(sum(per_service.values()) - len(per_service)) / len(per_service):.1f}, "
            "warm-up scan excluded)"
        )
        print(
            f"drained: queues empty, no scan active and every service's latest scorecard at "
            f"its final head {drained:.1f} s after the first delivery"
        )
        if len(recorded) != len(accepted) or set(statuses) - {202, 503}:
            raise SystemExit("a delivery was lost or answered other than 202/503")
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
        api.stop()
        codeload.stop()


if __name__ == "__main__":
    main()
