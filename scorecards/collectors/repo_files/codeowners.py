"""``CODEOWNERS`` files (GitHub / GitLab): path patterns and their owners."""

from __future__ import annotations

import re

# GitLab sections: "[Section name][2] @owner" or "^[Optional section]".
_SECTION = re.compile(r"^\^?\[[^\]]+\](\[\d+\])?(?P<owners>(\s+\S+)*)\s*$")


def parse_codeowners(path: str, text: str) -> dict:
    """``{"path", "rules": [{"pattern", "owners", "line"}]}``; owners may be empty (unowned)."""
    rules = []
    section_owners: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw).strip()
        if not line:
            continue
        section = _SECTION.match(line)
        if section:
            section_owners = section["owners"].split()
            continue
        pattern, *owners = _split(line)
        rules.append({"pattern": pattern, "owners": owners or section_owners, "line": number})
    return {"path": path, "rules": rules}


def _strip_comment(line: str) -> str:
    # "#" starts a comment unless escaped ("\#file" is a pattern).
    match = re.search(r"(?<!\\)#", line)
    return line[: match.start()] if match else line


def _split(line: str) -> list[str]:
    # Escaped spaces belong to the pattern ("docs/my\ file.md @me").
    parts = re.split(r"(?<!\\)\s+", line)
    return [part.replace("\\ ", " ") for part in parts if part]
