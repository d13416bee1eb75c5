"""Organisations with known scores: every check passing scores 100, warning 50, failing 0."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scorecards.checks.registry import catalogue

# A fixed "now" keeps the 7-day and 90-day windows exact: a Wednesday, mid-morning UTC.
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)


def every_check(status: str) -> dict[str, str]:
    """All catalogue checks with one status: the service scores 100 (pass), 50 (warn) or 0."""
    return dict.fromkeys(catalogue(), status)


@pytest.fixture
def now():
    return NOW
