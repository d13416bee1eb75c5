"""GitHub ingestion: requests per repository and repositories per minute, through real workers.

A fake GitHub on loopback (tests/collectors/github/fake_github.py: org listing with ``Link``
pagination, commits with ``ETag`` answered 304 on ``If-None-Match``, the 302 to a codeload
host, ``x-ratelimit-*`` headers, every request logged server-side) serves an organisation of
``--repos`` repositories, each a seeded tarball of 15 to 120 files (bench/synthetic_repo.py).
Scans go the production way: ``scan_organisation`` on Redis, ``celery -A portal worker``
processes (prefork, ``--concurrency N``) on PostgreSQL, the GitHub collector, discovery, one
scoring task per service.

Rounds, each a full organisation scan:
- cold: no earlier scan (scans wiped), every repository listed, fetched and scored;
- warm: nothing changed since the cold scan;
- 5% changed: a new head commit on one repository in twenty;
then a cold scan again with each other worker count, for repositories per minute.

Needs DATABASE_URL and CELERY_BROKER_URL (see bench/README.md for the one command).

    .venv/bin/python bench/github_ingestion.py                   # 1,000 repos, 1 worker
    .venv/bin/python bench/github_ingestion.py --workers 1,2,4   # and the scaling
    .venv/bin/python bench/github_ingestion.py --repos 100       # quicker
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="portal.settings",
    SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only",
    ALLOWED_HOSTS="testserver,localhost",
    SECURE_SSL_REDIRECT="false",
    LOG_LEVEL="WARNING",
)

from measure import celery_worker, machine  # noqa: E402
from synthetic_repo import generate  # noqa: E402

SIZES = (15, 30, 60, 120)


def start_workers(concurrency: int) -> subprocess.Popen:
    options = ("--pool=prefork", f"--concurrency={concurrency}", "-O", "fair")
    command = celery_worker(*options, "-n", f"bench{concurrency}@%h")
    worker = subprocess.Popen(
        command,
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from portal.celery import app

    deadline = time.monotonic() + 120
    while not app.control.ping(timeout=1.0):
        if time.monotonic() > deadline or worker.poll() is not None:
            raise RuntimeError("the celery worker did not start")
    return worker


def stop_workers(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def run_scan(github) -> dict:
    """One organisation scan through Celery; its timings and the requests GitHub saw."""
    from scorecards.models import Scan, SourceRun
    from scorecards.tasks import scan_organisation

    github.reset_log()
    github.remaining = 5000  # each round starts with a fresh hour of rate limit
    started = time.monotonic()
    scan_id = scan_organisation.apply(("manual", "benchmark")).get()
    while True:
        scan = Scan.objects.get(pk=scan_id)
        if scan.state not in Scan.ACTIVE_STATES:
            break
        time.sleep(0.2)
    wall = time.monotonic() - started
    run = SourceRun.objects.get(scan=scan, source="github")
    collect_seconds = (run.finished_at - scan.created_at).total_seconds()
    score_seconds = (scan.finished_at - run.finished_at).total_seconds()
    hits = list(github.log)
    api = [h for h in hits if h.host == "api"]
    return {
        "state": scan.state,
        "services": scan.progress["services"]["total"],
        "wall": wall,
        "collect": collect_seconds,
        "score": score_seconds,
        "counted": sum(1 for h in api if h.status != 304),
        "not_modified": sum(1 for h in api if h.status == 304),
        "listing": sum(1 for h in api if h.kind == "repos"),
        "commits": sum(1 for h in api if h.kind == "commit" and h.status != 304),
        "tarballs": sum(1 for h in api if h.kind == "tarball"),
        "downloads": sum(1 for h in hits if h.host == "codeload"),
        "rate_limited": sum(1 for h in api if h.status in (403, 429)),
        "client": run.requests,
    }


def show(label: str, repos: int, result: dict, workers: int) -> None:
    per = {k: result[k] / repos for k in ("counted", "not_modified", "downloads")}
    print(
        f"{label:<11} {workers} worker(s): {result['wall']:.1f} s "
        f"({repos / result['wall'] * 60:,.0f} repos/min; collect {result['collect']:.1f} s, "
        f"score {result['score']:.1f} s for "
        f"{result['services']} services), state {result['state']}; API requests counted "
        f"{result['counted']} ({per['counted']:.3f}/repo: {result['listing']} listing pages, "
        f"{result['commits']} commit 200s, {result['tarballs']} tarball 302s), 304s "
        f"{result['not_modified']} ({per['not_modified']:.3f}/repo), codeload downloads "
        f"{result['downloads']}, rate-limited answers {result['rate_limited']}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument(
        "--workers",
        default="1",
        help="worker processes, comma-separated: a cold scan with each (1,2,4 for the scaling)",
    )
    parser.add_argument("--changed", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    worker_counts = [int(n) for n in args.workers.split(",")]
    if not os.environ.get("CELERY_BROKER_URL") or not os.environ.get("DATABASE_URL"):
        print("needs DATABASE_URL and CELERY_BROKER_URL (see bench/README.md)", file=sys.stderr)
        return 2

    from pytest_httpserver import HTTPServer

    from tests.collectors.github.fake_github import FakeGitHub, load, repo_like

    api = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    codeload = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    api.start()
    codeload.start()
    github = FakeGitHub(api, codeload)
    os.environ.update(
        GITHUB_API_URL=github.api_url, GITHUB_TOKEN=github.token, GITHUB_ORGS="acme-corp"
    )
    print(f"machine: {machine()}")

    started = time.monotonic()
    rng = random.Random(args.seed)
    template = load("org_repos.json")[0]
    contents: dict[str, dict[str, bytes]] = {}
    total_files = 0
    for index in range(args.repos):
        name = f"svc-{index:04d}"
        files = dict(generate(rng.choice(SIZES), seed=index, name=name))
        total_files += len(files)
        data = repo_like(template, name, 800_000_000 + index, default_branch="main")
        data.update(archived=False, fork=False, disabled=False)
        github.add_repo(data, files)
        contents[data["full_name"]] = files
    print(
        f"fake GitHub: {args.repos:,} repositories, {total_files:,} files "
        f"(built in {time.monotonic() - started:.0f} s, not timed)",
        flush=True,
    )

    import django

    django.setup()
    from django.core.management import call_command

    from scorecards.models import Scan

    call_command("migrate", verbosity=0)
    try:
        for position, workers in enumerate(worker_counts):
            worker = start_workers(workers)
            try:
                Scan.objects.all().delete()  # cold: no ETag, no facts from an earlier scan
                show("cold", args.repos, run_scan(github), workers)
                if position == 0:
                    show("warm", args.repos, run_scan(github), workers)
                    changed = sorted(rng.sample(sorted(contents), int(args.repos * args.changed)))
                    for full_name in changed:
                        files = contents[full_name]
                        files["CHANGELOG.md"] = f"# {time.time()}\n".encode()
                        github.push(full_name, files)
                    show(f"{args.changed:.0%} changed", args.repos, run_scan(github), workers)
            finally:
                stop_workers(worker)
    finally:
        api.stop()
        codeload.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
