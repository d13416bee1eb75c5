"""Memory: peak RSS of the web process under load and of a worker scanning the largest repository.

web: the demo organisation loaded (``manage.py load_demo``), ``gunicorn portal.wsgi --config
gunicorn.conf.py`` (its default two workers), then ``--seconds`` of load from ``--clients``
threads signed in as a viewer, cycling through the catalogue, every service's scorecard, the
dashboard and the factor guide. RSS of the master and each worker is sampled every 50 ms with
psutil; the peak per process and of their sum is printed, with the idle figure before the load.

worker: a fake GitHub (tests/collectors/github/fake_github.py) serving one repository of
``--files`` files (bench/synthetic_repo.py) as a tarball; one ``celery -A portal worker
--pool=solo`` process runs a full organisation scan through the GitHub path (download, tarball
read, facts stored, checks, scorecard). Peak RSS comes from the worker's rusage when it exits,
cross-checked by sampling.

Needs DATABASE_URL and CELERY_BROKER_URL (see bench/README.md for the one command).

    .venv/bin/python bench/memory.py                    # web, then a 50,000-file repository
    .venv/bin/python bench/memory.py --part web --seconds 10
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="portal.settings",
    SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only",
    ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    SECURE_SSL_REDIRECT="false",
    SESSION_COOKIE_SECURE="false",
    LOG_LEVEL="WARNING",
)

from measure import celery_worker, machine, percentile  # noqa: E402
from synthetic_repo import generate  # noqa: E402

GITHUB_VARIABLES = ("GITHUB_API_URL", "GITHUB_TOKEN", "GITHUB_ORGS")


class RssSampler:
    """Peak resident set per process of a tree (a root and its children), and of the sum."""

    def __init__(self, root_pid: int, interval: float = 0.05) -> None:
        self.root = psutil.Process(root_pid)
        self.interval = interval
        self.peaks: dict[int, float] = {}
        self.peak_total = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> dict[int, float]:
        found = {}
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return found
        for process in processes:
            try:
                found[process.pid] = process.memory_info().rss / 2**20
            except psutil.NoSuchProcess:
                continue
        return found

    def _run(self) -> None:
        while not self._stop.is_set():
            current = self.sample()
            for pid, rss in current.items():
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), rss)
            self.peak_total = max(self.peak_total, sum(current.values()))
            time.sleep(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _without_github() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in GITHUB_VARIABLES}


def measure_web(seconds: float, clients: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from scorecards.models import Service
    from scorecards.roles import VIEWER

    env = _without_github()
    subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-viewer")
    # A viewer: an account with no role is shown only the "no role" page.
    user.groups.add(Group.objects.get_or_create(name=VIEWER)[0])
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    slugs = list(Service.objects.filter(retired=False).values_list("slug", flat=True))
    pages = ["/services/", "/dashboard/", "/factors/", *[f"/services/{s}/" for s in slugs]]

    port = _free_port()
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "PORT": str(port), "LOG_LEVEL": "warning"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"

    def get(path: str) -> int:
        request = urllib.request.Request(base + path, headers={"Cookie": cookie})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get("/healthz") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        for path in pages:  # warm every page once: imports, template caches
            get(path)
        sampler = RssSampler(gunicorn.pid)
        idle = sampler.sample()
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        lock = threading.Lock()
        stop_at = time.monotonic() + seconds

        def load(offset: int) -> None:
            index = offset
            while time.monotonic() < stop_at:
                path = pages[index % len(pages)]
                index += 1
                started = time.perf_counter()
                status = get(path)
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
                    statuses[status] = statuses.get(status, 0) + 1

        with sampler:
            threads = [threading.Thread(target=load, args=(i * 7,)) for i in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=60)

    master = gunicorn.pid
    workers = sorted(pid for pid in sampler.peaks if pid != master)
    print(
        f"web: gunicorn (master + {len(workers)} workers), {len(pages)} pages "
        f"({len(slugs)} demo scorecards, catalogue, dashboard, factor guide), {clients} clients "
        f"for {seconds:.0f} s: {len(latencies):,} requests {dict(sorted(statuses.items()))}, "
        f"p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms"
    )
    print(
        f"web RSS: master idle {idle.get(master, 0):.0f} MB, "
        f"peak {sampler.peaks.get(master, 0):.0f} MB; "
        + "; ".join(
            f"worker {n + 1} idle {idle.get(pid, 0):.0f} MB, peak {sampler.peaks[pid]:.0f} MB"
            for n, pid in enumerate(workers)
        )
        + f"; whole web process tree peak {sampler.peak_total:.0f} MB",
        flush=True,
    )


def measure_worker(files: int) -> None:
    from pytest_httpserver import HTTPServer

    from scorecards import scanning
    from scorecards.models import Scan, Scorecard, Snapshot
    from scorecards.tasks import enqueue_scan
    from tests.collectors.github.fake_github import FakeGitHub, load, make_tarball, repo_like

    api = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    codeload = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    api.start()
    codeload.start()
    try:
        github = FakeGitHub(api, codeload)
        started = time.monotonic()
        content = dict(generate(files, name="giant"))
        data = repo_like(load("org_repos.json")[0], "giant", 900_000_001, default_branch="main")
        data.update(archived=False, fork=False, disabled=False)
        github.add_repo(data)
        sha = "f" * 40
        archive = make_tarball(f"acme-corp-giant-{sha[:7]}", content, sha=sha)
        github.push(data["full_name"], content, archive=archive)
        print(
            f"worker: one repository of {files:,} files, tarball {len(archive) / 2**20:.1f} MB "
            f"({sum(map(len, content.values())) / 2**20:.0f} MB unpacked; built in "
            f"{time.monotonic() - started:.0f} s, not timed)",
            flush=True,
        )
        del content, archive
        env = {
            **os.environ,
            "GITHUB_API_URL": github.api_url,
            "GITHUB_TOKEN": github.token,
            "GITHUB_ORGS": "acme-corp",
        }
        worker = subprocess.Popen(
            celery_worker("--pool=solo", "-n", "bench-memory@%h"),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        from portal.celery import app

        while not app.control.ping(timeout=1.0):
            if worker.poll() is not None:
                raise RuntimeError("the celery worker did not start")
        sampler = RssSampler(worker.pid)
        idle = sampler.sample().get(worker.pid, 0.0)
        started = time.monotonic()
        with sampler:
            # What scan_organisation does, with the source named: this process's settings
            # were read before the fake GitHub existed.
            scan, _ = scanning.request_scan("manual", sources=["github"], reason="memory bench")
            enqueue_scan(scan)
            scan_id = scan.pk
            while Scan.objects.get(pk=scan_id).state in Scan.ACTIVE_STATES:
                time.sleep(0.2)
        took = time.monotonic() - started
        worker.terminate()
        _, _, usage = os.wait4(worker.pid, 0)
        worker.returncode = 0
        scan = Scan.objects.get(pk=scan_id)
        # Services seen before (the demo's, from the web part) are rescored too: pick the giant.
        card = Scorecard.objects.filter(scan=scan, service__repository=data["full_name"]).first()
        snapshot = (
            Snapshot.objects.filter(scan=scan, source="github").select_related("facts").first()
        )
        paths = len(snapshot.facts.data.get("paths", [])) if snapshot else 0
        print(
            f"worker: scan {scan.state} in {took:.0f} s ({paths:,} files analysed, the rest "
            f"vendored; score {card.score if card else None}; "
            f"{scan.progress['services']['total']} service(s) scored); "
            f"RSS idle {idle:.0f} MB, peak "
            f"{usage.ru_maxrss / 1024:.0f} MB (rusage; "
            f"sampled {sampler.peaks.get(worker.pid, 0):.0f} MB)",
            flush=True,
        )
    finally:
        api.stop()
        codeload.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["web", "worker", "both"], default="both")
    parser.add_argument("--files", type=int, default=50_000, help="worker: repository size")
    parser.add_argument("--seconds", type=float, default=30.0, help="web: length of the load")
    parser.add_argument("--clients", type=int, default=8, help="web: concurrent clients")
    args = parser.parse_args(argv)
    if not os.environ.get("CELERY_BROKER_URL") or not os.environ.get("DATABASE_URL"):
        print("needs DATABASE_URL and CELERY_BROKER_URL (see bench/README.md)", file=sys.stderr)
        return 2
    for name in GITHUB_VARIABLES:
        os.environ.pop(name, None)
    print(f"machine: {machine()}")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # The web part first: the GitHub scan of the worker part retires the demo services.
    if args.part in ("web", "both"):
        measure_web(args.seconds, args.clients)
    if args.part in ("worker", "both"):
        measure_worker(args.files)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
