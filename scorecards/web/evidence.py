"""Evidence shown on a scorecard: file locators become links to the scanned commit.

Only evidence the GitHub source found in a GitHub repository is linked, at the exact commit
the scan read (a branch link would drift as the code changes); ARNs, Kubernetes objects and
local paths are shown as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

# "owner/name" as GitHub spells repositories; a local source's path never matches.
_GITHUB_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_COMMIT = re.compile(r"^[0-9a-f]{7,64}$")
_PATH_LINE = re.compile(r"^(?P<path>[^:]+?)(?::(?P<line>\d+)(?::\d+)?)?$")


@dataclass(frozen=True)
class ShownEvidence:
    source: str
    locator: str
    excerpt: str
    url: str = ""


def github_blob_url(repository: str, commit: str, locator: str) -> str:
    """``https://github.com/<repo>/blob/<commit>/<path>#L<line>``, or "" when not a file."""
    if not (_GITHUB_REPO.match(repository) and _COMMIT.match(commit)):
        return ""
    match = _PATH_LINE.match(locator)
    if match is None or match["path"].startswith(("arn:", "/")):
        return ""
    # Locators are relative to the repository root, monorepo components included.
    url = f"https://github.com/{repository}/blob/{commit}/{quote(match['path'])}"
    return f"{url}#L{match['line']}" if match["line"] else url


def shown_evidence(evidence: list[dict], repository: str, commit: str) -> list[ShownEvidence]:
    shown = []
    for item in evidence or []:
        source = item.get("source", "")
        locator = item.get("locator", "")
        url = github_blob_url(repository, commit, locator) if source == "github" else ""
        shown.append(ShownEvidence(source, locator, item.get("excerpt", ""), url))
    return shown
