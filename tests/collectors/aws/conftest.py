"""A real moto server process for the AWS collector tests.

One ``moto_server`` per test session on a free loopback port; every test starts from an empty
server (``POST /moto-api/reset``) with dummy credentials in the environment, so nothing can
reach a real AWS account.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.collectors.aws.builders import REGION, Moto


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url: str) -> int:
    request = urllib.request.Request(url, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=5) as answer:
        return answer.status


@contextmanager
def running_moto_server(log: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start ``moto_server`` on a free port, wait until it answers, stop it afterwards."""
    executable = Path(sys.executable).with_name("moto_server")
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(executable), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"moto_server did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory):
    """``http://127.0.0.1:<port>`` of a moto server started for this session."""
    with running_moto_server(tmp_path_factory.mktemp("moto") / "moto.log") as endpoint:
        yield endpoint


@pytest.fixture
def moto(moto_endpoint, monkeypatch, tmp_path) -> Moto:
    """An empty moto server and dummy credentials for one test."""
    _post(f"{moto_endpoint}/moto-api/reset")
    dummy_credentials(monkeypatch, tmp_path)
    return Moto(moto_endpoint)


def dummy_credentials(monkeypatch, tmp_path) -> None:
    """No real credential, profile or config file can be picked up by boto3."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
