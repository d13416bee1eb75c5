"""One-off admin tasks: `python -m payments.admin settle-day 2026-11-01`."""
