"""Checks of one factor (see catalogue/parity.yaml for their metadata and remediation)."""

from scorecards.checks.registry import check  # noqa: F401
