"""Shell scripts (entrypoints, build and deploy scripts): their command lines, secrets redacted.

Checks read these lines to see what an entrypoint does (runtime installs, ``exec``, ``trap``,
daemons, migrations), so we keep every non-blank, non-comment line with continuations joined.
"""

from __future__ import annotations

import re

from scorecards.collectors.repo_files.secrets import redact_assignments

MAX_LINES = 400
MAX_LINE_LENGTH = 300
# What of a line the redaction patterns read: only its first 300 characters are kept anyway.
MAX_READ_LENGTH = 8000
_SHEBANG = re.compile(r"^#!\s*(/usr)?/bin/(env\s+)?(-\S+\s+)*(ba|da|z|k)?sh\b")
_SCRIPT_NAME = re.compile(r"(\.(sh|bash)$|^(docker-)?entrypoint)", re.IGNORECASE)


def is_shell_script(path: str, text: str) -> bool:
    """``*.sh``/``*.bash``, ``entrypoint*`` / ``docker-entrypoint*``, or a shell shebang."""
    name = path.rsplit("/", 1)[-1]
    if _SCRIPT_NAME.search(name):
        return True
    return "." not in name and bool(_SHEBANG.match(text[:200]))


def parse_script(path: str, text: str) -> dict | None:
    """``{"path", "lines": [{"line", "text"}]}`` for shell scripts, else None."""
    if not is_shell_script(path, text):
        return None
    return {"path": path, "lines": logical_lines(text)}


def logical_lines(text: str) -> list[dict]:
    """Non-blank, non-comment lines with ``\\`` continuations joined, numbered by first line."""
    result: list[dict] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not pending:
            if not stripped or stripped.startswith("#"):
                continue
            start = number
        elif stripped.startswith("#"):
            continue  # a comment inside a continued command
        if stripped.endswith("\\") and not stripped.endswith("\\\\"):
            pending.append(stripped[:-1].strip())
            continue
        pending.append(stripped)
        result.append(_entry(start, " ".join(p for p in pending if p)))
        pending = []
        if len(result) >= MAX_LINES:
            return result
    if pending:
        result.append(_entry(start, " ".join(p for p in pending if p)))
    return result


def _entry(number: int, line: str) -> dict:
    line = redact_assignments(line[:MAX_READ_LENGTH])
    if len(line) > MAX_LINE_LENGTH:
        line = line[: MAX_LINE_LENGTH - 1] + "…"
    return {"line": number, "text": line}
