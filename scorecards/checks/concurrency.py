"""Checks of one factor (see catalogue/concurrency.yaml for their metadata and remediation)."""

from scorecards.checks.registry import check  # noqa: F401
