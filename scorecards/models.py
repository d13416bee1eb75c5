"""Persistence for services, scans, snapshots, results and scorecards (added in a later issue)."""
