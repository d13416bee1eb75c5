"""Split evidence locators into file path and line (only repository evidence has files)."""

from __future__ import annotations

FILE_SOURCES = frozenset({"local", "github"})


def file_and_line(source: str, locator: str) -> tuple[str, int | None] | None:
    """``("src/app.py", 12)`` for ``src/app.py:12``; None when the locator is not a file."""
    if source not in FILE_SOURCES or not locator or " " in locator:
        return None
    path, _, line = locator.rpartition(":")
    if path and line.isdigit():
        return path, int(line)
    return locator, None
