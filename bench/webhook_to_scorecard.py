"""Time from a signed GitHub push webhook to the new scorecard being visible.

Real pieces: the Django receiver (in-process WSGI test client, so HTTP parsing is the only
thing left out), PostgreSQL, Redis, one ``celery -A portal worker --pool=solo`` process, and a
fake GitHub on loopback serving a repository of about 300 files (tests/collectors/github).

Two rounds:
- sequential: N single pushes, each a new commit; latency = request sent -> a scorecard
  with that commit is in the database;
- burst: 100 commits pushed, then 100 signed deliveries sent at once (20 threads); latency per
  delivery = sent -> a scorecard from a scan that started after it was sent (so it saw the
  pushed head). The number of scans the burst caused shows coalescing bounding the work.

Needs DATABASE_URL and CELERY_BROKER_URL (see bench/README.md for the one command).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from measure import celery_worker  # noqa: E402

SECRET = "bench-secret"
os.environ.update(
    DJANGO_SETTINGS_MODULE="portal.settings",
    SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only",
    GITHUB_WEBHOOK_SECRET=SECRET,
    ALLOWED_HOSTS="testserver,localhost",
    SECURE_SSL_REDIRECT="false",
    LOG_LEVEL="WARNING",
)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    from pytest_httpserver import HTTPServer

    from tests.collectors.github.fake_github import FakeGitHub, files_of, load, repo_like

    api, codeload = HTTPServer(host="127.0.0.1", port=0), HTTPServer(host="127.0.0.1", port=0)
    api.start()
    codeload.start()
    github = FakeGitHub(api, codeload)
    github.add_repo(
        repo_like(load("org_repos.json")[0], "orders", 700000001, default_branch="main")
    )
    os.environ.update(
        GITHUB_API_URL=github.api_url, GITHUB_TOKEN=github.token, GITHUB_ORGS="acme-corp"
    )

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from scorecards.models import Scan, Scorecard, Service
    from scorecards.webhooks.signatures import sign

    call_command("migrate", verbosity=0)
    Service.objects.filter(slug="orders").delete()
    service = Service.objects.create(
        slug="orders", name="orders", repository="acme-corp/orders", default_branch="main"
    )
    files = files_of(ROOT / "examples" / "inventory-api")
    for i in range(300 - len(files)):
        files[f"inventory/modules/m{i:03d}.py"] = (
            f"def handler_{i}(event):\n    return {i}\n".encode()
        )
    push_body = json.loads((ROOT / "tests/fixtures/webhooks/push.json").read_text())

    worker = subprocess.Popen(
        celery_worker("--pool=solo"),
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = threading.local()

    def send(sha: str, delivery: str) -> tuple[float, int, float]:
        client = getattr(local, "client", None) or Client()
        local.client = client
        raw = json.dumps({**push_body, "after": sha}).encode()
        sent = time.monotonic()
        response = client.post(
            "/webhooks/github",
            raw,
            content_type="application/json",
            HTTP_X_GITHUB_EVENT="push",
            HTTP_X_GITHUB_DELIVERY=delivery,
            HTTP_X_HUB_SIGNATURE_256=sign(SECRET, raw),
        )
        return sent, response.status_code, time.monotonic() - sent

    try:
        # Warm-up: the worker's first task imports everything.
        sha = github.push("acme-corp/orders", {**files, "VERSION": b"0"})
        send(sha, f"warm-{time.time()}")
        while not Scorecard.objects.filter(service=service, commit=sha).exists():
            time.sleep(0.05)

        single = []
        for n in range(int(os.environ.get("BENCH_SINGLE", "10"))):
            sha = github.push("acme-corp/orders", {**files, "VERSION": str(n + 1).encode()})
            sent, status, _ = send(sha, f"single-{n}-{time.time()}")
            assert status == 202, status
            while not Scorecard.objects.filter(service=service, commit=sha).exists():
                time.sleep(0.01)
            single.append(time.monotonic() - sent)

        burst_size = 100
        shas = [
            github.push("acme-corp/orders", {**files, "VERSION": f"b{n}".encode()})
            for n in range(burst_size)
        ]
        scans_before = Scan.objects.filter(service=service).count()
        wall = {}

        def fire(n: int):
            wall[n] = datetime.now(UTC)
            result = send(shas[n], f"burst-{n}-{time.time()}")
            connection.close()
            return result

        with ThreadPoolExecutor(max_workers=20) as pool:
            sent = list(pool.map(fire, range(burst_size)))
        assert all(status == 202 for _, status, _ in sent), [s for _, s, _ in sent]
        pending = set(range(burst_size))
        burst = {}
        while pending:
            cards = list(
                Scorecard.objects.filter(service=service, scan__started_at__isnull=False)
                .order_by("-created_at")
                .values_list("scan__started_at", flat=True)[:5]
            )
            now = time.monotonic()
            for n in list(pending):
                if any(started >= wall[n] for started in cards):
                    burst[n] = now - sent[n][0]
                    pending.discard(n)
            time.sleep(0.01)
        scans = Scan.objects.filter(service=service).count() - scans_before
        final = Service.objects.get(pk=service.pk).latest_scorecard.commit == shas[-1]

        answers = [seconds for _, _, seconds in sent]
        print(f"repository: {len(files)} files; one solo worker; PostgreSQL + Redis on loopback")
        print(
            f"1 push at a time ({len(single)} runs): p50 {statistics.median(single):.3f} s, "
            f"p95 {pct(single, 0.95):.3f} s, max {max(single):.3f} s"
        )
        values = list(burst.values())
        print(
            f"{burst_size} near-simultaneous pushes: p50 {statistics.median(values):.3f} s, "
            f"p95 {pct(values, 0.95):.3f} s, max {max(values):.3f} s; "
            f"{scans} scan(s) for {burst_size} pushes; latest scorecard at the last head: {final}"
        )
        print(
            f"receiver answers (202) in the burst: p50 {statistics.median(answers) * 1000:.1f} ms,"
            f" p95 {pct(answers, 0.95) * 1000:.1f} ms"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        api.stop()
        codeload.stop()


if __name__ == "__main__":
    main()
