"""Fixtures of the GitHub collector tests: a fake GitHub on loopback, fake time, a client."""

from __future__ import annotations

import time

import pytest
from pytest_httpserver import HTTPServer

from scorecards.collectors.github import GitHubClient, GitHubConfig
from tests.collectors.github.fake_github import FakeGitHub


class FakeTime:
    """``clock`` and ``sleep`` for the client: sleeping records the wait and moves the clock."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture(scope="session")
def _codeload_session():
    """A second origin (another port) playing codeload.github.com, like ``httpserver``."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    if server.is_running():
        server.stop()


@pytest.fixture
def codeload_server(_codeload_session):
    yield _codeload_session
    _codeload_session.clear()


@pytest.fixture
def github(httpserver, codeload_server, fake_time) -> FakeGitHub:
    return FakeGitHub(httpserver, codeload_server, clock=fake_time.clock)


@pytest.fixture
def make_client(github, fake_time):
    """``make_client(**config)``: a client on the fake GitHub with the fake clock and sleep."""
    clients = []

    def make(fake: FakeGitHub | None = None, **overrides) -> GitHubClient:
        fake = fake or github
        settings = {"api_url": fake.api_url, "token": fake.token, "orgs": ["acme-corp"]}
        settings.update(overrides)
        client = GitHubClient(
            GitHubConfig(**settings),
            sleep=fake_time.sleep,
            clock=fake_time.clock,
            jitter=lambda: 0.5,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
