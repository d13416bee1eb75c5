"""Tiny readers for environment variables that fail loudly on a bad value.

Each raises ``ImproperlyConfigured`` with one sentence naming the variable and what it expects,
so a typo in a deployment stops start-up instead of running with a silent default.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def envstr(name: str, default: str = "") -> str:
    """The variable's value stripped of surrounding blanks, or ``default`` when unset or empty."""
    value = os.environ.get(name, "").strip()
    return value or default


def envbool(name: str, default: bool) -> bool:
    value = envstr(name).lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}."
    )


def envint(name: str, default: int, minimum: int | None = None) -> int:
    value = envstr(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def envlist(name: str, default: list[str] | None = None) -> list[str]:
    """A comma-separated list; blanks around items and empty items are dropped."""
    value = envstr(name)
    if not value:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def envcron(name: str, default: str) -> str:
    """A five-field cron expression (minute hour day-of-month month day-of-week)."""
    value = envstr(name, default)
    fields = value.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(
            f"{name} must be a cron expression with 5 fields "
            f"(minute hour day month weekday), not {value!r}."
        )
    return " ".join(fields)
