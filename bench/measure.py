"""Small shared pieces of the benchmarks: timing a child process, the machine, percentiles."""

from __future__ import annotations

import contextlib
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = os.environ.get("BENCH_PYTHON") or sys.executable


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and the children it waited for
    peak_rss_mb: float  # the largest resident set of the process or one of those children
    returncode: int
    timed_out: bool


def run_measured(
    command: list[str],
    *,
    cwd: Path | str | None = None,
    env: dict[str, str] | None = None,
    stdout=subprocess.DEVNULL,
    timeout: float | None = None,
) -> Run:
    """Run ``command`` and measure it from its rusage (``wait4``), not from sampling.

    CPU seconds matter on a shared machine: wall time moves with the neighbours' load, the CPU
    a tool burns does not. A run past ``timeout`` is killed with its whole process group.
    """
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=stdout,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    expired = threading.Event()

    def kill() -> None:
        expired.set()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, kill) if timeout else None
    if timer:
        timer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        if timer:
            timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,
        returncode=process.returncode,
        timed_out=expired.is_set(),
    )


def machine() -> str:
    """``nproc``, CPU model, RAM and load: the line each benchmark prints with its figures."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        total_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
        ram = f"{total_kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        ram = "RAM unknown"
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{os.cpu_count()} CPU ({model}), {ram}, Python {platform.python_version()}; "
        f"load average {load}"
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def celery_worker(*options: str) -> list[str]:
    """The command of a quiet `celery -A portal worker` with these options (pool, name...)."""
    return [
        sys.executable, "-m", "celery", "-A", "portal", "worker", *options,
        "--without-gossip", "--without-mingle", "--loglevel=warning",
    ]  # fmt: skip


def wait_for_port(port: int, what: str = "gunicorn", seconds: float = 60) -> None:
    """Return once something accepts connections on 127.0.0.1:``port``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not start")
