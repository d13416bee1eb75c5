"""Session stores that keep user state inside one process or on its local disk.

``session.local-store``: ``detail = {"store": name}`` for Django file sessions, Flask-Session
``filesystem``, express-session ``MemoryStore``, PHP ``session.save_handler = files`` and
gorilla/sessions ``NewFilesystemStore``. Stores in Redis, a database or signed cookies are fine
and match nothing here.
"""

from __future__ import annotations

import re

from scorecards.collectors.repo_files.signals import SignalRule

_STORES = {
    "django-file-sessions":
        r"""\bSESSION_ENGINE\s*=\s*["']django\.contrib\.sessions\.backends\.file["']""",
    "flask-session-filesystem":
        r"""\bSESSION_TYPE["']?\]?\s*[=:]\s*["']filesystem["']""",
    "express-memory-store":
        r"\bsession\.MemoryStore\b|\brequire\(\s*[\"']memorystore[\"']\s*\)\s*\(\s*session\b"
        r"|\bnew\s+MemoryStore\((?=.*\bsession)|(?<=session).*\bnew\s+MemoryStore\(",
    "php-file-sessions":
        r"^\s*session\.save_handler\s*=\s*[\"']?files\b"
        r"|\bini_set\(\s*[\"']session\.save_handler[\"']\s*,\s*[\"']files[\"']",
    "gorilla-filesystem-store": r"\bsessions\.NewFilesystemStore\(",
}  # fmt: skip
_NAMES = list(_STORES)


def _pattern() -> str:
    return "|".join(f"(?P<s{index}>{body})" for index, body in enumerate(_STORES.values()))


def _store_detail(match: re.Match[str], line: str) -> dict | None:
    for index, name in enumerate(_NAMES):
        if match.group(f"s{index}") is not None:
            return {"store": name}
    return None


RULES = [
    SignalRule(
        id="session.local-store",
        languages=frozenset({"python", "javascript", "typescript", "php", "ini", "conf", "go"}),
        pattern=_pattern(),
        detail=_store_detail,
    ),
]
