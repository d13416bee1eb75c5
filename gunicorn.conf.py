"""Gunicorn settings for the web process: ``gunicorn portal.wsgi --config gunicorn.conf.py``.

The app binds its own port from ``PORT`` (factor VII), logs to stdout (XI) and shuts down
gracefully (IX): on SIGTERM gunicorn stops accepting connections and gives in-flight requests
``graceful_timeout`` seconds to finish before workers are killed. Kubernetes' preStop sleep and
``terminationGracePeriodSeconds`` are sized around this value.
"""

import json
import os
import tempfile


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}.") from None


bind = f"0.0.0.0:{_env_int('PORT', 8000)}"
workers = _env_int("WEB_CONCURRENCY", 2)
threads = _env_int("GUNICORN_THREADS", 1)
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 25)
keepalive = 5
# Load the app once in the master, then fork: workers share one evaluation of the settings.
preload_app = True
# Heartbeat files in memory, not on the (possibly read-only) image filesystem.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# One JSON object per request. Gunicorn escapes double quotes inside the substituted values,
# which keeps ordinary request lines valid JSON.
access_log_format = json.dumps(
    {
        "time": "%(t)s",
        "logger": "gunicorn.access",
        "remote_addr": "%(h)s",
        "method": "%(m)s",
        "path": "%(U)s",
        "query": "%(q)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "duration_us": "%(D)s",
        "user_agent": "%(a)s",
        "request_id": "%({x-request-id}i)s",
    }
)
# No runtime control socket: the orchestrator manages the process through signals alone.
control_socket_disable = True
# Trust X-Forwarded-* only from the local proxy or ingress sidecar.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Each worker process keeps its own Prometheus counters; they are shared through files in this
# scratch directory so /metrics reports the whole pod (see portal/metrics.py). It must be set
# before the app (and so prometheus_client) is loaded.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="portal-metrics-")


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
