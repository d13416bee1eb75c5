"""Repository waivers as code: ``.twelve-factor.yml`` may waive a check with a reason and expiry.

```yaml
waivers:
  - check: logs.structured
    reason: Plain-text logs are parsed by the sidecar until Q1.
    expires: 2027-03-31
    author: platform-team      # optional for repository waivers
```
Expired, reasonless, undated and unknown-check waivers are ignored and reported, and so are
waivers lasting more than ``MAX_WAIVER_DAYS`` (the portal's own limit): a repository may not
switch a check off for good. A repository's waivers are requests, not decisions: the portal
applies one only after a platform lead approves it; ``score_repo``, which has nobody to ask,
applies them labelled ``origin: repository`` (docs/security.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# A waiver is a promise to fix something later, not a way to switch a check off for good.
MAX_WAIVER_DAYS = 365
REPOSITORY = "repository"
PORTAL = "portal"


@dataclass(frozen=True)
class Waiver:
    check: str
    reason: str
    expires: date
    author: str
    locator: str
    # "repository": declared in .twelve-factor.yml and approved by nobody; "portal": approved
    # by a platform lead.
    origin: str = REPOSITORY

    def as_dict(self) -> dict:
        return {
            "check": self.check,
            "reason": self.reason,
            "expires": self.expires.isoformat(),
            "author": self.author,
            "locator": self.locator,
            "origin": self.origin,
        }


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def parse_waivers(
    config: dict | None, path: str, known_checks: set[str], today: date
) -> tuple[list[Waiver], list[str]]:
    """Return the waivers in force and one sentence per waiver that was ignored."""
    if not config:
        return [], []
    entries = config.get("waivers") or []
    if not isinstance(entries, list):
        return [], [f"{path}: `waivers` must be a list; none applied"]
    valid: list[Waiver] = []
    problems: list[str] = []
    for index, entry in enumerate(entries, start=1):
        where = f"{path} waiver #{index}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a mapping; ignored")
            continue
        check_id = str(entry.get("check") or "").strip()
        reason = str(entry.get("reason") or "").strip()
        expires = _as_date(entry.get("expires"))
        if check_id not in known_checks:
            problems.append(f"{where}: unknown check {check_id!r}; ignored")
        elif not reason:
            problems.append(f"{where} ({check_id}): no reason given; ignored")
        elif expires is None:
            problems.append(f"{where} ({check_id}): no valid `expires` date (YYYY-MM-DD); ignored")
        elif expires < today:
            problems.append(f"{where} ({check_id}): expired on {expires.isoformat()}; ignored")
        elif expires > today + timedelta(days=MAX_WAIVER_DAYS):
            problems.append(
                f"{where} ({check_id}): expires {expires.isoformat()}, but a waiver lasts at "
                f"most {MAX_WAIVER_DAYS} days (until {today + timedelta(days=MAX_WAIVER_DAYS)}); "
                "ignored"
            )
        else:
            author = str(entry.get("author") or "repository").strip()
            valid.append(Waiver(check_id, reason, expires, author, path))
    return valid, problems
