"""Repository waivers as code: ``.twelve-factor.yml`` may waive a check with a reason and expiry.

```yaml
waivers:
  - check: logs.structured
    reason: Plain-text logs are parsed by the sidecar until Q1.
    expires: 2027-03-31
    author: platform-team      # optional for repository waivers
```
Expired, reasonless, undated and unknown-check waivers are ignored and reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Waiver:
    check: str
    reason: str
    expires: date
    author: str
    locator: str

    def as_dict(self) -> dict:
        return {
            "check": self.check,
            "reason": self.reason,
            "expires": self.expires.isoformat(),
            "author": self.author,
            "locator": self.locator,
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
        else:
            author = str(entry.get("author") or "repository").strip()
            valid.append(Waiver(check_id, reason, expires, author, path))
    return valid, problems
