"""Logging for every process: one JSON object per line on stdout, nothing written to files.

The platform (container runtime, Kubernetes, the PaaS router) collects stdout; the portal never
manages log files (factor XI).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# HTTP and cloud clients print request and response bodies at DEBUG (botocore logs a Lambda's
# environment, a task definition's variables; urllib3 and httpx full URLs): never below INFO,
# whatever LOG_LEVEL says, so a debugging session cannot write a secret to the logs.
_CLIENT_LOGGERS = (
    "botocore",
    "boto3",
    "s3transfer",
    "urllib3",
    "kubernetes",
    "httpx",
    "httpcore",
    "hishel",
)


def logging_config(level: str) -> dict:
    """A ``dictConfig`` sending django, celery, scorecards and everything else to stdout as JSON."""
    if level not in _LEVELS:
        raise ImproperlyConfigured(f"LOG_LEVEL must be one of {', '.join(_LEVELS)}, not {level!r}.")
    client_level = level if level != "DEBUG" else "INFO"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
            # Gunicorn's access lines are already JSON objects (see gunicorn.conf.py).
            "raw": {"format": "%(message)s"},
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
            },
            "stdout_raw": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "raw",
            },
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # Listed so Django's default handlers (console, mail_admins) are replaced: every
            # record goes up to the root logger's single JSON stdout handler.
            "django": {"level": level, "propagate": True},
            "celery": {"level": level, "propagate": True},
            "scorecards": {"level": level, "propagate": True},
            "gunicorn.error": {"level": level, "propagate": True},
            "gunicorn.access": {"handlers": ["stdout_raw"], "level": "INFO", "propagate": False},
            **{name: {"level": client_level, "propagate": True} for name in _CLIENT_LOGGERS},
        },
    }
