"""``scripts/demo`` for real: started as a new user would, with a port, then stopped.

It uses the embedded default (var/portal.sqlite3 of this checkout, gitignored), exactly as
the README's first command does; a second run is cheap because ``load_demo`` is idempotent.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return answer.status, answer.read().decode("utf-8", "replace")


def test_scripts_demo_serves_the_login_page_and_its_static_files(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    # A real source in the developer's shell must not leak in: the script unsets them itself.
    env.update(PORT=str(port), DATABASE_URL="postgresql://nowhere/none", AWS_REGIONS="x")
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "demo")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                status, page = fetch(f"http://127.0.0.1:{port}/login/")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(log.read_text(errors="replace")[-3000:]) from None
                time.sleep(0.5)
        assert status == 200
        assert 'name="password"' in page
        stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page)
        assert stylesheets, "the login page links its stylesheet"
        assert fetch(f"http://127.0.0.1:{port}{stylesheets[0]}")[0] == 200
        output = log.read_text()
        assert re.search(r"Demo account: demo / \S+", output)
        assert f"http://127.0.0.1:{port}" in output
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
