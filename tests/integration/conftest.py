"""Real Redis and real Celery worker processes, on the real PostgreSQL test database.

``scripts/test`` (and ``.ci/run``) start PostgreSQL and Redis and export ``DATABASE_URL`` and
``REDIS_URL``; these tests refuse to pretend without them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def real_backends(transactional_db):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.fail(
            "integration tests need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL): "
            "run scripts/test, which starts both"
        )
    return os.environ["REDIS_URL"]


@pytest.fixture
def celery_app(real_backends):
    from portal.celery import app

    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=real_backends, task_always_eager=False)
    _reset_pools(app)
    # Start from an empty queue: nothing left over from an earlier test.
    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()
    yield app
    app.conf.update(**saved)
    _reset_pools(app)


def _reset_pools(app) -> None:
    """Drop connections made for the previous broker; the next send opens new ones."""
    # Not force_close_all(): kombu keeps pools in a global registry keyed by broker URL, and a
    # closed pool would be handed back to the next test using the same broker.
    app._pool = None
    app.amqp._producer_pool = None


class Worker:
    """A ``celery -A portal worker`` process on the test database."""

    def __init__(self, broker: str, env: dict[str, str]) -> None:
        db = connection.settings_dict
        url = (
            f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/"
            f"{db['NAME']}"
        )
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": broker,
            "SECRET_KEY": "integration-tests-only",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=info",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def workers(celery_app, real_backends):
    started: list[Worker] = []

    def start(**env: str) -> Worker:
        worker = Worker(real_backends, env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(predicate, timeout: float = 90.0, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"condition not met within {timeout}s")
